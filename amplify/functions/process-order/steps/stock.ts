/**
 * The stock steps: the workflow's first step reserves the order's units before any payment; the
 * steps that end an order without shipping give them back, the shipment turns them into a sale
 * (amplify/server/inventory.ts). Each is safe to run again: the reservation on the stock item says
 * what was done.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidTransitionError, SupersededAttemptError } from '../../../domain/errors.ts';
import type { Order } from '../../../domain/order.ts';
import { OUT_OF_STOCK_REASON, paymentAttemptOf, releasesStock, SOLD_STATUSES } from '../../../domain/order-rules.ts';
import { releaseOrder, reservationKeyOf, reserveOrder, sellOrder } from '../../../server/inventory.ts';
import { METRICS } from '../../../server/environment.ts';
import type { StepContext } from './context.ts';
import { notifyCustomer } from './notification.ts';

/**
 * What the reservation tells the workflow: `reserved` (go on to the payment), `out_of_stock` (the
 * order ended OUT_OF_STOCK, the customer was e-mailed), `skipped` (the order is not PENDING: the
 * payment step, next, knows what to do with it: a repeat, a cancel, a decline).
 */
export type ReservationOutcome = { outcome: 'reserved' | 'out_of_stock' | 'skipped' };

export async function reserveStock(context: StepContext, orderId: string): Promise<ReservationOutcome> {
  const { orders, stock, metrics } = context;
  const order = await orders.require(orderId);
  if (order.status === 'OUT_OF_STOCK') {
    await notifyCustomer(context, orderId); // a repeat after the e-mail failed
    return { outcome: 'out_of_stock' };
  }
  if (order.status !== 'PENDING') return { outcome: 'skipped' };
  const result = await reserveOrder(stock, order);
  if (result.outcome === 'reserved') {
    // Cancelled (or paid again) while the units were being taken: its release may have run before
    // this reservation existed, so the units go back here. Paid or shipped on the same attempt (a
    // duplicated execution got there first): the reservation is that execution's, and stays.
    const now = await orders.require(orderId);
    const otherAttempt = reservationKeyOf(now) !== reservationKeyOf(order);
    if (now.status !== 'PENDING' || otherAttempt) {
      if (otherAttempt || releasesStock(now.status)) await releaseOrder(stock, order);
      return { outcome: 'skipped' };
    }
    return { outcome: 'reserved' };
  }
  try {
    const { changed } = await orders.transition(orderId, 'OUT_OF_STOCK', { failureReason: OUT_OF_STOCK_REASON, shortItems: result.shortItems }, undefined, { paymentAttempt: paymentAttemptOf(order) });
    if (changed) metrics.addMetric(METRICS.processOrder.ordersOutOfStock, MetricUnit.Count, 1);
  } catch (error) {
    // Cancelled meanwhile, or another attempt: that path decides; nothing is held by this one.
    if (error instanceof InvalidTransitionError || error instanceof SupersededAttemptError) return { outcome: 'skipped' };
    throw error;
  }
  await notifyCustomer(context, orderId);
  return { outcome: 'out_of_stock' };
}

/** Gives back the units of an order that ended without shipping (a no-op for any other, and when repeated). */
export async function releaseStock({ stock }: Pick<StepContext, 'stock'>, order: Order): Promise<number> {
  if (!releasesStock(order.status)) return 0;
  return releaseOrder(stock, order);
}

/** Turns a shipped order's reservation into a sale (a no-op when repeated). */
export async function sellStock({ stock }: Pick<StepContext, 'stock'>, order: Order): Promise<number> {
  if (!SOLD_STATUSES.includes(order.status)) return 0;
  return sellOrder(stock, order);
}
