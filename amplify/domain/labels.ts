/** How order statuses and payment methods read to a person: the storefront and the e-mail share them. */
import type { Order } from './order.ts';
import type { OrderStatus } from './order-rules.ts';

export const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING: 'Pending',
  PAYMENT_PROCESSED: 'Payment processed',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  PAYMENT_FAILED: 'Payment failed',
  SHIPMENT_FAILED: 'Shipment failed',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
  OUT_OF_STOCK: 'Out of stock',
};

export const PAYMENT_METHOD_LABELS: Record<string, string> = {
  credit_card: 'Credit card',
  debit_card: 'Debit card',
  paypal: 'PayPal',
  bank_transfer: 'Bank transfer',
};

/** How an order cancelled by staff (not by its customer) reads, on the order page and in the e-mail. */
export const CANCELLED_BY_STORE = 'Cancelled by the store';

/** True when the order's cancellation was a staff member's (its history says who cancelled it). */
export function cancelledByStore(order: Pick<Order, 'status' | 'history'>): boolean {
  if (order.status !== 'CANCELLED') return false;
  return order.history?.findLast((change) => change.status === 'CANCELLED')?.actor.type === 'staff';
}

/** The status as the customer reads it: "Cancelled by the store" when staff cancelled it. */
export function statusLabelOf(order: Pick<Order, 'status' | 'history'>): string {
  return cancelledByStore(order) ? CANCELLED_BY_STORE : STATUS_LABELS[order.status];
}
