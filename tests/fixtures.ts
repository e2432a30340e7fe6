/**
 * Shared test data: the seed's example order as a signed-in customer sends it (the customer id
 * and e-mail come from the token; tests that send them add the caller's own).
 */
import type { CreateOrderRequest } from '../amplify/domain/order.ts';

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
