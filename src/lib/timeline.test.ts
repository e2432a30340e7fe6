import { describe, expect, it } from 'vitest';
import { isFinal, ORDER_STATUSES, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { buildTimeline, keepsPolling, pollDelay } from './timeline.ts';

const at = (status: OrderStatus) => ({
  status,
  orderDate: '2025-01-01T10:00:00.000Z',
  paymentDate: '2025-01-01T10:00:01.000Z',
  shipmentDate: '2025-01-01T10:00:02.000Z',
  deliveryDate: '2025-01-01T10:00:03.000Z',
});
const states = (status: OrderStatus) => buildTimeline(at(status)).map((s) => s.state);

describe('status timeline', () => {
  it('follows the happy path', () => {
    expect(states('PENDING')).toEqual(['current', 'upcoming', 'upcoming', 'upcoming']);
    expect(states('PAYMENT_PROCESSED')).toEqual(['complete', 'current', 'upcoming', 'upcoming']);
    expect(states('SHIPPED')).toEqual(['complete', 'complete', 'current', 'upcoming']);
    expect(states('DELIVERED')).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect(buildTimeline(at('DELIVERED')).map((s) => s.label)).toEqual(['Pending', 'Payment processed', 'Shipped', 'Delivered']);
  });

  it('a cancelled order shows only what happened, then the cancellation', () => {
    const before = buildTimeline({ status: 'CANCELLED', orderDate: '2025-01-01T10:00:00.000Z', cancelledDate: '2025-01-01T10:00:05.000Z' });
    expect(before.map((s) => [s.label, s.state, s.date])).toEqual([
      ['Pending', 'complete', '2025-01-01T10:00:00.000Z'],
      ['Cancelled', 'failed', '2025-01-01T10:00:05.000Z'],
    ]);
    const paid = buildTimeline({ status: 'CANCELLED', orderDate: '2025-01-01T10:00:00.000Z', paymentDate: '2025-01-01T10:00:01.000Z' });
    expect(paid.map((s) => s.label)).toEqual(['Pending', 'Payment processed', 'Cancelled']);
  });

  it('a refunded order (a return) shows the road it travelled, then the refund, dated when staff asked for it', () => {
    const history = [{ status: 'REFUNDED' as const, at: '2025-01-09T08:00:00.000Z', actor: { type: 'staff' as const, sub: 's-1' } }];
    const returned = buildTimeline({ ...at('REFUNDED'), history, refundDate: '2025-01-09T08:00:02.000Z' });
    expect(returned.map((s) => [s.label, s.state, s.date])).toEqual([
      ['Pending', 'complete', '2025-01-01T10:00:00.000Z'],
      ['Payment processed', 'complete', '2025-01-01T10:00:01.000Z'],
      ['Shipped', 'complete', '2025-01-01T10:00:02.000Z'],
      ['Delivered', 'complete', '2025-01-01T10:00:03.000Z'],
      ['Refunded', 'complete', '2025-01-09T08:00:00.000Z'],
    ]);
    const inTransit = buildTimeline({ ...at('REFUNDED'), deliveryDate: undefined });
    expect(inTransit.map((s) => s.label)).toEqual(['Pending', 'Payment processed', 'Shipped', 'Refunded']);
  });

  it('marks the step that failed, and shows nothing after it', () => {
    const payment = buildTimeline(at('PAYMENT_FAILED'));
    expect(payment.map((s) => s.state)).toEqual(['complete', 'failed']);
    expect(payment[1]?.label).toBe('Payment failed');
    const shipment = buildTimeline(at('SHIPMENT_FAILED'));
    expect(shipment.map((s) => s.state)).toEqual(['complete', 'complete', 'failed']);
    expect(shipment[2]?.label).toBe('Shipment failed');
  });

  it('shows dates only for the steps reached', () => {
    expect(buildTimeline(at('PAYMENT_PROCESSED')).map((s) => s.date)).toEqual(['2025-01-01T10:00:00.000Z', '2025-01-01T10:00:01.000Z', undefined, undefined]);
    expect(buildTimeline(at('PAYMENT_FAILED'))[1]?.date).toBeUndefined();
  });

  it('has a timeline for every status; a failed one ends at its failure', () => {
    for (const status of ORDER_STATUSES) expect(buildTimeline(at(status)).length).toBe({ PAYMENT_FAILED: 2, OUT_OF_STOCK: 2, SHIPMENT_FAILED: 3, CANCELLED: 3, REFUNDED: 5 }[status as string] ?? 4);
  });

  it('stops polling on final statuses only', () => {
    expect(ORDER_STATUSES.filter(isFinal)).toEqual(['DELIVERED', 'PAYMENT_FAILED', 'SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED', 'OUT_OF_STOCK']);
  });

  it('polls while an order is pending or paid or owed its compensation, not once it is shipped (delivery is days later) or final', () => {
    const closed = { compensationSentDate: '2025-01-01T10:00:09.000Z' };
    expect(ORDER_STATUSES.filter((status) => keepsPolling({ status, ...closed }))).toEqual(['PENDING', 'PAYMENT_PROCESSED']);
    // A compensation still to come (the refund, or the word on whether a charge was taken) follows within seconds.
    expect(ORDER_STATUSES.filter((status) => keepsPolling({ status }))).toEqual(['PENDING', 'PAYMENT_PROCESSED', 'SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED']);
  });

  it('does not poll a paid order held for its cancel window (it ships when the window closes)', () => {
    const now = new Date('2025-01-01T10:00:00.000Z');
    expect(keepsPolling({ status: 'PAYMENT_PROCESSED', cancellableUntil: '2025-01-01T11:00:00.000Z' }, now)).toBe(false);
    expect(keepsPolling({ status: 'PAYMENT_PROCESSED', cancellableUntil: '2025-01-01T09:59:59.000Z' }, now)).toBe(true);
  });

  it('backs off polling up to a ceiling', () => {
    expect([0, 1, 2, 3].map((n) => pollDelay(n))).toEqual([1000, 1500, 2250, 3375]);
    expect(pollDelay(50)).toBe(10_000);
  });
});
