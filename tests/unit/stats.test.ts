/** The per-day counters' rules (amplify/domain/stats.ts, stats-summary.ts) and the counting repository (counting-orders.ts). */
import { describe, expect, it, vi } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { changeCounts, dayOf, orderCounts } from '../../amplify/domain/stats.ts';
import { summarizeStats } from '../../amplify/domain/stats-summary.ts';
import { statsCsv } from '../../src/pages/stats-csv.ts';
import { countingOrders } from '../../amplify/server/counting-orders.ts';
import type { OrderRepository, StatsStore } from '../../amplify/server/ports.ts';
import { parseStatsQuery } from '../../amplify/functions/app-server/routes/stats.ts';

const change = (status: Order['status'], at: string) => ({ status, at, actor: { type: 'system' as const } });
const order = (history: Order['history']) => ({ totalAmount: 25.5, items: [{ productId: 'p1', name: 'P', quantity: 2, price: 10 }], history });

describe('stats rules', () => {
  it('a day in the shop time zone', () => {
    expect(dayOf('2026-12-07T23:30:00Z')).toBe('2026-12-07');
    expect(dayOf('2026-12-07T23:30:00Z', 'Europe/Madrid')).toBe('2026-12-08');
    expect(() => dayOf('2026-12-07T23:30:00Z', 'Mars/Base')).toThrow(/time zone/);
  });

  it('each change counts on its own day; a refund takes the money and the units back', () => {
    const o = order([
      change('PENDING', '2026-12-01T23:00:00Z'),
      change('PAYMENT_PROCESSED', '2026-12-02T00:00:10Z'),
      change('SHIPPED', '2026-12-02T01:00:10Z'),
      change('DELIVERED', '2026-12-04T01:00:10Z'),
      change('REFUNDED', '2026-12-05T00:00:00Z'),
    ]);
    expect(orderCounts(o)).toEqual([
      { day: '2026-12-01', counts: { placed: 1 } },
      { day: '2026-12-02', counts: { paid: 1, paidCents: 2550, 'u#p1': 2, 'c#p1': 2000 } },
      { day: '2026-12-02', counts: { shipped: 1, paidToShippedSeconds: 3600, paidToShippedCount: 1 } },
      { day: '2026-12-04', counts: { delivered: 1, shippedToDeliveredSeconds: 172800, shippedToDeliveredCount: 1 } },
      { day: '2026-12-05', counts: { refunded: 1, refundedCents: 2550, 'u#p1': -2, 'c#p1': -2000 } },
    ]);
  });

  it('a cancel before payment gives nothing back; a payment tried again is not a new order', () => {
    const cancelled = order([change('PENDING', '2026-12-01T10:00:00Z'), change('CANCELLED', '2026-12-01T10:01:00Z')]);
    expect(changeCounts(cancelled, 1)).toEqual({ day: '2026-12-01', counts: { cancelled: 1 } });
    const retried = order([change('PENDING', '2026-12-01T10:00:00Z'), change('PAYMENT_FAILED', '2026-12-01T10:00:01Z'), change('PENDING', '2026-12-01T10:02:00Z')]);
    expect(changeCounts(retried, 1)).toEqual({ day: '2026-12-01', counts: { declined: 1 } });
    expect(changeCounts(retried, 2)).toBeUndefined();
    const short = order([change('PENDING', '2026-12-01T10:00:00Z'), change('OUT_OF_STOCK', '2026-12-01T10:00:01Z')]);
    expect(orderCounts(short)).toEqual([
      { day: '2026-12-01', counts: { placed: 1 } },
      { day: '2026-12-01', counts: { outOfStock: 1 } },
    ]);
    const unshipped = order([change('PENDING', 'x'), change('PAYMENT_PROCESSED', '2026-12-01T10:00:01Z'), change('SHIPMENT_FAILED', '2026-12-01T10:00:05Z')]);
    expect(changeCounts(unshipped, 2)?.counts).toEqual({ refundedCents: 2550, 'u#p1': -2, 'c#p1': -2000 });
  });

  it('the answer: every day of the range, totals, rates, top products, mean fulfilment; CSV', () => {
    const r = summarizeStats('2026-12-01', '2026-12-03', [
      { day: '2026-12-01', counts: { placed: 4, paid: 3, declined: 1, cancelled: 1, outOfStock: 1, paidCents: 9000, refundedCents: 3000, 'u#p1': 2, 'c#p1': 2000, 'u#p2': 1, 'c#p2': 5000, paidToShippedSeconds: 100, paidToShippedCount: 2 } },
    ], (id) => (id === 'p1' ? 'One' : undefined));
    expect(r.days.map((d) => d.date)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
    expect(r.days[0]).toEqual({ date: '2026-12-01', orders: 4, paid: 3, declined: 1, cancelled: 1, refunded: 0, revenue: 60, outOfStock: 1 });
    expect(r.days[1]).toMatchObject({ outOfStock: 0 });
    expect(r.totals).toEqual({ orders: 4, revenue: 60, averageOrderValue: 30, declineRate: 0.25, cancelRate: 0.25, outOfStock: 1 });
    expect(r.topProducts).toEqual([
      { productId: 'p2', name: 'p2', units: 1, revenue: 50 },
      { productId: 'p1', name: 'One', units: 2, revenue: 20 },
    ]);
    expect(r.fulfilment).toEqual({ paidToShippedSeconds: 50, shippedToDeliveredSeconds: 0 });
    expect(statsCsv(r.days).split('\n').slice(0, 2)).toEqual(['date,orders,paid,declined,cancelled,refunded,revenue,outOfStock', '2026-12-01,4,3,1,1,0,60.00,1']);
  });

  it('the query: both days, in order, at most a year', () => {
    expect(parseStatsQuery({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(() => parseStatsQuery({ from: '2026-01-01', to: '2027-01-02' })).toThrow();
    expect(() => parseStatsQuery({ from: '2026-02-29', to: '2026-03-01' })).toThrow();
    expect(() => parseStatsQuery(null)).toThrow();
  });
});

describe('countingOrders', () => {
  const placed = { orderId: 'o1', history: [change('PENDING', '2026-12-01T10:00:00Z')], items: [], totalAmount: 1 } as unknown as Order;
  const setup = (changed: boolean, fail = false) => {
    const add = vi.fn(async () => (fail ? Promise.reject(new Error('throttled')) : undefined));
    const stats: StatsStore = { timeZone: 'UTC', add, days: vi.fn() };
    const inner = {
      create: vi.fn(async () => ({ order: placed, created: changed })),
      transition: vi.fn(async () => ({ order: { ...placed, history: [...placed.history!, change('PAYMENT_FAILED', '2026-12-01T10:00:01Z')] }, changed })),
      get: vi.fn(async () => placed),
    } as unknown as OrderRepository;
    const log = { error: vi.fn() };
    const metrics = { addMetric: vi.fn() };
    return { orders: countingOrders(inner, stats, log, metrics), add, log, metrics };
  };

  it('counts the change a call made, once; a repeat (changed: false) counts nothing', async () => {
    const made = setup(true);
    await made.orders.create(placed);
    await made.orders.transition('o1', 'PAYMENT_FAILED');
    expect(made.add.mock.calls).toEqual([[{ day: '2026-12-01', counts: { placed: 1 } }], [{ day: '2026-12-01', counts: { declined: 1 } }]]);
    const repeat = setup(false);
    await repeat.orders.create(placed);
    await repeat.orders.transition('o1', 'PAYMENT_FAILED');
    expect(repeat.add).not.toHaveBeenCalled();
    expect(await repeat.orders.get('o1')).toBe(placed);
  });

  it('a failed counter write is logged and does not fail the change', async () => {
    const failing = setup(true, true);
    await expect(failing.orders.transition('o1', 'PAYMENT_FAILED')).resolves.toMatchObject({ changed: true });
    expect(failing.log.error).toHaveBeenCalledWith('Stats count failed', expect.objectContaining({ orderId: 'o1', status: 'PAYMENT_FAILED' }));
    // Counted for the stats-count-failed alarm, once per failed write.
    expect(failing.metrics.addMetric.mock.calls).toEqual([['StatsCountFailed', 'Count', 1]]);
    const counted = setup(true);
    await counted.orders.transition('o1', 'PAYMENT_FAILED');
    expect(counted.metrics.addMetric).not.toHaveBeenCalled();
  });
});
