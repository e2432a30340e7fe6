/** A realistic order request, as the storefront's checkout sends it. */
import { randomUUID } from 'node:crypto';
import { CATALOG } from '../amplify/domain/catalog.ts';
import type { CreateOrderRequest } from '../amplify/domain/order.ts';

export function orderRequest(i: number): CreateOrderRequest {
  const lines = 1 + (i % 3);
  return {
    customerId: `bench-customer-${i % 50}`,
    customerName: 'Ana García López',
    customerEmail: `customer${i % 50}@example.com`,
    paymentMethod: 'credit_card',
    shippingAddress: { street: '742 Evergreen Terrace, Apt 3B', city: 'Springfield', state: 'Oregon', zipCode: '97403', country: 'United States' },
    items: CATALOG.slice(i % 3, (i % 3) + lines).map((p, k) => ({ productId: p.productId, quantity: 1 + ((i + k) % 2) })),
  };
}

export const idempotencyKey = () => randomUUID();
