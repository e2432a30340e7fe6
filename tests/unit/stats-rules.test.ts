/**
 * The shop's figures (issue 27), pure, beyond stats.test.ts: what each status change counts (the
 * money refunded only when it had been charged, the fulfilment times), the per-day sums the
 * backfill and the reconciliation build, and the summary's edge cases (an empty range, products
 * whose sales were all given back, ties). Starts nothing (`MUTATE_TESTS=pure`).
 */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { addDeltas, changeCounts, checkTimeZone, dayOf, InvalidTimeZoneError, orderCounts } from '../../amplify/domain/stats.ts';
import { summarizeStats } from '../../amplify/domain/stats-summary.ts';

type Counted = Pick<Order, 'history' | 'items' | 'totalAmount'>;
const order = (history: { status: Order['status']; at: string }[], items = [{ productId: 'p1', name: 'One', quantity: 2, price: 12.5 }]): Counted => ({
  history: history as Order['history'],
  items,
  totalAmount: 30.1,
});

describe('what a status change counts', () => {
  it('no history, or no change at that index: nothing', () => {
    expect(orderCounts({ items: [], totalAmount: 1 })).toEqual([]);
    expect(changeCounts({ items: [], totalAmount: 1 }, 0)).toBeUndefined();
    expect(changeCounts(order([{ status: 'PENDING', at: '2026-12-01T10:00:00Z' }]), 1)).toBeUndefined();
  });

  it('a payment counts the order\u2019s money and each product\u2019s units and cents, lines of one product summed', () => {
    const paid = order(
      [
        { status: 'PENDING', at: '2026-12-01T10:00:00Z' },
        { status: 'PAYMENT_PROCESSED', at: '2026-12-01T10:01:00Z' },
      ],
      [
        { productId: 'p1', name: 'One', quantity: 2, price: 12.5 },
        { productId: 'p2', name: 'Two', quantity: 1, price: 0.1 },
        { productId: 'p1', name: 'One', quantity: 1, price: 12.5 },
      ],
    );
    expect(changeCounts(paid, 1)).toEqual({ day: '2026-12-01', counts: { paid: 1, paidCents: 3010, 'u#p1': 3, 'c#p1': 3750, 'u#p2': 1, 'c#p2': 10 } });
  });

  it('shipped and delivered count the time since the latest payment and shipment; without one, only the change', () => {
    const moved = order([
      { status: 'PENDING', at: '2026-12-01T10:00:00Z' },
      { status: 'PAYMENT_PROCESSED', at: '2026-12-01T10:00:10Z' },
      { status: 'PAYMENT_PROCESSED', at: '2026-12-01T10:01:00Z' },
      { status: 'SHIPPED', at: '2026-12-01T10:02:00.400Z' },
      { status: 'DELIVERED', at: '2026-12-02T10:02:00.400Z' },
    ]);
    expect(changeCounts(moved, 3)?.counts).toEqual({ shipped: 1, paidToShippedSeconds: 60, paidToShippedCount: 1 });
    expect(changeCounts(moved, 4)).toEqual({ day: '2026-12-02', counts: { delivered: 1, shippedToDeliveredSeconds: 86_400, shippedToDeliveredCount: 1 } });
    const bare = order([
      { status: 'SHIPPED', at: '2026-12-01T10:00:00Z' },
      { status: 'DELIVERED', at: '2026-12-01T11:00:00Z' },
    ]);
    expect(changeCounts(bare, 0)?.counts).toEqual({ shipped: 1 });
    expect(changeCounts(bare, 1)?.counts).toEqual({ delivered: 1, shippedToDeliveredSeconds: 3600, shippedToDeliveredCount: 1 });
    // A clock that went back counts 0 s, never negative.
    const skewed = order([
      { status: 'PAYMENT_PROCESSED', at: '2026-12-01T10:00:05Z' },
      { status: 'SHIPPED', at: '2026-12-01T10:00:00Z' },
    ]);
    expect(changeCounts(skewed, 1)?.counts).toEqual({ shipped: 1, paidToShippedSeconds: 0, paidToShippedCount: 1 });
  });

  it('money is given back only when the change before had charged it; a status that counts nothing counts nothing', () => {
    const refunded = order([
      { status: 'PENDING', at: '2026-12-01T10:00:00Z' },
      { status: 'PAYMENT_PROCESSED', at: '2026-12-01T10:01:00Z' },
      { status: 'SHIPPED', at: '2026-12-01T10:02:00Z' },
      { status: 'REFUNDED', at: '2026-12-03T09:00:00Z' },
    ]);
    expect(changeCounts(refunded, 3)).toEqual({ day: '2026-12-03', counts: { refunded: 1, refundedCents: 3010, 'u#p1': -2, 'c#p1': -2500 } });
    const shipmentFailed = order([
      { status: 'PENDING', at: '2026-12-01T10:00:00Z' },
      { status: 'SHIPMENT_FAILED', at: '2026-12-01T10:02:00Z' },
    ]);
    expect(changeCounts(shipmentFailed, 1)).toBeUndefined();
    expect(changeCounts(order([{ status: 'CANCELLED', at: '2026-12-01T10:00:00Z' }]), 0)).toEqual({ day: '2026-12-01', counts: { cancelled: 1 } });
    expect(changeCounts(order([{ status: 'REFUNDED', at: '2026-12-01T10:00:00Z' }]), 0)).toEqual({ day: '2026-12-01', counts: { refunded: 1 } });
    const compensated = order([
      { status: 'PENDING', at: '2026-12-01T10:00:00Z' },
      { status: 'PAYMENT_PROCESSED', at: '2026-12-01T10:01:00Z' },
      { status: 'COMPENSATED' as Order['status'], at: '2026-12-01T10:02:00Z' },
    ]);
    expect(changeCounts(compensated, 2)).toBeUndefined();
    // A later PENDING (a payment tried again) is not a new order.
    expect(changeCounts(order([{ status: 'PAYMENT_FAILED', at: '2026-12-01T10:00:00Z' }, { status: 'PENDING', at: '2026-12-01T10:01:00Z' }]), 1)).toBeUndefined();
  });

  it('every change summed per day, in the shop\u2019s time zone', () => {
    const lateEvening = order([
      { status: 'PENDING', at: '2026-12-01T22:30:00Z' },
      { status: 'PAYMENT_PROCESSED', at: '2026-12-01T23:30:00Z' },
    ]);
    expect(orderCounts(lateEvening, 'Europe/Madrid').map((d) => d.day)).toEqual(['2026-12-01', '2026-12-02']);
    const totals = addDeltas(new Map([['2026-12-01', { placed: 2 }]]), [
      { day: '2026-12-01', counts: { placed: 1, paid: 1 } },
      { day: '2026-12-02', counts: { paid: 1, refundedCents: -5 } },
      { day: '2026-12-01', counts: { paid: 2 } },
    ]);
    expect(Object.fromEntries(totals)).toEqual({ '2026-12-01': { placed: 3, paid: 3 }, '2026-12-02': { paid: 1, refundedCents: -5 } });
  });
});

