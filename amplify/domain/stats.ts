/**
 * The shop's figures per day (issue 27), as counters kept while orders move: what one status
 * change adds to its day (`changeCounts`) and the shop's day of an instant (`dayOf`); the answer of
 * `GET /stats` summed from the days is `stats-summary.ts`. Pure: the handlers, the backfill and the
 * reconciliation use the same rules.
 *
 * Which day a change counts on: the day, in the shop's time zone (`SHOP_TIME_ZONE`, UTC unless
 * set), of the change itself (`history[i].at`): an order placed late on Monday and paid on Tuesday
 * is placed on Monday and paid on Tuesday. Money is counted in cents (whole numbers: no rounding
 * drift in `ADD`). Revenue is what was charged minus what is owed back: `+total` when an order is
 * paid, `-total` when a paid order is cancelled, fails to ship or is returned (REFUNDED); a charge
 * that lost the race to a cancel is taken and given back at once, and counts nowhere.
 */
import type { Order } from './order.ts';
import { PAID_STATUSES, type OrderStatus } from './order-rules.ts';

/** The counters every day item may hold (besides the per-product ones). */
export const DAY_COUNTERS = [
  'placed',
  'paid',
  'declined',
  'cancelled',
  'refunded',
  'shipped',
  'delivered',
  /** Orders that ended OUT_OF_STOCK (a line could not be reserved; nothing charged). */
  'outOfStock',
  /** Charged, in cents. */
  'paidCents',
  /** Owed back (cancelled after payment, shipment failed, returned), in cents. */
  'refundedCents',
  'paidToShippedSeconds',
  'paidToShippedCount',
  'shippedToDeliveredSeconds',
  'shippedToDeliveredCount',
] as const;
export type DayCounter = (typeof DAY_COUNTERS)[number];

/** Per product: units sold and their line revenue in cents (a refund takes them off again). */
export const PRODUCT_UNITS_PREFIX = 'u#';
export const PRODUCT_CENTS_PREFIX = 'c#';

/** What one status change adds to one day's counters (attribute name -> increment). */
export interface DayDelta {
  day: string;
  counts: Record<string, number>;
}

export const DEFAULT_TIME_ZONE = 'UTC';

export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of `instant` (ISO-8601) in the IANA `timeZone`. */
export function dayOf(instant: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch (cause) {
      throw new InvalidTimeZoneError(`Not an IANA time zone: ${JSON.stringify(timeZone)}`, { cause });
    }
    dayFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Throws `InvalidTimeZoneError` unless `timeZone` is one `Intl` knows; returns it. */
export const checkTimeZone = (timeZone: string): string => (dayOf('2026-01-01T00:00:00Z', timeZone), timeZone);

const cents = (amount: number) => Math.round(amount * 100);
const seconds = (from: string | undefined, to: string) => (from ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : undefined);

/** The statuses whose change gives a paid order's money back (the compensation refunds it). */
const GIVES_MONEY_BACK: readonly OrderStatus[] = ['CANCELLED', 'SHIPMENT_FAILED', 'REFUNDED'];

function productCounts(order: Pick<Order, 'items'>, sign: 1 | -1): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of order.items) {
    counts[`${PRODUCT_UNITS_PREFIX}${item.productId}`] = (counts[`${PRODUCT_UNITS_PREFIX}${item.productId}`] ?? 0) + sign * item.quantity;
    counts[`${PRODUCT_CENTS_PREFIX}${item.productId}`] = (counts[`${PRODUCT_CENTS_PREFIX}${item.productId}`] ?? 0) + sign * cents(item.price * item.quantity);
  }
  return counts;
}

/**
 * What the order's status change number `index` (its `history[index]`) adds to the day it happened
 * on; undefined for a change that counts nothing (a payment tried again: back to PENDING).
 */
export function changeCounts(order: Pick<Order, 'history' | 'items' | 'totalAmount'>, index: number, timeZone: string = DEFAULT_TIME_ZONE): DayDelta | undefined {
  const history = order.history ?? [];
  const change = history[index];
  if (!change) return undefined;
  const before = history.slice(0, index);
  const last = (status: OrderStatus) => before.findLast((c) => c.status === status)?.at;
  const previous = before.at(-1)?.status;
  let counts: Record<string, number> | undefined;
  switch (change.status) {
    case 'PENDING':
      if (index === 0) counts = { placed: 1 };
      break;
    case 'PAYMENT_PROCESSED':
      counts = { paid: 1, paidCents: cents(order.totalAmount), ...productCounts(order, 1) };
      break;
    case 'PAYMENT_FAILED':
      counts = { declined: 1 };
      break;
    case 'OUT_OF_STOCK':
      counts = { outOfStock: 1 };
      break;
    case 'SHIPPED': {
      const waited = seconds(last('PAYMENT_PROCESSED'), change.at);
      counts = { shipped: 1, ...(waited === undefined ? {} : { paidToShippedSeconds: waited, paidToShippedCount: 1 }) };
      break;
    }
    case 'DELIVERED': {
      const waited = seconds(last('SHIPPED'), change.at);
      counts = { delivered: 1, ...(waited === undefined ? {} : { shippedToDeliveredSeconds: waited, shippedToDeliveredCount: 1 }) };
      break;
    }
    default:
      break;
  }
  if (GIVES_MONEY_BACK.includes(change.status)) {
    // Charged before this change (a cancel from PENDING took nothing; a charge that raced it is given back at once).
    const wasPaid = previous !== undefined && PAID_STATUSES.includes(previous);
    counts = {
      ...(change.status === 'CANCELLED' ? { cancelled: 1 } : {}),
      ...(change.status === 'REFUNDED' ? { refunded: 1 } : {}),
      ...(wasPaid ? { refundedCents: cents(order.totalAmount), ...productCounts(order, -1) } : {}),
    };
  }
  if (!counts || Object.keys(counts).length === 0) return undefined;
  return { day: dayOf(change.at, timeZone), counts };
}

/** Every change of the order, summed per day (the backfill; the reconciliation's expectation). */
export function orderCounts(order: Pick<Order, 'history' | 'items' | 'totalAmount'>, timeZone: string = DEFAULT_TIME_ZONE): DayDelta[] {
  return (order.history ?? []).flatMap((_, i) => changeCounts(order, i, timeZone) ?? []);
}

/** Adds `deltas` into per-day totals (`day -> attribute -> value`). */
export function addDeltas(into: Map<string, Record<string, number>>, deltas: readonly DayDelta[]): Map<string, Record<string, number>> {
  for (const { day, counts } of deltas) {
    const total = into.get(day) ?? {};
    for (const [name, n] of Object.entries(counts)) total[name] = (total[name] ?? 0) + n;
    into.set(day, total);
  }
  return into;
}

/** One day's counters as stored (missing counters are 0). */
export interface StoredDay {
  day: string;
  counts: Record<string, number>;
}
