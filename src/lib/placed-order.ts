/**
 * The order `POST /orders` just answered, handed by the checkout to the order page it opens. The
 * page shows it at once and waits one back-off step before its first `GET`, which would only have
 * repeated the answer (each GET is an API request, a Lambda invocation and a read: about $0.44
 * per 100,000 orders: the bench's poll lever). Only for a few seconds, so a later visit to the
 * order page always asks the API.
 */
import type { Order } from '../../amplify/domain/order.ts';

const HANDOVER_MS = 5_000;

let placed: { order: Order; at: number } | undefined;

export function handOverPlacedOrder(order: Order, now = Date.now()): void {
  placed = { order, at: now };
}

/** The order the checkout just placed, if it is `orderId` and was placed moments ago. */
export function placedOrder(orderId: string, now = Date.now()): Order | undefined {
  return placed && placed.order.orderId === orderId && now - placed.at < HANDOVER_MS ? placed.order : undefined;
}

/** `placedOrder`, handed over once: a retry or a later visit to the page asks the API. */
export function takePlacedOrder(orderId: string, now = Date.now()): Order | undefined {
  const order = placedOrder(orderId, now);
  if (order) placed = undefined;
  return order;
}