describe('time zones', () => {
  it('a time zone is checked once and kept; a wrong one is an InvalidTimeZoneError naming it, with its cause', () => {
    expect(checkTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(dayOf('2026-12-01T15:30:00Z', 'Asia/Tokyo')).toBe('2026-12-02');
    expect(dayOf('2026-12-01T14:30:00Z', 'Asia/Tokyo')).toBe('2026-12-01');
    let error: unknown;
    try {
      checkTimeZone('Nowhere/Town');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTimeZoneError);
    expect(error).toMatchObject({ name: 'InvalidTimeZoneError', message: 'Not an IANA time zone: "Nowhere/Town"', cause: expect.any(RangeError) });
  });
});

describe('the summary', () => {
  it('an empty range: zeros, no rate divided by zero, no products', () => {
    const r = summarizeStats('2026-12-01', '2026-12-01', [], () => undefined);
    expect(r.totals).toEqual({ orders: 0, revenue: 0, averageOrderValue: 0, declineRate: 0, cancelRate: 0, outOfStock: 0 });
    expect(r.topProducts).toEqual([]);
    expect(r.fulfilment).toEqual({ paidToShippedSeconds: 0, shippedToDeliveredSeconds: 0 });
    expect(r.days).toEqual([{ date: '2026-12-01', orders: 0, paid: 0, declined: 0, cancelled: 0, refunded: 0, revenue: 0, outOfStock: 0 }]);
  });

  it('a product all given back drops out; one with units but no cents (or cents but no units) stays; ties by units, then id', () => {
    const r = summarizeStats('2026-12-01', '2026-12-02', [
      { day: '2026-12-01', counts: { placed: 1, refunded: 2, 'u#gone': 2, 'c#gone': 500, 'u#free': 3, 'c#tie-b': 100, 'u#tie-b': 1, 'c#tie-a': 100, 'u#tie-a': 1, 'c#more': 100, 'u#more': 4, 'c#credit': 50 } },
      { day: '2026-12-02', counts: { 'u#gone': -2, 'c#gone': -500, shippedToDeliveredSeconds: 90, shippedToDeliveredCount: 2 } },
    ], () => undefined);
    expect(r.topProducts.map((p) => [p.productId, p.units, p.revenue])).toEqual([
      ['more', 4, 1],
      ['tie-a', 1, 1],
      ['tie-b', 1, 1],
      ['credit', 0, 0.5],
      ['free', 3, 0],
    ]);
    expect(r.days[0]!.refunded).toBe(2);
    expect(r.fulfilment.shippedToDeliveredSeconds).toBe(45);
  });

  it('the ten best-selling products at most', () => {
    const counts = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`c#p${String(i).padStart(2, '0')}`, 100 + i]));
    const r = summarizeStats('2026-12-01', '2026-12-01', [{ day: '2026-12-01', counts }], () => undefined);
    expect(r.topProducts.map((p) => p.productId)).toEqual(['p11', 'p10', 'p09', 'p08', 'p07', 'p06', 'p05', 'p04', 'p03', 'p02']);
  });

  it('the average order value only over paid orders; rates to four places', () => {
    const r = summarizeStats('2026-12-01', '2026-12-01', [{ day: '2026-12-01', counts: { placed: 3, paid: 0, declined: 1, cancelled: 1, paidCents: 0 } }], () => undefined);
    expect(r.totals).toMatchObject({ averageOrderValue: 0, declineRate: 1, cancelRate: 0.3333 });
  });
});
