/**
 * The customer's e-mails and the operator's order events: every kind the order's state calls for
 * (`emailsDue`) and not yet recorded on the order is e-mailed to the order's customer (each e-mail
 * through its own Powertools-idempotent call) and published as an order event, then recorded
 * (`emailsSent`). Any step may call it, as often as it likes: what was recorded is never sent again,
 * and a call cut short between the send and the record meets the e-mail's idempotency record
 * instead of sending twice (its event may go out twice: events are at least once, by `eventId`). An address SES reported (`emailStatus`), or an order whose customer deleted their
 * account (`anonymizedDate`), gets no more e-mail; the events go on.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { emailsDue } from '../../../domain/notification.ts';
import { EmailRejectedError } from '../../../server/aws/ses-mailer.ts';
import { METRICS } from '../../../server/environment.ts';
import type { StepContext } from './context.ts';

export async function notifyCustomer({ orders, metrics, publishEvent, sendEmailOnce }: StepContext, orderId: string) {
  let order = await orders.require(orderId);
  const due = emailsDue(order).filter((kind) => !order.emailsSent?.includes(kind));
  // Every e-mail due first: the customer's mail never waits for the operator's topic.
  for (const kind of due) {
    // No sender, an address SES reported, or an account deleted since (its address is gone): no e-mail.
    if (!sendEmailOnce || order.emailStatus || order.anonymizedDate) continue;
    try {
      await sendEmailOnce(kind, order);
      metrics.addMetric(METRICS.processOrder.notificationsSent, MetricUnit.Count, 1);
    } catch (error) {
      if (!(error instanceof EmailRejectedError)) throw error;
      // The same message would be refused again: the address is recorded and never retried.
      order = (await orders.recordEmailStatus(orderId, 'rejected')) ?? order;
    }
  }
  for (const kind of due) {
    await publishEvent(kind, order);
    // No sender set (MAIL_FROM): events only, nothing recorded, so a sender set later catches up.
    if (sendEmailOnce) order = await orders.recordEmailSent(orderId, kind, new Date().toISOString());
  }
  return { emailsSent: order.emailsSent ?? [], notificationSentDate: order.notificationSentDate };
}

/** The workflow's notification Task states. */
export const sendNotification = notifyCustomer;
