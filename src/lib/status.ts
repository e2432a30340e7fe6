/** How order statuses read to a customer. Type-only import: no zod in the first page's bundle. */
import type { OrderStatus } from '../../amplify/domain/order.ts';

export const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING: 'Pending',
  PAYMENT_PROCESSED: 'Payment processed',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  PAYMENT_FAILED: 'Payment failed',
  SHIPMENT_FAILED: 'Shipment failed',
};

export type StatusTone = 'info' | 'success' | 'error' | 'warning';

export const STATUS_TONES: Record<OrderStatus, StatusTone> = {
  PENDING: 'info',
  PAYMENT_PROCESSED: 'info',
  SHIPPED: 'info',
  DELIVERED: 'success',
  PAYMENT_FAILED: 'error',
  SHIPMENT_FAILED: 'error',
};

export const PAYMENT_METHOD_LABELS: Record<string, string> = {
  credit_card: 'Credit card',
  debit_card: 'Debit card',
  paypal: 'PayPal',
  bank_transfer: 'Bank transfer',
};
