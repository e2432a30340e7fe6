/** The payment step, and marking an order whose payment or shipment failed. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ChargeOnSupersededAttemptError, SupersededAttemptError } from '../../../domain/errors.ts';
import { cancelWindowEnd, hasReached, needsCompensation, PAYMENT_DECLINED_REASON, paymentAttemptOf } from '../../../domain/order-rules.ts';
import { holdsReservation } from '../../../server/inventory.ts';
import { METRICS } from '../../../server/environment.ts';
import type { PaymentResult } from '../../../server/simulated-partners.ts';
import { lostToCompensation, type StepContext } from './context.ts';
import { releaseStock } from './stock.ts';

/**
 * What the payment step tells the workflow: the `outcome` its Choice state reads. `compensate`:
 * the order was cancelled and the compensation step must refund and tell the customer.
 */
export type PaymentOutcome =
  | { outcome: 'approved'; transactionId?: string; paymentDate?: string }
  | { outcome: 'declined' }
  | { outcome: 'compensate' }
  /**
   * This execution is not the order's current attempt's: the answer was for an attempt the order has
   * left behind, or the attempt's units are not reserved (a lagging duplicate of an older attempt). Nothing recorded, nothing charged.
   */
  | { outcome: 'superseded' }
  /** The reservation ended the order OUT_OF_STOCK (a duplicated execution got here): nothing is charged. */
  | { outcome: 'out_of_stock' };

export async function processPayment(context: StepContext, orderId: string): Promise<PaymentOutcome> {
  const { orders, chargeOnce } = context;
  const order = await orders.require(orderId);
  // A repeated step after the decline was recorded: the same answer (and the units given back, once).
  if (order.status === 'PAYMENT_FAILED') {
    await releaseStock(context, order);
    return { outcome: 'declined' };
  }
  if (order.status === 'OUT_OF_STOCK') return { outcome: 'out_of_stock' };
  if (needsCompensation(order.status)) return { outcome: 'compensate' };
  if (hasReached(order.status, 'PAYMENT_PROCESSED')) {
    return { outcome: 'approved', transactionId: order.transactionId, paymentDate: order.paymentDate };
  }
  // No money moves before the attempt's units are held. A lagging duplicate of an older attempt's
  // execution gets here without them (the order was paid again after its decline, and the new
  // attempt's own reservation step may not have run yet): it leaves the charge to that execution.
  if (!(await holdsReservation(context.stock, order))) return { outcome: 'superseded' };
  const attempt = paymentAttemptOf(order);
  const payment = await chargeOnce({ orderId, amount: order.totalAmount, attempt });
  return recordPayment(context, orderId, attempt, payment);
}

/**
 * Records the provider's answer to payment `attempt` on the order: a decline, or the charge
 * (refunded if the order was cancelled meanwhile). Only while the order is on that attempt: the
 * answer of an attempt it has left behind is not recorded (a decline is dropped; a charge, which
 * cannot happen while each attempt is recorded before the next, fails the execution loudly).
 */
async function recordPayment(
  context: Pick<StepContext, 'orders' | 'metrics' | 'cancelWindowSeconds' | 'stock'>,
  orderId: string,
  attempt: number,
  payment: PaymentResult,
): Promise<PaymentOutcome> {
  const { orders, metrics, cancelWindowSeconds } = context;
  const paymentDate = new Date().toISOString();
  const guard = { paymentAttempt: attempt };
  try {
    if (!payment.approved) {
      // A decline is a business outcome, not a failure: it is recorded on the order and the step
      // answers normally (no Lambda error, no failed execution, no alarm).
      const { order: declined, changed } = await orders.transition(orderId, 'PAYMENT_FAILED', { failureReason: PAYMENT_DECLINED_REASON }, undefined, guard);
      if (changed) metrics.addMetric(METRICS.processOrder.paymentsDeclined, MetricUnit.Count, 1);
      // Declined: the units go back now; paying again reserves them again (the next attempt's reservation).
      await releaseStock(context, declined);
      return { outcome: 'declined' };
    }
    const cancellableUntil = cancelWindowEnd(paymentDate, cancelWindowSeconds);
    const { order: paid, changed } = await orders.transition(orderId, 'PAYMENT_PROCESSED', { transactionId: payment.transactionId, paymentDate, cancellableUntil }, undefined, guard);
    if (changed) metrics.addMetric(METRICS.processOrder.paymentsProcessed, MetricUnit.Count, 1);
    return { outcome: 'approved', transactionId: paid.transactionId, paymentDate: paid.paymentDate };
  } catch (error) {
    if (error instanceof SupersededAttemptError) {
      if (payment.approved) throw new ChargeOnSupersededAttemptError(orderId, attempt, payment.transactionId ?? '(no transaction id)');
      return { outcome: 'superseded' };
    }
    if (!lostToCompensation(error)) throw error;
    // The order was cancelled while the provider was charging: keep the charge on the order so
    // the compensation refunds it.
    if (payment.approved && payment.transactionId) await orders.recordLateCharge(orderId, payment.transactionId, paymentDate);
    return { outcome: 'compensate' };
  }
}

/**
 * After the payment step failed through its retries. If the provider did charge (only recording it
 * failed), the order is not marked PAYMENT_FAILED with the money taken: the charge is recorded as
 * the payment step would have, and the order goes on to shipment (or, cancelled meanwhile, to the
 * refund). Otherwise the order is PAYMENT_FAILED.
 */
export async function settleFailedPayment(context: StepContext, orderId: string, reason?: string) {
  const attempt = paymentAttemptOf(await context.orders.require(orderId));
  const charge = await context.findCharge(orderId, attempt);
  if (charge?.approved) {
    const outcome = await recordPayment(context, orderId, attempt, charge);
    context.metrics.addMetric(METRICS.processOrder.chargesRecovered, MetricUnit.Count, 1);
    return { status: outcome.outcome === 'compensate' ? 'CANCELLED' : 'PAYMENT_PROCESSED', chargeRecovered: true };
  }
  return markFailed(context, orderId, 'PAYMENT_FAILED', reason);
}

/** The workflow's catch after the retries of a step ran out: the order ends failed, with the reason. */
export async function markFailed(context: StepContext, orderId: string, status: 'PAYMENT_FAILED' | 'SHIPMENT_FAILED', reason = 'Unknown') {
  const { orders, metrics } = context;
  try {
    const { order, changed } = await orders.transition(orderId, status, { failureReason: reason });
    if (changed) {
      const metric = status === 'PAYMENT_FAILED' ? METRICS.processOrder.paymentFailed : METRICS.processOrder.shipmentFailed;
      metrics.addMetric(metric, MetricUnit.Count, 1);
    }
    await releaseStock(context, order);
    return { status: order.status };
  } catch (error) {
    // Cancelled meanwhile: the cancellation stands, and its compensation runs next.
    if (lostToCompensation(error)) return { status: error.from };
    throw error;
  }
}
