/** Shared test data: the seed's example order as a customer would send it. */
import type { CreateOrderRequest } from '../amplify/domain/order.ts';

export function orderRequest(overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest {
  return {
    customerId: 'customer-001',
    customerName: 'Ana García',
    customerEmail: 'ana@example.com',
    paymentMethod: 'credit_card',
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
    items: [
      { productId: 'prod-001', quantity: 2 },
      { productId: 'prod-012', quantity: 1 },
    ],
    ...overrides,
  };
}
