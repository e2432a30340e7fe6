/** The confirmation e-mail step. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../../server/settings.ts';
import type { StepContext } from './context.ts';

export async function sendNotification({ orders, metrics, sendConfirmation }: StepContext, orderId: string) {
  const order = await orders.require(orderId);
  if (order.notificationSentDate) return { notificationSentDate: order.notificationSentDate };
  await sendConfirmation(order);
  const recorded = await orders.recordNotificationSent(orderId, new Date().toISOString());
  metrics.addMetric(METRICS.processOrder.notificationsSent, MetricUnit.Count, 1);
  return { notificationSentDate: recorded.notificationSentDate };
}
