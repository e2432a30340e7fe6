/** The compensation step: what a cancelled or unshipped order took is given back. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidTransitionError } from '../../../domain/errors.ts';
import { needsCompensation } from '../../../domain/order-rules.ts';
import { METRICS } from '../../../server/environment.ts';
import type { StepContext } from './context.ts';
import { notifyCustomer } from './notification.ts';
import { releaseStock } from './stock.ts';

/**
 * Refunds a charge (once: the provider's refund is idempotent and the first refund recorded wins),
 * then e-mails the customer (cancelled, refunded: each once) and takes the order out of the
 * open-orders index.
 */
export async function compensate(context: StepContext, orderId: string) {
  const { orders, metrics, refundOnce } = context;
  let order = await orders.require(orderId);
  if (!needsCompensation(order.status)) throw new InvalidTransitionError(orderId, order.status, 'a compensation');
  // Cancelled or failed to ship: the reserved units go back (once; a returned order's were sold).
  await releaseStock(context, order);
  if (order.transactionId && !order.refundId) {
    const refund = await refundOnce({ orderId, transactionId: order.transactionId, amount: order.totalAmount });
    order = await orders.recordRefund(orderId, refund.refundId, refund.refundDate);
    metrics.addMetric(METRICS.processOrder.paymentsRefunded, MetricUnit.Count, 1);
  }
  if (!order.compensationSentDate) {
    await notifyCustomer(context, orderId); // cancelled, refunded

    order = await orders.recordCompensation(orderId, new Date().toISOString());
  }
  return { status: order.status, refundId: order.refundId };
}
