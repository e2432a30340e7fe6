/** How order statuses read to a customer (labels shared with the e-mail). Type-only import: no schema library on the first page. */
import type { OrderStatus } from '../../amplify/domain/order-rules.ts';

export { CANCELLED_BY_STORE, cancelledByStore, PAYMENT_METHOD_LABELS, STATUS_LABELS, statusLabelOf } from '../../amplify/domain/labels.ts';

export type StatusTone = 'info' | 'success' | 'error' | 'warning';

export const STATUS_TONES: Record<OrderStatus, StatusTone> = {
  PENDING: 'info',
  PAYMENT_PROCESSED: 'info',
  SHIPPED: 'info',
  DELIVERED: 'success',
  PAYMENT_FAILED: 'error',
  SHIPMENT_FAILED: 'error',
  CANCELLED: 'warning',
  REFUNDED: 'warning',
  OUT_OF_STOCK: 'warning',
};
