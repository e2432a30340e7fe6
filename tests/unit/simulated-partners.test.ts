/**
 * The simulated payment provider and carrier: approval at the boundary of the success rate, the
 * delivery estimate for each roll, the carrier's refusal, and the provider's ledger and refund ids.
 */
import { describe, expect, it } from 'vitest';
import {
  arrangeShipment,
  bookShipment,
  CarrierUnavailableError,
  SimulatedPaymentProvider,
  simulatePayment,
} from '../../amplify/server/simulated-partners.ts';
import { deliveryWindow, DELIVERY_RULE, trackingUrl } from '../../amplify/domain/shipping.ts';
import { nextStepDueAt } from '../../amplify/server/aws/dynamodb-order-items.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('simulated payment', () => {
  it('approves a roll below the success rate with a txn_ id, and declines a roll at the rate', () => {
    const approved = simulatePayment(0.9, 0.89);
    expect(approved.approved).toBe(true);
    expect(approved.transactionId?.slice(0, 4)).toBe('txn_');
    expect(approved.transactionId?.slice(4)).toMatch(UUID);
    expect(simulatePayment(0.9, 0.9)).toEqual({ approved: false });
    expect(simulatePayment(0.9, 0.89).transactionId).not.toBe(approved.transactionId);
  });
});

describe('simulated carrier', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');

  it('delivers within the window the storefront shows (one rule, DELIVERY_RULE)', () => {
    const { earliest, latest } = deliveryWindow(now);
    expect([earliest.toISOString(), latest.toISOString()]).toEqual(['2026-03-12T12:00:00.000Z', '2026-03-15T12:00:00.000Z']);
    for (let roll = 0; roll < 1; roll += 0.01) {
      const { estimatedDeliveryDays, estimatedDeliveryDate } = arrangeShipment(now, roll);
      expect(estimatedDeliveryDays).toBeGreaterThanOrEqual(DELIVERY_RULE.minDays);
      expect(estimatedDeliveryDays).toBeLessThanOrEqual(DELIVERY_RULE.maxDays);
      expect(Date.parse(estimatedDeliveryDate)).toBeGreaterThanOrEqual(earliest.getTime());
      expect(Date.parse(estimatedDeliveryDate)).toBeLessThanOrEqual(latest.getTime());
    }
  });

  it("links a tracking number to the carrier's page by its URL pattern", () => {
    expect(trackingUrl('TRK0123')).toBe('https://tracking.example.com/parcels/TRK0123');
    expect(trackingUrl('A B/C', 'https://carrier.test/t?n={trackingNumber}&x=1')).toBe('https://carrier.test/t?n=A%20B%2FC&x=1');
  });

  it('books 2, 3, 4 or 5 days by the roll, dated from now', () => {
    expect([0, 0.25, 0.5, 0.75, 0.99].map((roll) => arrangeShipment(now, roll).estimatedDeliveryDays)).toEqual([2, 3, 4, 5, 5]);
    expect(arrangeShipment(now, 0.3)).toMatchObject({
      shipmentDate: '2026-03-10T12:00:00.000Z',
      estimatedDeliveryDays: 3,
      estimatedDeliveryDate: '2026-03-13T12:00:00.000Z',
    });
    const tracking = new Set([1, 2, 3].map(() => arrangeShipment(now, 0).trackingNumber));
    expect(tracking.size).toBe(3);
    for (const number of tracking) expect(number).toMatch(/^TRK[0-9A-F]{12}$/);
  });

  it('on the local clock (a delivery wait) the parcel arrives that long after now, and the order is due for delivery then', () => {
    expect(arrangeShipment(now, 0.3, 3000)).toMatchObject({ estimatedDeliveryDays: 3, estimatedDeliveryDate: '2026-03-10T12:00:03.000Z' });
    const shipment = bookShipment(1, now, 0, 0);
    expect(shipment.estimatedDeliveryDate).toBe(shipment.shipmentDate);
    // The open-orders index dates a shipped order's next step by the same estimate: one clock.
    expect(nextStepDueAt({ status: 'SHIPPED', updatedAt: now.toISOString(), ...arrangeShipment(now, 0.3, 3000) })).toBe('2026-03-10T12:00:03.000Z');
  });

  it('books when the roll is below the success rate and is unavailable at it', () => {
    expect(bookShipment(0.5, now, 0.49).shipmentDate).toBe('2026-03-10T12:00:00.000Z');
    const error = (() => {
      try {
        bookShipment(0.5, now, 0.5);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(CarrierUnavailableError);
    expect(error?.name).toBe('CarrierUnavailableError');
    expect(error?.message).toBe('The carrier could not book the shipment');
    // The default rate is the caller's: 1 always books, 0 never does.
    expect(bookShipment(1).trackingNumber).toMatch(/^TRK/);
    expect(() => bookShipment(0)).toThrow(CarrierUnavailableError);
  });
});

describe('simulated payment provider', () => {
  it('keeps a ledger of each call by order and kind, and uses its own random source', async () => {
    const rolls = [0.1, 0.95];
    const provider = new SimulatedPaymentProvider({ successRate: 0.9, random: () => rolls.shift()! });
    const before = Date.now();
    expect((await provider.charge({ orderId: 'o-1', amount: 10 })).approved).toBe(true);
    expect((await provider.charge({ orderId: 'o-1', amount: 10 })).approved).toBe(false);
    await provider.refund({ orderId: 'o-2', transactionId: 'txn_1', amount: 10 });
    expect(provider.calls.map(({ kind, orderId }) => `${kind}:${orderId}`)).toEqual(['charge:o-1', 'charge:o-1', 'refund:o-2']);
    for (const call of provider.calls) expect(Date.parse(call.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(provider.count('o-1', 'charge')).toBe(2);
    expect(provider.count('o-1', 'refund')).toBe(0);
    expect(provider.count('o-2', 'refund')).toBe(1);
    expect(provider.count('o-3', 'charge')).toBe(0);
  });

  it('derives the refund id from the charge (sha-256, computed outside), so a second refund is the same refund', async () => {
    const provider = new SimulatedPaymentProvider({ successRate: 1 });
    const first = await provider.refund({ orderId: 'o-1', transactionId: 'txn_1', amount: 10 });
    expect(first.refundId).toBe('rfnd_45fa2846c90e3766c2f279ac');
    expect(Math.abs(Date.parse(first.refundDate) - Date.now())).toBeLessThan(60_000);
    expect((await provider.refund({ orderId: 'o-1', transactionId: 'txn_1', amount: 10 })).refundId).toBe(first.refundId);
    expect((await provider.refund({ orderId: 'o-1', transactionId: 'txn_2', amount: 10 })).refundId).not.toBe(first.refundId);
  });

  it('waits its delay before answering', async () => {
    const provider = new SimulatedPaymentProvider({ successRate: 1, delayMs: 50 });
    const started = performance.now();
    await provider.charge({ orderId: 'o-1', amount: 1 });
    await provider.refund({ orderId: 'o-1', transactionId: 'txn_1', amount: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });
});
