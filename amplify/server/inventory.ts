/**
 * Reserving, releasing and selling an order's units through the `StockLedger` port (no SDK here).
 *
 * - The workflow's first step reserves (`reserveOrder`), before any payment: one conditional
 *   decrement per product, in a fixed order (sorted product ids), each recording the order's
 *   reservation on the product's stock item. A short line releases every line of the order again
 *   and the order ends OUT_OF_STOCK (the step's caller).
 * - A reservation is keyed by the order and its payment attempt (`<orderId>:<attempt>`): a declined
 *   order's units go back at the decline, and paying it again reserves anew under the next attempt,
 *   so a late release of the old attempt can never give back the new attempt's units.
 * - `releaseOrder` gives the units back (an order that ended without shipping), `sellOrder` turns
 *   them into a sale (the order shipped). Each is one conditional update per line that only acts
 *   while the reservation is held: run twice, it changes nothing the second time.
 * - `settleStaleReservations` (the recovery job) settles reservations whose order stopped moving:
 *   the order is gone, on another attempt, or ended (released, or sold if it shipped).
 */
import type { StockLevel } from '../domain/inventory.ts';
import { availableOf, shortLines, STOCK } from '../domain/inventory.ts';
import type { Order } from '../domain/order.ts';
import { isFinal, paymentAttemptOf, releasesStock, SOLD_STATUSES } from '../domain/order-rules.ts';
import type { OpenReservation, OrderRepository, StockLedger } from './ports.ts';

/** The order's reservation key on each stock item: its id and its current payment attempt. */
export const reservationKeyOf = (order: Pick<Order, 'orderId' | 'paymentAttempts'>): string => `${order.orderId}:${paymentAttemptOf(order)}`;

export function parseReservationKey(key: string): { orderId: string; attempt: number } | undefined {
  const match = /^(.+):(\d+)$/.exec(key);
  return match ? { orderId: match[1]!, attempt: Number(match[2]) } : undefined;
}

