/**
 * The shop's figures as the orders themselves give them, worked out again from each order's
 * history without the counters' code (`amplify/domain/stats.ts`), and the differences from what
 * `GET /stats` answers: the reconciliation of issue 27. Also the backfill's writer.
 */
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../amplify/domain/order.ts';
import { addDeltas, dayOf, orderCounts } from '../amplify/domain/stats.ts';
import type { StatsDay, StatsResponse } from '../amplify/domain/stats-summary.ts';
import { STATS_TABLE } from '../amplify/server/settings/tables.ts';

type Figures = Omit<StatsDay, 'date'>;
const zero = (): Figures => ({ orders: 0, paid: 0, declined: 0, cancelled: 0, refunded: 0, revenue: 0, outOfStock: 0 });

/** Per day (`YYYY-MM-DD` in `timeZone`), what the orders say: counts and revenue in cents. */
export function figuresFromOrders(orders: readonly Order[], timeZone: string): Map<string, Figures> {
  const days = new Map<string, Figures>();
  const at = (instant: string) => {
    const day = dayOf(instant, timeZone);
    if (!days.has(day)) days.set(day, zero());
    return days.get(day)!;
  };
  for (const order of orders) {
    at(order.orderDate).orders += 1;
    const total = Math.round(order.totalAmount * 100);
    let charged = false;
    for (const change of order.history ?? []) {
      const d = at(change.at);
      if (change.status === 'PAYMENT_PROCESSED') {
        d.paid += 1;
        d.revenue += total;
        charged = true;
      }
      if (change.status === 'PAYMENT_FAILED') d.declined += 1;
      if (change.status === 'CANCELLED') d.cancelled += 1;
      if (change.status === 'REFUNDED') d.refunded += 1;
      if (change.status === 'OUT_OF_STOCK') d.outOfStock += 1;
      // Money owed back: a charged order cancelled, failed to ship or returned (each at most once).
      if (charged && ['CANCELLED', 'SHIPMENT_FAILED', 'REFUNDED'].includes(change.status)) {
        d.revenue -= total;
        charged = false;
      }
    }
  }
  return days;
}

/** Each difference between `GET /stats` and the orders, as readable lines (none: they agree). */
export function statsMismatches(stats: StatsResponse, orders: readonly Order[], timeZone: string): string[] {
  const expected = figuresFromOrders(orders, timeZone);
  const problems: string[] = [];
  for (const day of stats.days) {
    const want = expected.get(day.date) ?? zero();
    for (const key of ['orders', 'paid', 'declined', 'cancelled', 'refunded', 'outOfStock'] as const) {
      if (day[key] !== want[key]) problems.push(`${day.date} ${key}: counters ${day[key]}, orders ${want[key]}`);
    }
    if (Math.round(day.revenue * 100) !== want.revenue) problems.push(`${day.date} revenue: counters ${day.revenue}, orders ${want.revenue / 100}`);
  }
  const inRange = [...expected].filter(([date]) => stats.days.some((d) => d.date === date));
  const totalOrders = inRange.reduce((s, [, f]) => s + f.orders, 0);
  const totalRevenue = inRange.reduce((s, [, f]) => s + f.revenue, 0);
  const totalOutOfStock = inRange.reduce((s, [, f]) => s + f.outOfStock, 0);
  if (stats.totals.orders !== totalOrders) problems.push(`totals orders: counters ${stats.totals.orders}, orders ${totalOrders}`);
  if (stats.totals.outOfStock !== totalOutOfStock) problems.push(`totals outOfStock: counters ${stats.totals.outOfStock}, orders ${totalOutOfStock}`);
  if (Math.round(stats.totals.revenue * 100) !== totalRevenue) problems.push(`totals revenue: counters ${stats.totals.revenue}, orders ${totalRevenue / 100}`);
  return problems;
}

/**
 * Builds the counters from the orders (issue 27's backfill, for a shop that upgrades): one Scan of
 * the orders table, once, then one PutItem per day, which replaces the day's item with what the
 * orders say. Run again, it writes the same items: idempotent. A day still taking orders while it
 * runs may lose the changes counted meanwhile (the Put replaces them): run it before the counting
 * is deployed, or at a quiet hour, or pass `--before` today.
 */
export async function backfillStats(
  db: DynamoDBDocumentClient,
  tables: { orders: string; stats: string },
  timeZone: string,
  before?: string,
): Promise<{ orders: number; days: number }> {
  const totals = new Map<string, Record<string, number>>();
  let orders = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tables.orders, ExclusiveStartKey: startKey }));
    for (const order of (page.Items ?? []) as Order[]) {
      orders += 1;
      addDeltas(totals, orderCounts(order, timeZone));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  let days = 0;
  for (const [day, counts] of totals) {
    if (before && day >= before) continue;
    await db.send(
      new PutCommand({
        TableName: tables.stats,
        Item: { ...counts, [STATS_TABLE.partitionKey]: `${STATS_TABLE.dayPartitionPrefix}${timeZone}`, [STATS_TABLE.sortKey]: day },
      }),
    );
    days += 1;
  }
  return { orders, days };
}
