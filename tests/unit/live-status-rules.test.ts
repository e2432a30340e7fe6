/**
 * Live order status's pure rules beyond live-updates.test.ts: who may subscribe when the caller
 * has no `sub` (or an empty one), what the event carries of an order (and never a null), how a
 * page applies a newer event, and which events are news. Starts nothing (`MUTATE_TESTS=pure`).
 */
import { describe, expect, it } from 'vitest';
import { isNewer, LIVE_AUTHORIZATION_TYPE, maySubscribe, parseStatusEvent, statusEventOf, withEvent } from '../../amplify/domain/live-updates.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { storedOrder } from '../fixtures.ts';

const SUB = '8f0c2a52-3c2e-4a7b-9a43-0c5d9e1f2b3a';

describe('who may subscribe, when the caller\u2019s identity is incomplete', () => {
  it('no sub, or an empty one, owns no channel (not even one with an empty segment)', () => {
    expect(maySubscribe(['orders', ''], { sub: '' })).toBe(false);
    expect(maySubscribe(['orders', SUB], {})).toBe(false);
    expect(maySubscribe(['orders', SUB], { groups: null, claims: {} })).toBe(false);
    expect(maySubscribe(['orders', SUB], undefined)).toBe(false);
    expect(maySubscribe(['orders', SUB], { sub: SUB, claims: { 'cognito:groups': 'ADMINS' } })).toBe(true);
    expect(maySubscribe(['orders', 'someone-else'], { sub: SUB, claims: { 'cognito:groups': 'ADMINS' } })).toBe(false);
  });

  it('customers connect with their user pool tokens', () => {
    expect(LIVE_AUTHORIZATION_TYPE).toBe('AMAZON_COGNITO_USER_POOLS');
  });
});

describe('the status event of an order', () => {
  it('the order number stored, else the one its id gives; absent and null fields left out', () => {
    const order = storedOrder('2026-12-01T10:00:00.000Z', { status: 'PAYMENT_PROCESSED', paymentDate: '2026-12-01T10:01:00.000Z' });
    expect(statusEventOf({ ...order, orderNumber: 'ORD-CUSTOM' }).orderNumber).toBe('ORD-CUSTOM');
    const { orderNumber: _n, ...withoutNumber } = order;
    expect(statusEventOf(withoutNumber).orderNumber).toBe(orderNumberOf(order.orderId));
    const event = statusEventOf({ ...order, trackingNumber: null as unknown as undefined, refundAmount: 0, refundStatus: 'pending' } as typeof order);
    expect(event).toEqual({ orderId: order.orderId, orderNumber: order.orderNumber, status: 'PAYMENT_PROCESSED', updatedAt: order.updatedAt, paymentDate: '2026-12-01T10:01:00.000Z', refundAmount: 0, refundStatus: 'pending' });
    expect('trackingNumber' in event).toBe(false);
  });

  it('an object is checked as it is, a string parsed first; anything else is no event', () => {
    const event = statusEventOf(storedOrder('2026-12-01T10:00:00.000Z'));
    expect(parseStatusEvent(event)).toEqual(event);
    expect(parseStatusEvent(JSON.stringify(event))).toEqual(event);
    expect(parseStatusEvent(JSON.stringify(JSON.stringify(event)))).toBeUndefined();
    expect(parseStatusEvent(undefined)).toBeUndefined();
    expect(parseStatusEvent('{')).toBeUndefined();
  });

  it('a page shows the event\u2019s state over the order it had, keeping what the event does not carry', () => {
    const shown = storedOrder('2026-12-01T10:00:00.000Z', { status: 'PAYMENT_PROCESSED', orderNumber: 'ORD-SHOWN' });
    const event = statusEventOf({ ...shown, status: 'SHIPPED', trackingNumber: 'TRK9', updatedAt: '2026-12-01T11:00:00.000Z', orderNumber: 'ORD-OTHER' });
    const after = withEvent(shown, event);
    expect(after).toEqual({ ...shown, status: 'SHIPPED', trackingNumber: 'TRK9', updatedAt: '2026-12-01T11:00:00.000Z' });
    expect(after.orderNumber).toBe('ORD-SHOWN');
    expect(shown.status).toBe('PAYMENT_PROCESSED');
  });
});

describe('which events are news', () => {
  const at = '2026-12-01T10:05:00.000Z';
  it('the same change is news only when it brings the refund recorded', () => {
    expect(isNewer({ updatedAt: at, refundStatus: 'refunded' }, { updatedAt: at, refundStatus: 'refunded' })).toBe(false);
    expect(isNewer({ updatedAt: at, refundStatus: 'pending' }, { updatedAt: at })).toBe(false);
    expect(isNewer({ updatedAt: at, refundStatus: 'refunded' }, { updatedAt: at })).toBe(true);
    expect(isNewer({ updatedAt: at }, { updatedAt: at, refundStatus: 'refunded' })).toBe(false);
  });

  it('a newer change is news whatever its refund state; an older one never is', () => {
    expect(isNewer({ updatedAt: '2026-12-01T10:05:00.001Z' }, { updatedAt: at, refundStatus: 'refunded' })).toBe(true);
    expect(isNewer({ updatedAt: '2026-12-01T10:04:59.999Z', refundStatus: 'refunded' }, { updatedAt: at })).toBe(false);
  });
});
