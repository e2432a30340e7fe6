/**
 * The rules of an order that need no validation library: statuses, the transitions between them,
 * payment methods and size limits. Kept apart from the schemas (`order.ts`) so the storefront's
 * first page and the functions that validate nothing can use them without the validation library.
 */

export const ORDER_STATUSES = [
  'PENDING',
  'PAYMENT_PROCESSED',
  'SHIPPED',
  'DELIVERED',
  'PAYMENT_FAILED',
  'SHIPMENT_FAILED',
  'CANCELLED',
  'REFUNDED',
  /** The workflow could not reserve every line (`amplify/server/inventory.ts`): nothing charged, nothing ships. */
  'OUT_OF_STOCK',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** For each status, the statuses an order may be in just before it. */
export const ALLOWED_PREVIOUS: Record<OrderStatus, readonly OrderStatus[]> = {
  // Never back by a plain transition: a declined payment tried again on the same order goes
  // PAYMENT_FAILED -> PENDING through the repository's `retryPayment` only (`canRetryPayment`).
  PENDING: [],
  PAYMENT_PROCESSED: ['PENDING'],
  PAYMENT_FAILED: ['PENDING'],
  SHIPPED: ['PAYMENT_PROCESSED'],
  SHIPMENT_FAILED: ['PAYMENT_PROCESSED'],
  DELIVERED: ['SHIPPED'],
  // Until it ships, an order can be cancelled (`POST /orders/{orderId}/cancel`).
  CANCELLED: ['PENDING', 'PAYMENT_PROCESSED'],
  // A return: staff refund a shipped or delivered order (`POST /orders/{orderId}/refund`).
  REFUNDED: ['SHIPPED', 'DELIVERED'],
  // The reservation, the workflow's first step, found a line short: before any payment.
  OUT_OF_STOCK: ['PENDING'],
};

/** Who changed an order's status: its customer, a staff member, or the system (the workflow, recovery). */
export const ACTOR_TYPES = ['customer', 'staff', 'system'] as const;
export interface Actor {
  type: (typeof ACTOR_TYPES)[number];
  /** The Cognito `sub` of a person (customer or staff); none for the system. */
  sub?: string;
}
export const SYSTEM_ACTOR: Actor = { type: 'system' };

export const FINAL_STATUSES: readonly OrderStatus[] = ['DELIVERED', 'PAYMENT_FAILED', 'SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED', 'OUT_OF_STOCK'];

/**
 * Final statuses of an order that ended without shipping: its reserved units go back to stock
 * (`releaseReservation`, amplify/server/inventory.ts). A declined order's units go back at the
 * decline; paying it again reserves them again (a new reservation, keyed by the payment attempt).
 */
export const RELEASING_STATUSES: readonly OrderStatus[] = ['PAYMENT_FAILED', 'SHIPMENT_FAILED', 'CANCELLED', 'OUT_OF_STOCK'];
export const releasesStock = (status: OrderStatus): boolean => RELEASING_STATUSES.includes(status);
/** Statuses of an order that shipped: its reservation became a sale (a return does not restock by itself). */
export const SOLD_STATUSES: readonly OrderStatus[] = ['SHIPPED', 'DELIVERED', 'REFUNDED'];

/** Statuses from which an order can still be cancelled (before it ships). */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = ALLOWED_PREVIOUS.CANCELLED;
export const canCancel = (status: OrderStatus): boolean => CANCELLABLE_STATUSES.includes(status);

/** The end of the cancel window of an order paid at `paymentDate` (none when the window is 0). */
export function cancelWindowEnd(paymentDate: string, windowSeconds: number): string | undefined {
  return windowSeconds > 0 ? new Date(Date.parse(paymentDate) + windowSeconds * 1000).toISOString() : undefined;
}

/** Whether a paid order is still held for its cancel window at `now` (shipment waits until then). */
export const inCancelWindow = (order: { status: OrderStatus; cancellableUntil?: string }, now: Date = new Date()): boolean =>
  order.status === 'PAYMENT_PROCESSED' && order.cancellableUntil !== undefined && Date.parse(order.cancellableUntil) > now.getTime();

/** Statuses from which staff can refund an order (a return, after it shipped). */
export const REFUNDABLE_STATUSES: readonly OrderStatus[] = ALLOWED_PREVIOUS.REFUNDED;
export const canRefund = (status: OrderStatus): boolean => REFUNDABLE_STATUSES.includes(status);

/**
 * Final statuses that still owe the customer something: a refund of a charge already taken and an
 * e-mail saying so. The workflow's compensation step does both; until it has, the order stays in
 * the open-orders index, so the recovery job drives a compensation that was cut short.
 */
export const COMPENSATED_STATUSES: readonly OrderStatus[] = ['SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED'];
export const needsCompensation = (status: OrderStatus): boolean => COMPENSATED_STATUSES.includes(status);

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
  // `at >= 0` is implied by `goal >= 0 && at > goal`, and at === goal only when current === target:
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent (see above)
  return at >= 0 && goal >= 0 && at > goal;
}

export const isFinal = (status: OrderStatus): boolean => FINAL_STATUSES.includes(status);

