/**
 * Shared test data: the seed's example order as a signed-in customer sends it (the customer id
 * and e-mail come from the token; tests that send them add the caller's own), and an order as stored.
 */
import { randomUUID } from 'node:crypto';
import type { CreateOrderRequest, Order } from '../amplify/domain/order.ts';
import { orderNumberOf } from '../amplify/domain/order-rules.ts';
import { OrderTokens } from '../amplify/server/order-token.ts';

export function orderRequest(overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest {
  return {
    customerName: 'Ana García',
    paymentMethod: 'credit_card',
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
    items: [
      { productId: 'prod-001', quantity: 2 },
      { productId: 'prod-012', quantity: 1 },
    ],
    ...overrides,
  };
}

/** An order as the repository stores it (PENDING, one item, a Madrid address); `at` sets its dates. */
export function storedOrder(at: string, overrides: Partial<Order> = {}): Order {
  const orderId = overrides.orderId ?? randomUUID();
  return {
    orderId,
    orderNumber: orderNumberOf(orderId),
    customerId: 'customer-a',
    customerName: 'Ana García',
    customerEmail: 'ana@example.com',
    orderDate: at,
    updatedAt: at,
    status: 'PENDING',
    totalAmount: 10,
    paymentMethod: 'credit_card',
    items: [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 1, price: 10 }],
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
    ...overrides,
  };
}

/** Guest orders' tokens under a fixed test secret (the token scheme itself: tests/unit/order-token.test.ts). */
export const testOrderTokens = new OrderTokens(async () => 'test-secret-of-the-order-tokens');
