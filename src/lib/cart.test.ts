import { describe, expect, it, vi } from 'vitest';
import { CATALOG } from '../../amplify/domain/catalog.ts';
import { ORDER_LIMITS } from '../../amplify/domain/order-rules.ts';
import { priceOrder } from '../../amplify/domain/pricing.ts';
import { addToCart, CART_STORAGE_KEY, clampQuantity, createCartState, itemCount, parseStoredCart, priceCart, removeFromCart, setQuantity } from './cart.ts';

class MemoryStorage implements Storage {
  private data = new Map<string, string>();
  get length() {
    return this.data.size;
  }
  clear() {
    this.data.clear();
  }
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  key(index: number) {
    return [...this.data.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

describe('cart arithmetic', () => {
  it('adds a product, then adds to its quantity', () => {
    let lines = addToCart([], 'prod-001').lines;
    lines = addToCart(lines, 'prod-012', 2).lines;
    lines = addToCart(lines, 'prod-001').lines;
    expect(lines).toEqual([
      { productId: 'prod-001', quantity: 2 },
      { productId: 'prod-012', quantity: 2 },
    ]);
    expect(itemCount(lines)).toBe(4);
  });

  it('never goes past the shared per-item limit and says so', () => {
    const max = ORDER_LIMITS.maxQuantityPerItem;
    const result = addToCart([{ productId: 'prod-001', quantity: max }], 'prod-001');
    expect(result.lines[0]?.quantity).toBe(max);
    expect(result.limited).toBe('quantity');
    expect(setQuantity(result.lines, 'prod-001', 99)[0]?.quantity).toBe(max);
    expect(setQuantity(result.lines, 'prod-001', 0)[0]?.quantity).toBe(1);
    expect(clampQuantity(Number.NaN)).toBe(1);
    expect(clampQuantity(2.7)).toBe(2);
  });

  it('holds at most maxItems different products', () => {
    const full = Array.from({ length: ORDER_LIMITS.maxItems }, (_, i) => ({ productId: `p-${i}`, quantity: 1 }));
    const result = addToCart(full, 'prod-001');
    expect(result.lines).toHaveLength(ORDER_LIMITS.maxItems);
    expect(result.limited).toBe('items');
  });

  it('removes a line', () => {
    expect(removeFromCart([{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 2 }], 'a')).toEqual([{ productId: 'b', quantity: 2 }]);
  });

  it('prices the cart exactly as the server does, in whole cents', () => {
    const lines = [
      { productId: 'prod-005', quantity: 3 }, // 3 x 39.99
      { productId: 'prod-008', quantity: 7 }, // 7 x 27.49
      { productId: 'prod-012', quantity: 1 },
    ];
    const totals = priceCart(lines);
    expect(totals.totalAmount).toBe(priceOrder(lines).totalAmount);
    expect(totals.totalAmount).toBe(330.9); // not 330.90000000000003
    expect(totals.unavailable).toEqual([]);
  });

  it('leaves products the store no longer sells out of the total', () => {
    const totals = priceCart([
      { productId: 'prod-001', quantity: 1 },
      { productId: 'gone', quantity: 2 },
    ]);
    expect(totals.totalAmount).toBe(CATALOG[0]!.priceCents / 100);
    expect(totals.unavailable).toEqual(['gone']);
  });

  it('reads a stored cart defensively', () => {
    expect(parseStoredCart(null)).toEqual([]);
    expect(parseStoredCart('not json')).toEqual([]);
    expect(parseStoredCart('{"a":1}')).toEqual([]);
    expect(
      parseStoredCart(
        JSON.stringify([{ productId: 'prod-001', quantity: 50 }, { productId: 'prod-001', quantity: 1 }, { quantity: 2 }, null, { productId: 'prod-002', quantity: 1 }]),
      ),
    ).toEqual([
      { productId: 'prod-001', quantity: ORDER_LIMITS.maxQuantityPerItem },
      { productId: 'prod-002', quantity: 1 },
    ]);
  });
});

describe('cart store', () => {
  it('persists every change and survives a new store (a reload)', () => {
    const storage = new MemoryStorage();
    const store = createCartState(storage);
    const listener = vi.fn();
    store.subscribe(listener);
    store.add('prod-003');
    store.add('prod-003');
    store.add('prod-010');
    store.setQuantity('prod-010', 4);
    store.remove('prod-003');
    expect(listener).toHaveBeenCalledTimes(5);
    expect(JSON.parse(storage.getItem(CART_STORAGE_KEY)!)).toEqual([{ productId: 'prod-010', quantity: 4 }]);
    expect(createCartState(storage).getSnapshot()).toEqual([{ productId: 'prod-010', quantity: 4 }]);
    store.clear();
    expect(createCartState(storage).getSnapshot()).toEqual([]);
  });

  it('keeps working when storage throws', () => {
    const storage = new MemoryStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const store = createCartState(storage);
    store.add('prod-001');
    expect(store.getSnapshot()).toEqual([{ productId: 'prod-001', quantity: 1 }]);
  });
});
