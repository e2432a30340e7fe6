/**
 * The delivery schedule step: after shipment, the order gets one one-time EventBridge Scheduler
 * schedule (named after it) that invokes process-order's `confirm_delivery` at the estimated
 * delivery date and deletes itself. Only a shipped order gets one; a delivered one needs none.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidTransitionError } from '../../../domain/errors.ts';
import { needsCompensation } from '../../../domain/order-rules.ts';
import { METRICS } from '../../../server/environment.ts';
import type { StepContext } from './context.ts';

export async function scheduleDelivery({ orders, metrics, createDeliverySchedule }: StepContext, orderId: string, functionArn: string) {
  const order = await orders.require(orderId);
  if (order.status === 'DELIVERED') return { scheduled: false, deliveryDate: order.deliveryDate };
  // Refunded as soon as it shipped: nothing to deliver; the refund's own execution compensates.
  if (needsCompensation(order.status)) return { scheduled: false, status: order.status };
  if (order.status !== 'SHIPPED') throw new InvalidTransitionError(orderId, order.status, 'a delivery schedule');
  const schedule = await createDeliverySchedule(order, functionArn);
  if (schedule.created) metrics.addMetric(METRICS.processOrder.deliveriesScheduled, MetricUnit.Count, 1);
  return { scheduled: true, ...schedule };
}
