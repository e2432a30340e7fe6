/** How order statuses and payment methods read to a person: the storefront and the e-mail share them. */
import type { OrderStatus } from './order-rules.ts';

export const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING: 'Pending',
  PAYMENT_PROCESSED: 'Payment processed',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  PAYMENT_FAILED: 'Payment failed',
  SHIPMENT_FAILED: 'Shipment failed',
  CANCELLED: 'Cancelled',
};

export const PAYMENT_METHOD_LABELS: Record<string, string> = {
  credit_card: 'Credit card',
  debit_card: 'Debit card',
  paypal: 'PayPal',
  bank_transfer: 'Bank transfer',
};
