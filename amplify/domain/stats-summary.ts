/**
 * The answer of `GET /stats` (issue 27), summed from the stored days of a range (`summarizeStats`),
 * and its shape (`StatsResponse`), which the storefront's Dashboard reads. What each counter counts
 * is `stats.ts`. Pure and browser-safe.
 */
import { PRODUCT_CENTS_PREFIX, PRODUCT_UNITS_PREFIX, type DayCounter, type StoredDay } from './stats.ts';

/** At most this many days per `GET /stats` request (a leap year and a day). */
export const STATS_MAX_DAYS = 366;

export interface StatsDay {
  date: string;
  orders: number;
  paid: number;
  declined: number;
  cancelled: number;
  refunded: number;
  revenue: number;
  /** Orders that ended OUT_OF_STOCK that day (nothing charged). */
  outOfStock: number;
}

/** The answer of `GET /stats` (issue 27). Money in the shop's currency, two decimals. */
export interface StatsResponse {
  days: StatsDay[];
  totals: { orders: number; revenue: number; averageOrderValue: number; declineRate: number; cancelRate: number; outOfStock: number };
  topProducts: { productId: string; name: string; units: number; revenue: number }[];
  fulfilment: { paidToShippedSeconds: number; shippedToDeliveredSeconds: number };
}

/** How many products `topProducts` lists. */
export const TOP_PRODUCTS = 10;

const money = (centsValue: number) => Math.round(centsValue) / 100;
const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** Every day from `from` to `to` (inclusive, `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * The answer of `GET /stats` from the stored days of the range: every day of the range listed (a
 * day without counters is zeros), totals over the range (average order value: charged / paid orders;
 * decline rate: declined / payment answers; cancel rate: cancelled / placed), the best-selling
 * products by revenue, and the mean fulfilment times in seconds.
 */
export function summarizeStats(from: string, to: string, stored: readonly StoredDay[], productName: (productId: string) => string | undefined): StatsResponse {
  const byDay = new Map(stored.map((d) => [d.day, d.counts]));
  const sum: Record<string, number> = {};
  const products = new Map<string, { units: number; cents: number }>();
  const days = daysBetween(from, to).map((date) => {
    const c = byDay.get(date) ?? {};
    for (const [name, n] of Object.entries(c)) {
      sum[name] = (sum[name] ?? 0) + n;
      const isUnits = name.startsWith(PRODUCT_UNITS_PREFIX);
      if (!isUnits && !name.startsWith(PRODUCT_CENTS_PREFIX)) continue;
      const productId = name.slice(PRODUCT_UNITS_PREFIX.length);
      const p = products.get(productId) ?? { units: 0, cents: 0 };
      if (isUnits) p.units += n;
      else p.cents += n;
      products.set(productId, p);
    }
    const n = (k: DayCounter) => c[k] ?? 0;
    return { date, orders: n('placed'), paid: n('paid'), declined: n('declined'), cancelled: n('cancelled'), refunded: n('refunded'), revenue: money(n('paidCents') - n('refundedCents')), outOfStock: n('outOfStock') };
  });
  const t = (k: DayCounter) => sum[k] ?? 0;
  const topProducts = [...products]
    .filter(([, p]) => p.units !== 0 || p.cents !== 0)
    .sort(([a, x], [b, y]) => y.cents - x.cents || y.units - x.units || a.localeCompare(b))
    .slice(0, TOP_PRODUCTS)
    .map(([productId, p]) => ({ productId, name: productName(productId) ?? productId, units: p.units, revenue: money(p.cents) }));
  const mean = (total: number, count: number) => (count > 0 ? Math.round(total / count) : 0);
  return {
    days,
    totals: {
      orders: t('placed'),
      revenue: money(t('paidCents') - t('refundedCents')),
      averageOrderValue: t('paid') > 0 ? money(t('paidCents') / t('paid')) : 0,
      declineRate: ratio(t('declined'), t('paid') + t('declined')),
      cancelRate: ratio(t('cancelled'), t('placed')),
      outOfStock: t('outOfStock'),
    },
    topProducts,
    fulfilment: {
      paidToShippedSeconds: mean(t('paidToShippedSeconds'), t('paidToShippedCount')),
      shippedToDeliveredSeconds: mean(t('shippedToDeliveredSeconds'), t('shippedToDeliveredCount')),
    },
  };
}