/** The order's units per product (a product on two lines counted once), in the fixed reservation order. */
export function unitsByProduct(items: readonly { productId: string; quantity: number }[]): [string, number][] {
  const units = new Map<string, number>();
  for (const { productId, quantity } of items) units.set(productId, (units.get(productId) ?? 0) + quantity);
  return [...units.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A line the reservation found short, as the OUT_OF_STOCK order records it (`shortItems`). */
export interface ShortItem {
  productId: string;
  name: string;
  quantity: number;
  available: number;
}

export type ReservationResult = { outcome: 'reserved' } | { outcome: 'short'; shortItems: ShortItem[] };

/**
 * Reserves every product of the order, or none: a short product releases the ones taken (also
 * those a duplicated execution took under the same key, which is the same reservation).
 */
export async function reserveOrder(stock: StockLedger, order: Order, now: Date = new Date()): Promise<ReservationResult> {
  const key = reservationKeyOf(order);
  const lines = unitsByProduct(order.items);
  const shortItems: ShortItem[] = [];
  /** The lines this call reserved: a short line gives back only these (an `already` line is another execution's). */
  const taken: [string, number][] = [];
  for (const [productId, qty] of lines) {
    let result = await stock.reserve(productId, key, qty, now.toISOString());
    if (result.outcome === 'unrecorded') {
      // No stock recorded for it yet (before the recovery job's first seeding): seed it, then reserve.
      await stock.seed(productId, STOCK.seedUnits, now.toISOString());
      result = await stock.reserve(productId, key, qty, now.toISOString());
    }
    if (result.outcome === 'reserved') taken.push([productId, qty]);
    if (result.outcome === 'short' || result.outcome === 'unrecorded') {
      const name = order.items.find((item) => item.productId === productId)?.name ?? productId;
      shortItems.push({ productId, name, quantity: qty, available: result.outcome === 'short' ? result.available : 0 });
    }
  }
  if (shortItems.length === 0) return { outcome: 'reserved' };
  // Lines another execution of the order holds (`already`) stay: the order ends OUT_OF_STOCK, and
  // that execution's own rollback, or the recovery job, gives them back.
  await releaseLines(stock, key, taken);
  return { outcome: 'short', shortItems };
}

async function releaseLines(stock: StockLedger, key: string, lines: [string, number][]): Promise<number> {
  let released = 0;
  for (const [productId, qty] of lines) if (await stock.release(productId, key, qty)) released += 1;
  return released;
}

/** Gives the order's reserved units back (its current attempt's); the number of products released now. */
export const releaseOrder = (stock: StockLedger, order: Order): Promise<number> => releaseLines(stock, reservationKeyOf(order), unitsByProduct(order.items));

/** Turns the order's reservation into a sale; the number of products sold now. */
export async function sellOrder(stock: StockLedger, order: Order): Promise<number> {
  let sold = 0;
  for (const [productId, qty] of unitsByProduct(order.items)) if (await stock.sell(productId, reservationKeyOf(order), qty)) sold += 1;
  return sold;
}

/**
 * Whether the order's current payment attempt holds its units (every product reserved under
 * `<orderId>:<attempt>`): the payment step charges only then. One read for the whole order.
 */
export const holdsReservation = (stock: StockLedger, order: Order): Promise<boolean> =>
  stock.holds(unitsByProduct(order.items).map(([productId]) => productId), reservationKeyOf(order));

/** What should happen to a reservation, given its order as it is now. */
export function reservationFate(reservation: Pick<OpenReservation, 'reservationKey'>, order: Order | undefined): 'release' | 'sell' | 'keep' {
  const parsed = parseReservationKey(reservation.reservationKey);
  if (!order || !parsed) return 'release';
  if (SOLD_STATUSES.includes(order.status)) return parsed.attempt === paymentAttemptOf(order) ? 'sell' : 'release';
  if (parsed.attempt !== paymentAttemptOf(order)) return 'release'; // an attempt the order left behind
  if (releasesStock(order.status)) return 'release';
  // Still on its way (PENDING, PAYMENT_PROCESSED): the order's own recovery drives it on.
  return isFinal(order.status) ? 'release' : 'keep';
}

export interface SettleReport {
  released: number;
  sold: number;
}

/**
 * Settles the reservations taken before `cutoff` whose order no longer needs them. The orders'
 * own steps settle their reservations; this catches a step cut short (a killed stack, a release
 * that failed after the status changed) and a reservation whose order was never stored.
 */
export async function settleStaleReservations(stock: StockLedger, orders: Pick<OrderRepository, 'get'>, productIds: readonly string[], cutoff: string): Promise<SettleReport> {
  const report: SettleReport = { released: 0, sold: 0 };
  for (const reservation of await stock.openReservations(productIds)) {
    if (reservation.at >= cutoff) continue;
    const order = await orders.get(parseReservationKey(reservation.reservationKey)?.orderId ?? reservation.reservationKey);
    const fate = reservationFate(reservation, order);
    if (fate === 'release' && (await stock.release(reservation.productId, reservation.reservationKey, reservation.qty))) report.released += 1;
    if (fate === 'sell' && (await stock.sell(reservation.productId, reservation.reservationKey, reservation.qty))) report.sold += 1;
  }
  return report;
}

/** Writes `units` of stock for every product that has no stock item yet; the products seeded. */
export async function seedStock(stock: StockLedger, productIds: readonly string[], units: number = STOCK.seedUnits, now: Date = new Date()): Promise<string[]> {
  const have = await stock.levels(productIds);
  const seeded: string[] = [];
  for (const productId of productIds) {
    if (!have.has(productId) && (await stock.seed(productId, units, now.toISOString()))) seeded.push(productId);
  }
  return seeded;
}

/** The lines of a new order over what is available now (`POST /orders`'s 409); none is reserved. */
export async function checkAvailability(stock: StockLedger, items: readonly { productId: string; quantity: number }[]) {
  const levels = await stock.levels(items.map((item) => item.productId));
  return shortLines(items, (productId) => availableOf(levels.get(productId)));
}

/** The products at or under the low-stock threshold. */
export const lowStock = (levels: Iterable<StockLevel>, threshold: number = STOCK.lowStockThreshold): StockLevel[] =>
  [...levels].filter((level) => level.available <= threshold);
