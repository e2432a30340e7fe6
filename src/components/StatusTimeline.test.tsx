// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusTimeline } from './StatusTimeline.tsx';

afterEach(cleanup);

const base = { orderDate: '2025-01-01T10:00:00.000Z', paymentDate: '2025-01-01T10:00:01.000Z' };

describe('<StatusTimeline>', () => {
  it('lists the four steps in order and marks the current one', () => {
    render(<StatusTimeline order={{ ...base, status: 'PAYMENT_PROCESSED' }} />);
    const list = screen.getByRole('list', { name: 'Order progress' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.querySelector('.timeline-label')?.textContent)).toEqual(['Pending', 'Payment processed', 'Shipped', 'Delivered']);
    expect(items[1]).toHaveProperty('ariaCurrent', 'step');
    expect(items[1]?.getAttribute('aria-current')).toBe('step');
    expect(items[0]?.textContent).toContain('(done)');
    expect(items[2]?.textContent).toContain('(not yet)');
    expect(items[0]?.querySelector('time')?.getAttribute('datetime')).toBe(base.orderDate);
  });

  it('shows a failed payment plainly', () => {
    render(<StatusTimeline order={{ ...base, status: 'PAYMENT_FAILED' }} />);
    const failed = screen.getByText('Payment failed').closest('li');
    expect(failed?.getAttribute('data-state')).toBe('failed');
    expect(failed?.getAttribute('aria-current')).toBe('step');
    expect(failed?.textContent).toContain('(failed)');
  });
});
