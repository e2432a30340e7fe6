// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CartLines } from './CartLines.tsx';

afterEach(cleanup);

const lines = [
  { productId: 'prod-002', quantity: 2 }, // 2 x 89.50
  { productId: 'prod-012', quantity: 1 }, // 18.50
];

describe('<CartLines>', () => {
  it('shows each line, its subtotal and the total in dollars', () => {
    render(<CartLines lines={lines} />);
    expect(screen.getByText('Mechanical Keyboard')).toBeTruthy();
    expect(screen.getByText('$179.00')).toBeTruthy();
    expect(screen.getByTestId('cart-total').textContent).toBe('$197.50');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('changes quantities and removes lines through its handlers', () => {
    const onQuantity = vi.fn();
    const onRemove = vi.fn();
    render(<CartLines lines={lines} onQuantity={onQuantity} onRemove={onRemove} />);
    fireEvent.click(screen.getByRole('button', { name: 'Increase quantity of Mechanical Keyboard' }));
    expect(onQuantity).toHaveBeenLastCalledWith('prod-002', 3);
    expect((screen.getByRole('button', { name: 'Decrease quantity of Coffee Mug' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Quantity of Coffee Mug'), { target: { value: '4' } });
    expect(onQuantity).toHaveBeenLastCalledWith('prod-012', 4);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Coffee Mug' }));
    expect(onRemove).toHaveBeenCalledWith('prod-012');
  });
});
