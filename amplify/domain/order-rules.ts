/**
 * The rules of an order that need no validation library: statuses, the transitions between them,
 * payment methods and size limits. Kept apart from the zod schemas (`order.ts`, which re-exports
 * all of this) so the storefront's first page can use them without loading zod.
 */

export const ORDER_STATUSES = [
  'PENDING',
  'PAYMENT_PROCESSED',
  'SHIPPED',
  'DELIVERED',
  'PAYMENT_FAILED',
  'SHIPMENT_FAILED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** For each status, the statuses an order may be in just before it. */
export const ALLOWED_PREVIOUS: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: [],
  PAYMENT_PROCESSED: ['PENDING'],
  PAYMENT_FAILED: ['PENDING'],
  SHIPPED: ['PAYMENT_PROCESSED'],
  SHIPMENT_FAILED: ['PAYMENT_PROCESSED'],
  DELIVERED: ['SHIPPED'],
};

export const FINAL_STATUSES: readonly OrderStatus[] = ['DELIVERED', 'PAYMENT_FAILED', 'SHIPMENT_FAILED'];

/** The happy path in order, used to tell whether a status is at or past another one. */
export const HAPPY_PATH: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PROCESSED', 'SHIPPED', 'DELIVERED'];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ALLOWED_PREVIOUS[to].includes(from);
}

/** True when `current` already is `target` or lies beyond it: a repeated step has nothing to do. */
export function hasReached(current: OrderStatus, target: OrderStatus): boolean {
  if (current === target) return true;
  const at = HAPPY_PATH.indexOf(current);
  const goal = HAPPY_PATH.indexOf(target);
  return at >= 0 && goal >= 0 && at > goal;
}

export const isFinal = (status: OrderStatus): boolean => FINAL_STATUSES.includes(status);

/**
 * `failureReason` of an order whose payment was declined: a business outcome the workflow records
 * and ends on normally (PAYMENT_FAILED, a succeeded execution), unlike a payment step that failed.
 */
export const PAYMENT_DECLINED_REASON = 'PaymentDeclinedError';

export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal', 'bank_transfer'] as const;

/** Bounds on what one order may hold; the storefront's checkout uses the same schema. */
export const ORDER_LIMITS = {
  maxItems: 20,
  maxQuantityPerItem: 10,
} as const;

/** Order ids are UUIDs (random, or derived from an Idempotency-Key: see `orderIdForKey`). */
export const ORDER_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isOrderId = (value: unknown): value is string => typeof value === 'string' && ORDER_ID_PATTERN.test(value);

/** An order id in the one form ids are stored and compared in (lower case), or undefined when it is none. */
export const canonicalOrderId = (value: unknown): string | undefined => (isOrderId(value) ? value.toLowerCase() : undefined);

/** Statuses an order reaches only after a successful payment: such an order has a transaction id. */
export const PAID_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (status) => hasReached(status, 'PAYMENT_PROCESSED') || ALLOWED_PREVIOUS[status].includes('PAYMENT_PROCESSED'),
);