/**
 * `failureReason` of an order whose payment was declined: a business outcome the workflow records
 * and ends on normally (PAYMENT_FAILED, a succeeded execution), unlike a payment step that failed.
 */
export const PAYMENT_DECLINED_REASON = 'PaymentDeclinedError';

/** `failureReason` of an order whose lines could not all be reserved (OUT_OF_STOCK, nothing charged): `OutOfStockError`'s name. */
export const OUT_OF_STOCK_REASON = 'OutOfStockError';

export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal', 'bank_transfer'] as const;

/** How many payments an order may try in all: the first, and the retries after a decline. */
export const MAX_PAYMENT_ATTEMPTS = 3;

/** Which payment attempt the order is on (1 until a declined payment is tried again). */
export const paymentAttemptOf = (order: { paymentAttempts?: number }): number => order.paymentAttempts ?? 1;

/** Whether a declined order may be paid again: declined, with attempts left. */
export const canRetryPayment = (order: { status: OrderStatus; paymentAttempts?: number }): boolean =>
  order.status === 'PAYMENT_FAILED' && paymentAttemptOf(order) < MAX_PAYMENT_ATTEMPTS;

/** Bounds on what one order may hold; the storefront's checkout uses the same schema. */
export const ORDER_LIMITS = {
  maxItems: 20,
  maxQuantityPerItem: 10,
} as const;

/** Order ids are random UUIDs (a replayed Idempotency-Key answers the order it first created: server/place-order.ts). */
export const ORDER_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isOrderId = (value: unknown): value is string => typeof value === 'string' && ORDER_ID_PATTERN.test(value);

/** An order id in the one form ids are stored and compared in (lower case), or undefined when it is none. */
export const canonicalOrderId = (value: unknown): string | undefined => (isOrderId(value) ? value.toLowerCase() : undefined);

/**
 * Statuses an order reaches only after a successful payment: such an order has a transaction id.
 * (A cancelled order may or may not have been charged, so CANCELLED is not one of them; a refunded
 * one was shipped, so it was.)
 */
export const PAID_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (status) => status !== 'CANCELLED' && (hasReached(status, 'PAYMENT_PROCESSED') || ALLOWED_PREVIOUS[status].some((previous) => hasReached(previous, 'PAYMENT_PROCESSED'))),
);

/** Where an order's refund stands: owed (a charge taken, the order cancelled, failed or returned), or made. */
export const REFUND_STATUSES = ['pending', 'refunded'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/**
 * The one answer to "was I refunded?", read from the order (the repository adds it, with the
 * amount, to every order it returns): `refunded` once the refund is recorded, `pending` while a
 * charge taken is owed back, none when no charge was taken (or none is owed).
 */
export function refundStatusOf(order: { status: OrderStatus; transactionId?: string; refundId?: string }): RefundStatus | undefined {
  if (order.refundId) return 'refunded';
  return order.transactionId && needsCompensation(order.status) ? 'pending' : undefined;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A guest order (placed without an account) has no customer account yet: its `customerId` is this
 * prefix and a digest of its e-mail (`guestCustomerIdOf`, server side), so a customer who signs in
 * with that e-mail verified finds and claims every one of them with a single CustomerIndex query.
 */
export const GUEST_CUSTOMER_PREFIX = 'guest-';
export const isGuestOrder = (order: { customerId: string }): boolean => order.customerId.startsWith(GUEST_CUSTOMER_PREFIX);

/**
 * The short order number a person reads (list, order page, e-mail): 60 random bits of the order id
 * in Crockford base-32, e.g. `K7QM-2X9D-PB4H`. The UUID stays the key; the number is derived from
 * it, so it needs no counter and no second write. Taken from the id's random hex digits (the
 * version and variant digits are skipped), 60 bits make a repeat unlikely: about 1 in 16,000 after
 * twelve million orders (birthday bound n²/2^61); `place-order` stores it on the record so staff
 * can look an order up by it. Ids that are not UUIDs are returned as they are.
 */
export function orderNumberOf(orderId: string): string {
  if (!ORDER_ID_PATTERN.test(orderId)) return orderId;
  // Stryker disable next-line MethodExpression: BigInt reads hex digits in either case; lower case is for the reader
  const hex = orderId.replace(/-/g, '').toLowerCase();
  const random = hex.slice(0, 12) + hex.slice(13, 16); // 15 hex digits = 60 bits, skipping the version digit
  let value = BigInt(`0x${random}`);
  let out = '';
  for (let i = 0; i < 12; i++) {
    out = CROCKFORD[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`;
}

/** Crockford's reading aliases: a number read aloud or retyped by hand still finds its order. */
const CROCKFORD_ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * An order number as a person types it (any case, with or without dashes or spaces, `O` for `0`,
 * `I` or `L` for `1`) in the form `orderNumberOf` writes, or undefined when it cannot be one.
 */
export function parseOrderNumber(input: string): string | undefined {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OIL]/g, (c) => CROCKFORD_ALIASES[c]!);
  if (compact.length !== 12 || [...compact].some((c) => !CROCKFORD.includes(c))) return undefined;
  return `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}`;
}
