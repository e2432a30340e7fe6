import { describe, expect, it } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { handOverPlacedOrder, placedOrder, takePlacedOrder } from './placed-order.ts';

const order = { orderId: '0f8fad5b-d9cb-469f-a165-70867728950e', status: 'PENDING' } as Order;

describe('placedOrder', () => {
  it('hands the checkout\'s answer to the order page it opens, for that order and a few seconds only', () => {
    handOverPlacedOrder(order, 1_000);
    expect(placedOrder(order.orderId, 1_000)).toBe(order);
    expect(placedOrder(order.orderId, 5_999)).toBe(order);
    expect(placedOrder(order.orderId, 6_000)).toBeUndefined();
    expect(placedOrder('7c9e6679-7425-40de-944b-e07fc1f90ae7', 1_000)).toBeUndefined();
  });

  it('is handed over once', () => {
    handOverPlacedOrder(order, 1_000);
    expect(takePlacedOrder(order.orderId, 1_500)).toBe(order);
    expect(takePlacedOrder(order.orderId, 1_600)).toBeUndefined();
    expect(placedOrder(order.orderId, 1_600)).toBeUndefined();
  });
});
