/**
 * Live order status (issue 26) over AWS AppSync Events: the one source for the namespace, the
 * channels, who may subscribe to which, and the event every status change publishes. Read by the
 * cloud definition (amplify/cloud/live-updates.ts), the namespace's onSubscribe handler
 * (amplify/events/orders-channel.ts, bundled for APPSYNC_JS and run as is by the local stand-in),
 * the publisher (amplify/server/aws/appsync-events-publisher.ts), the local stand-in
 * (local/appsync-events/appsync-events.ts) and the storefront (src/lib/live-orders.ts).
 *
 * The channels and who may subscribe to them are in live-channels.ts (re-exported here), a file
 * that imports nothing: the APPSYNC_JS handler bundles it alone.
 */
import * as v from 'valibot';
import type { Order } from './order.ts';
import { ORDER_STATUSES, orderNumberOf, REFUND_STATUSES } from './order-rules.ts';

export * from './live-channels.ts';

/** The order's dates and texts (none personal) an event carries when the order has them: what the order page shows of a change. */
const EVENT_DATES = ['paymentDate', 'cancellableUntil', 'shipmentDate', 'trackingNumber', 'estimatedDeliveryDate', 'deliveryDate', 'failureReason', 'cancelledDate', 'refundDate', 'compensationSentDate'] as const;

/** An order's status as published on its channels: what the order page and the lists show, no personal data. */
// Marked pure so that a bundle using only the channel rule (the APPSYNC_JS handler) leaves valibot out.
export const orderStatusEventSchema = /* @__PURE__ */ v.object({
  orderId: /* @__PURE__ */ v.string(),
  orderNumber: /* @__PURE__ */ v.string(),
  status: /* @__PURE__ */ v.picklist(ORDER_STATUSES),
  /** The order's `updatedAt` after the change: a client keeps the newest and ignores an older one. */
  updatedAt: /* @__PURE__ */ v.string(),
  refundStatus: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.picklist(REFUND_STATUSES)),
  refundAmount: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.number()),
  ...Object.fromEntries(EVENT_DATES.map((name) => [name, /* @__PURE__ */ v.optional(/* @__PURE__ */ v.string())])) as Record<(typeof EVENT_DATES)[number], v.OptionalSchema<v.StringSchema<undefined>, undefined>>,
  estimatedDeliveryDays: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.number()),
});
export type OrderStatusEvent = v.InferOutput<typeof orderStatusEventSchema>;

/** The event of an order as stored (the repository adds `refundStatus` and `refundAmount`). */
export function statusEventOf(order: Pick<Order, 'orderId' | 'status' | 'updatedAt'> & Partial<Order>): OrderStatusEvent {
  const event: Record<string, unknown> = {
    orderId: order.orderId,
    orderNumber: order.orderNumber ?? orderNumberOf(order.orderId),
    status: order.status,
    updatedAt: order.updatedAt,
  };
  for (const name of ['refundStatus', 'refundAmount', ...EVENT_DATES, 'estimatedDeliveryDays'] as const) {
    if (order[name] !== undefined && order[name] !== null) event[name] = order[name];
  }
  return event as OrderStatusEvent;
}

/** The order as shown, with a (newer) event's state. */
export function withEvent<T extends { updatedAt: string }>(order: T, event: OrderStatusEvent): T {
  const { orderNumber: _number, ...state } = event;
  return { ...order, ...state };
}

/** The event, or undefined for anything that is not one (a client drops it). */
export function parseStatusEvent(value: unknown): OrderStatusEvent | undefined {
  const result = v.safeParse(orderStatusEventSchema, typeof value === 'string' ? safeJson(value) : value);
  return result.success ? result.output : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether `event` is news for what the client shows (`current`: the order's `updatedAt` and
 * refund state it has): a newer change, or the same change with its refund now recorded. An
 * older event (delivered late, or before the read that followed the connection) is ignored.
 */
export function isNewer(event: Pick<OrderStatusEvent, 'updatedAt' | 'refundStatus'>, current: { updatedAt: string; refundStatus?: string } | undefined): boolean {
  if (!current) return true;
  if (event.updatedAt !== current.updatedAt) return event.updatedAt > current.updatedAt;
  return event.refundStatus !== current.refundStatus && event.refundStatus === 'refunded';
}
