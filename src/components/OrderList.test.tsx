// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { fetchOrders, type OrderFilters } from '../lib/api.ts';
import { useOrderPages } from '../lib/order-pages.ts';
import { OrderList } from './OrderList.tsx';

vi.mock('../lib/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../lib/api.ts')>()), fetchOrders: vi.fn() }));
const fetchMock = vi.mocked(fetchOrders);

afterEach(cleanup);
beforeEach(() => fetchMock.mockReset());

const order = (n: number): Order => ({
  orderId: `0000000${n}-0000-4000-8000-000000000000`,
  customerId: 'c-1',
  customerName: 'Ana García',
  customerEmail: `ana${n}@example.com`,
  orderDate: '2026-11-29T10:00:00.000Z',
  updatedAt: '2026-11-29T10:00:00.000Z',
  status: 'PENDING',
  totalAmount: 23.49,
  paymentMethod: 'credit_card',
  items: [{ productId: 'prod-012', name: 'Coffee Mug', quantity: n, price: 18.5 }],
  shippingAddress: { street: '12 Analytical Row', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'United States' },
});

function Orders({ filters }: { filters: OrderFilters }) {
  const pages = useOrderPages(filters, 2);
  return (
    <>
      {pages.error && (
        <button type="button" onClick={pages.retry}>
          Retry
        </button>
      )}
      <OrderList pages={pages} caption="Orders" rowTestId="row" detail={{ header: 'Customer', cell: (o) => o.customerEmail }} />
    </>
  );
}

describe('<OrderList> over useOrderPages', () => {
  it('shows a page, appends the next on "Show more orders" and moves focus to the first order added', async () => {
    fetchMock.mockResolvedValueOnce({ orders: [order(1), order(2)], nextToken: 't1' }).mockResolvedValueOnce({ orders: [order(3)] });
    const filters = {};
    render(<Orders filters={filters} />);
    expect(await screen.findAllByTestId('row')).toHaveLength(2);
    expect(screen.getByText('ana1@example.com').getAttribute('data-label')).toBe('Customer');

    fireEvent.click(screen.getByRole('button', { name: 'Show more orders' }));
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(3));
    expect(document.activeElement?.textContent).toMatch(/^Order /);
    expect(document.activeElement?.getAttribute('href')).toContain(order(3).orderId);
    expect(screen.queryByRole('button', { name: 'Show more orders' })).toBeNull();
    expect(fetchMock.mock.calls.map(([f, page]) => [f, page])).toEqual([
      [filters, { limit: 2 }],
      [filters, { limit: 2, nextToken: 't1' }],
    ]);
  });

  it('retries the request that failed (the next page), keeping the orders shown', async () => {
    fetchMock
      .mockResolvedValueOnce({ orders: [order(1), order(2)], nextToken: 't1' })
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce({ orders: [order(3)] });
    render(<Orders filters={{}} />);
    await screen.findAllByTestId('row');
    fireEvent.click(screen.getByRole('button', { name: 'Show more orders' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(3));
    expect(fetchMock.mock.calls.map(([, page]) => page)).toEqual([{ limit: 2 }, { limit: 2, nextToken: 't1' }, { limit: 2, nextToken: 't1' }]);
  });

  it('loads the first page again for new filters, not for a re-render with the same ones', async () => {
    fetchMock.mockResolvedValueOnce({ orders: [order(1)] }).mockResolvedValueOnce({ orders: [order(2)] });
    const filters: OrderFilters = { status: 'PENDING' };
    const { rerender } = render(<Orders filters={filters} />);
    await screen.findByText('ana1@example.com');
    rerender(<Orders filters={filters} />);
    rerender(<Orders filters={{ status: 'SHIPPED' }} />);
    await screen.findByText('ana2@example.com');
    expect(screen.getAllByTestId('row')).toHaveLength(1);
    expect(fetchMock.mock.calls.map(([f]) => f)).toEqual([{ status: 'PENDING' }, { status: 'SHIPPED' }]);
  });
});
