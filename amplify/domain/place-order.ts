/**
 * Placing an order: price it from the catalog, store it once, and put it on the queue.
 *
 * With an Idempotency-Key the order id is derived from the customer and the key, so a retried or
 * concurrent duplicate request lands on the same item: DynamoDB's conditional put lets exactly one
 * write win, and the others get the stored order back. A replay also sends the queue message again
 * (the workflow is started at most once per order), which heals a request that stored its order
 * but could not enqueue it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { IdempotencyKeyReusedError } from './errors.ts';
import { orderNumberOf, type CreateOrderRequest, type Order } from './order.ts';
import type { OrderStore } from './order-store.ts';
import { priceOrder } from './pricing.ts';

export interface PlaceOrderDeps {
  store: OrderStore;
  enqueue: (orderId: string) => Promise<void>;
  /** Told when the order is stored but its message could not be sent; recovery will send it. */
  onEnqueueFailed: (orderId: string, error: unknown) => void;
  now?: () => Date;
}

export interface PlacedOrder {
  order: Order;
  /** False when an earlier request with the same Idempotency-Key created the order. */
  created: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A UUID-shaped id derived from the customer and their Idempotency-Key. */
export function orderIdForKey(customerId: string, idempotencyKey: string): string {
  const h = sha256(`${customerId}\n${idempotencyKey}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function placeOrder(request: CreateOrderRequest, idempotencyKey: string | undefined, deps: PlaceOrderDeps): Promise<PlacedOrder> {
  const { items, subtotalAmount, shippingAmount, totalAmount } = priceOrder(request.items);
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const orderId = idempotencyKey ? orderIdForKey(request.customerId, idempotencyKey) : randomUUID();
  const order: Order = {
    orderId,
    orderNumber: orderNumberOf(orderId),
    customerId: request.customerId,
    customerName: request.customerName,
    customerEmail: request.customerEmail,
    orderDate: now,
    updatedAt: now,
    status: 'PENDING',
    totalAmount,
    subtotalAmount,
    shippingAmount,
    paymentMethod: request.paymentMethod,
    items,
    shippingAddress: request.shippingAddress,
  };
  const fingerprint = idempotencyKey ? sha256(JSON.stringify(request)) : undefined;
  const result = await deps.store.create(order, fingerprint);
  if (!result.created && result.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (result.created || result.order.status === 'PENDING') {
    // The order is durable once stored: a failed send must not fail the request (the client would
    // retry and could not tell whether it bought twice). The recovery job re-sends stuck orders.
    await deps.enqueue(result.order.orderId).catch((error: unknown) => deps.onEnqueueFailed(result.order.orderId, error));
  }
  return { order: result.order, created: result.created };
}
