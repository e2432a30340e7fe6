/**
 * SES's bounce and complaint events (the configuration set's EventBridge destination, one rule to
 * process-order): the order named by the message's `orderId` tag gets `emailStatus`, and no more
 * e-mail goes to that address for it (`notifyCustomer` skips it). A transient bounce is not recorded.
 */
import { EMAIL_STATUSES, type EmailStatus } from '../../../domain/notification.ts';
import { isOrderId } from '../../../domain/order-rules.ts';
import type { StepContext } from './context.ts';

/** The EventBridge detail types SES uses, and what each records. */
export const SES_EVENT_TYPES = { 'Email Bounced': 'bounced', 'Email Complained': 'complained' } as const satisfies Record<string, EmailStatus>;

export interface EmailEvent {
  orderId: string;
  emailStatus: EmailStatus;
}

/**
 * The order and status an SES event reports; `ignored` for another SES event (a transient bounce,
 * a message without an order tag); undefined when the event does not come from SES.
 */
export function sesEmailEvent(event: unknown): EmailEvent | 'ignored' | undefined {
  const e = (typeof event === 'object' && event !== null ? event : {}) as {
    source?: unknown;
    'detail-type'?: unknown;
    detail?: { bounce?: { bounceType?: unknown }; mail?: { tags?: Record<string, unknown> } };
  };
  if (e.source !== 'aws.ses') return undefined;
  const emailStatus = SES_EVENT_TYPES[e['detail-type'] as keyof typeof SES_EVENT_TYPES];
  if (!EMAIL_STATUSES.includes(emailStatus)) return 'ignored';
  if (emailStatus === 'bounced' && e.detail?.bounce?.bounceType !== 'Permanent') return 'ignored';
  const tag = e.detail?.mail?.tags?.orderId;
  const orderId = Array.isArray(tag) ? tag[0] : undefined;
  return isOrderId(orderId) ? { orderId: (orderId as string).toLowerCase(), emailStatus } : 'ignored';
}

export async function recordEmailEvent({ orders }: StepContext, { orderId, emailStatus }: EmailEvent) {
  const order = await orders.recordEmailStatus(orderId, emailStatus);
  return { orderId, emailStatus: order?.emailStatus };
}
