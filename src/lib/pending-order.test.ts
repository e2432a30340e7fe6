// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { CHECKOUT_FORM_KEY, CHECKOUT_KEY_KEY, idempotencyKeyFor, PENDING_ORDER_KEY, rememberPendingOrder, settlePendingOrder, settlePendingOrderOnLoad } from './pending-order.ts';
import { cartState } from './app-state.ts';

const ORDER = 'order-1';

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  cartState.replace([{ productId: 'prod-001', quantity: 2 }]);
  sessionStorage.setItem(CHECKOUT_FORM_KEY, '{"customerName":"Ada"}');
  rememberPendingOrder(ORDER);
});

describe('the cart after checkout', () => {
  it('stays while the payment is pending', () => {
    settlePendingOrder(ORDER, 'PENDING');
    expect(cartState.getSnapshot()).toHaveLength(1);
    expect(JSON.parse(localStorage.getItem(PENDING_ORDER_KEY)!)).toEqual({ orderId: ORDER, lines: [{ productId: 'prod-001', quantity: 2 }] });
  });

  it('keeps what was added after the order when the payment is confirmed (a reload may settle it late)', () => {
    cartState.add('prod-001', 1);
    cartState.add('prod-002', 1);
    settlePendingOrder(ORDER, 'PAYMENT_PROCESSED');
    expect(cartState.getSnapshot()).toEqual([
      { productId: 'prod-001', quantity: 1 },
      { productId: 'prod-002', quantity: 1 },
    ]);
  });

  it('takes the whole cart for an order saved before its lines were kept', () => {
    localStorage.setItem(PENDING_ORDER_KEY, ORDER);
    cartState.add('prod-002', 1);
    settlePendingOrder(ORDER, 'SHIPPED');
    expect(cartState.getSnapshot()).toEqual([]);
  });

  it('is emptied once the payment is confirmed, with the saved form and key', () => {
    idempotencyKeyFor('{"a":1}', () => 'k1');
    settlePendingOrder(ORDER, 'PAYMENT_PROCESSED');
    expect(cartState.getSnapshot()).toEqual([]);
    expect(sessionStorage.getItem(CHECKOUT_FORM_KEY)).toBeNull();
    expect(sessionStorage.getItem(CHECKOUT_KEY_KEY)).toBeNull();
    expect(localStorage.getItem(PENDING_ORDER_KEY)).toBeNull();
  });

  it('is kept after a decline, with the form; the next try gets a new Idempotency-Key', () => {
    expect(idempotencyKeyFor('{"a":1}', () => 'k1')).toBe('k1');
    expect(idempotencyKeyFor('{"a":1}', () => 'k2')).toBe('k1'); // a retry of the same request
    settlePendingOrder(ORDER, 'PAYMENT_FAILED');
    expect(cartState.getSnapshot()).toHaveLength(1);
    expect(sessionStorage.getItem(CHECKOUT_FORM_KEY)).not.toBeNull();
    expect(idempotencyKeyFor('{"a":1}', () => 'k3')).toBe('k3');
  });

  it('is left alone by another order', () => {
    settlePendingOrder('order-2', 'DELIVERED');
    expect(cartState.getSnapshot()).toHaveLength(1);
  });
});

describe('at start-up', () => {
  it('empties the cart of an order paid while the shopper was away, and leaves it otherwise', async () => {
    await settlePendingOrderOnLoad(async () => ({ status: 'PENDING' }));
    expect(cartState.getSnapshot()).toHaveLength(1);
    await settlePendingOrderOnLoad(async () => {
      throw new Error('offline');
    });
    expect(localStorage.getItem(PENDING_ORDER_KEY)).not.toBeNull();
    await settlePendingOrderOnLoad(async (id) => ({ status: id === ORDER ? 'DELIVERED' : 'PENDING' }));
    expect(cartState.getSnapshot()).toEqual([]);
  });
});
