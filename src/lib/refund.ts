/**
 * What the storefront says about the money of an order that is not going ahead: one sentence,
 * read from the order's `refundStatus` and `refundAmount` (`refundStatusOf`, order-rules.ts), the
 * same on the order page, in the order lists and in the staff view. "Not charged" only when no
 * charge can have been taken.
 */
import { formatPrice } from '../../amplify/domain/catalog.ts';
import type { Order } from '../../amplify/domain/order.ts';
import type { RefundStatus } from '../../amplify/domain/order-rules.ts';

export const REFUND_LABELS: Record<RefundStatus, string> = { pending: 'Refund pending', refunded: 'Refunded' };

const formatDate = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long' }).format(new Date(iso));

type MoneyOrder = Pick<Order, 'status' | 'totalAmount'> & Partial<Pick<Order, 'transactionId' | 'compensationSentDate' | 'refundStatus' | 'refundAmount' | 'refundDate'>>;

/** The sentence about the customer's money (empty for an order charged and owed nothing). */
export function moneyLine(order: MoneyOrder): string {
  const amount = formatPrice(order.refundAmount ?? order.totalAmount);
  if (order.refundStatus === 'refunded') return `Your payment of ${amount} was refunded${order.refundDate ? ` on ${formatDate(order.refundDate)}` : ''}.`;
  if (order.refundStatus === 'pending') return `Your payment of ${amount} is being refunded.`;
  if (order.transactionId) return '';
  // No charge on the order. Certain only once the payment step said so: a decline, or the
  // compensation closing a cancelled order; before that a charge may still be on its way.
  return order.status === 'PAYMENT_FAILED' || order.compensationSentDate ? 'You have not been charged.' : 'If a payment was taken, it will be refunded in full.';
}
