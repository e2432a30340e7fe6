/** The order's status as a timeline: Pending -> Payment processed -> Shipped -> Delivered, or a failure. */
import type { Order } from '../../amplify/domain/order.ts';
import { CANCELLABLE_STATUSES, HAPPY_PATH, inCancelWindow, isFinal, needsCompensation, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { STATUS_LABELS } from './status.ts';

export type StepState = 'complete' | 'current' | 'failed' | 'upcoming';

export interface TimelineStep {
  status: OrderStatus;
  label: string;
  state: StepState;
  /** When the order reached this step, if it did and the record says so. */
  date?: string;
}

type TimelineOrder = Pick<Order, 'status' | 'orderDate' | 'paymentDate' | 'shipmentDate' | 'deliveryDate'> & Partial<Pick<Order, 'cancelledDate' | 'refundDate' | 'history'>>;

const dateOf = (order: TimelineOrder, status: OrderStatus): string | undefined =>
  ({
    PENDING: order.orderDate,
    PAYMENT_PROCESSED: order.paymentDate,
    SHIPPED: order.shipmentDate,
    DELIVERED: order.deliveryDate,
    PAYMENT_FAILED: undefined,
    SHIPMENT_FAILED: undefined,
    OUT_OF_STOCK: undefined,
    CANCELLED: order.cancelledDate,
    // When staff refunded it (the money follows: `refundDate`).
    REFUNDED: order.history?.findLast((change) => change.status === 'REFUNDED')?.at ?? order.refundDate,
  })[status];

/** Where a failure interrupts the happy path: the step that failed. */
const FAILED_AT: Partial<Record<OrderStatus, OrderStatus>> = {
  PAYMENT_FAILED: 'PAYMENT_PROCESSED',
  SHIPMENT_FAILED: 'SHIPPED',
  // The reservation comes before the payment: the order stopped there.
  OUT_OF_STOCK: 'PAYMENT_PROCESSED',
};

/** The steps to show: the whole road while the order travels it; after a failure or a cancellation, only what happened. */
export function buildTimeline(order: TimelineOrder): TimelineStep[] {
  if (order.status === 'CANCELLED' || order.status === 'REFUNDED') {
    // What happened before it was stopped: for a cancel, the steps before shipment (pending,
    // perhaps paid); for a refund (a return), the road up to shipment or delivery.
    const before = order.status === 'CANCELLED' ? CANCELLABLE_STATUSES : HAPPY_PATH;
    const happened = before.filter((status) => dateOf(order, status) !== undefined);
    const date = dateOf(order, order.status);
    return [
      ...happened.map((status) => ({ status, label: STATUS_LABELS[status], state: 'complete' as const, date: dateOf(order, status)! })),
      // A cancel stops the road; a refund (a return) is a step completed, not a failure.
      { status: order.status, label: STATUS_LABELS[order.status], state: order.status === 'CANCELLED' ? 'failed' : 'complete', ...(date ? { date } : {}) },
    ];
  }
  const failedAt = FAILED_AT[order.status];
  const reached = failedAt ? HAPPY_PATH.indexOf(failedAt) - 1 : HAPPY_PATH.indexOf(order.status);
  const path = failedAt ? HAPPY_PATH.slice(0, HAPPY_PATH.indexOf(failedAt) + 1) : HAPPY_PATH;
  return path.map((status, index) => {
    const date = index <= reached ? dateOf(order, status) : undefined;
    let state: StepState;
    if (failedAt && status === failedAt) state = 'failed';
    else if (index < reached || (index === reached && failedAt)) state = 'complete';
    else if (index === reached) state = order.status === 'DELIVERED' ? 'complete' : 'current';
    else state = 'upcoming';
    const label = state === 'failed' ? STATUS_LABELS[order.status] : STATUS_LABELS[status];
    return { status, label, state, ...(date ? { date } : {}) };
  });
}

/**
 * Whether the order page polls again after an answer: while the order is pending or paid (not while
 * it is held for its cancel window, see `AFTER_CANCEL_WINDOW_MS`), or its
 * compensation (the refund of a charge, the e-mail) is still to come: it follows within seconds,
 * and until then the page cannot say whether a charge was taken. It stops at a final status and at SHIPPED too:
 * delivery comes days later (a one-time schedule confirms it), and a tab polling every 10 s for
 * those days would cost more than the rest of the order (docs/performance.md, "Cost model"). The
 * shipping e-mail says when to expect it; a reload shows it.
 */
export const keepsPolling = (order: Pick<Order, 'status'> & Partial<Pick<Order, 'compensationSentDate' | 'cancellableUntil'>>, now: Date = new Date()): boolean =>
  (!isFinal(order.status) && order.status !== 'SHIPPED' && !inCancelWindow(order, now)) || (needsCompensation(order.status) && !order.compensationSentDate);

/**
 * A paid order held for its cancel window ships when the window closes (an hour in AWS): the page
 * does not poll meanwhile, but asks once more this long after the window's end.
 */
export const AFTER_CANCEL_WINDOW_MS = 3_000;

/** Poll delay after `attempt` unchanged answers: 1 s, 1.5 s, 2.25 s ... capped at `max`. */
export function pollDelay(attempt: number, { initial = 1000, factor = 1.5, max = 10_000 } = {}): number {
  return Math.min(max, Math.round(initial * factor ** Math.max(0, attempt)));
}

/**
 * How long the order page opened by the checkout waits before its first GET: it already shows the
 * order `POST /orders` answered (src/lib/placed-order.ts), and the workflow takes about a second in
 * AWS, so one GET usually finds the order shipped (each GET costs ~$0.43 per 100,000 orders).
 */
export const FIRST_POLL_AFTER_CHECKOUT_MS = 2_000;
