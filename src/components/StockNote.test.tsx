// @vitest-environment jsdom
/** What the shopper reads about stock: under a product, and on each cart line over what is left. */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setStockLevel } from '../lib/stock.ts';
import { CartLines } from './CartLines.tsx';
import { StockNote } from './StockNote.tsx';

afterEach(cleanup);

describe('stock in the storefront', () => {
  it('says nothing while the stock is unknown or plenty, "Only N left" at or under the threshold, "Out of stock" at 0', () => {
    render(<StockNote productId="prod-003" />);
    expect(screen.queryByTestId('stock-prod-003')).toBeNull();
    act(() => setStockLevel('prod-003', 6));
    expect(screen.queryByTestId('stock-prod-003')).toBeNull();
    act(() => setStockLevel('prod-003', 5));
    expect(screen.getByTestId('stock-prod-003').textContent).toBe('Only 5 left');
    act(() => setStockLevel('prod-003', 0));
    expect(screen.getByTestId('stock-prod-003').textContent).toBe('Out of stock');
  });

  it('the cart (and the checkout summary) names the short line and by how much, before paying', () => {
    act(() => {
      setStockLevel('prod-002', 1);
      setStockLevel('prod-012', 0);
      setStockLevel('prod-004', 9);
    });
    render(<CartLines lines={[{ productId: 'prod-002', quantity: 3 }, { productId: 'prod-012', quantity: 1 }, { productId: 'prod-004', quantity: 2 }]} />);
    expect(screen.getByTestId('short-prod-002').textContent).toBe('Only 1 left: lower the quantity by 2.');
    expect(screen.getByTestId('short-prod-012').textContent).toBe('Out of stock: remove it to order the rest.');
    expect(screen.queryByTestId('short-prod-004')).toBeNull();
    expect(screen.getByTestId('short-lines').textContent).toContain('2 lines ask for more than we have in stock');
  });
});
