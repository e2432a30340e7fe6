/** A realistic order request, as the storefront's checkout sends it. */
import { randomUUID } from 'node:crypto';
import { CATALOG } from '../amplify/domain/catalog.ts';
import type { CreateOrderRequest } from '../amplify/domain/order.ts';
import { DEMO_USERS, signInWithPassword } from '../local/cognito/cognito.ts';

export function orderRequest(i: number): CreateOrderRequest {
  const lines = 1 + (i % 3);
  return {
    // The customer is the signed-in account (the demo customer's ID token, see benchToken).
    customerName: 'Ana García López',
    paymentMethod: 'credit_card',
    shippingAddress: { street: '742 Evergreen Terrace, Apt 3B', city: 'Springfield', state: 'Oregon', zipCode: '97403', country: 'United States' },
    items: CATALOG.slice(i % 3, (i % 3) + lines).map((p, k) => ({ productId: p.productId, quantity: 1 + ((i + k) % 2) })),
  };
}

export const idempotencyKey = () => randomUUID();

/** The demo customer's ID token from the stack's local user pool: the bench calls the API signed in. */
export async function benchToken(stack: { cognito: Parameters<typeof signInWithPassword>[0] }): Promise<string> {
  return (await signInWithPassword(stack.cognito, DEMO_USERS.customer.email, DEMO_USERS.customer.password)).IdToken;
}
