/**
 * Stock reservations (amplify/server/inventory.ts) against an in-memory ledger: the reservation key
 * and its parsing, the fixed order products are reserved in, what a short reservation records
 * (the line's name, 0 left for a product with no stock recorded), the stale reservations the
 * recovery job settles (only those taken before the cutoff, each counted once), and which products
 * are low.
 */
import { describe, expect, it } from 'vitest';
import { storedOrder } from '../fixtures.ts';
import { lowStock, parseReservationKey, reserveOrder, settleStaleReservations, unitsByProduct } from '../../amplify/server/inventory.ts';
import type { OpenReservation, StockLedger } from '../../amplify/server/ports.ts';
import { plentifulStock } from './stock-fakes.ts';

const at = '2026-12-01T10:00:00.000Z';
const level = (productId: string, available: number) => ({ productId, available, reserved: 0, sold: 0, openReservations: 0 });

describe('reservation keys', () => {
  it('an order id and a whole attempt number, nothing around them', () => {
    expect(parseReservationKey('0b5c-uuid:2')).toEqual({ orderId: '0b5c-uuid', attempt: 2 });
    expect(parseReservationKey('a:b:12')).toEqual({ orderId: 'a:b', attempt: 12 });
    for (const key of ['no-attempt', ':3', 'o:', 'o:1x', 'o:1:', 'o:x1']) expect(parseReservationKey(key)).toBeUndefined();
  });

  it('products are reserved in one fixed order (by id), each once with its lines\u2019 units summed', () => {
    expect(unitsByProduct([
      { productId: 'p3', quantity: 1 },
      { productId: 'p1', quantity: 2 },
      { productId: 'p2', quantity: 1 },
      { productId: 'p1', quantity: 3 },
    ])).toEqual([['p1', 5], ['p2', 1], ['p3', 1]]);
    expect(unitsByProduct([{ productId: 'b', quantity: 1 }, { productId: 'a', quantity: 1 }]).map(([id]) => id)).toEqual(['a', 'b']);
  });
});

describe('a short reservation', () => {
  it('names each short line (its name, else its product id) with what was left; the units taken go back', async () => {
    const calls: string[] = [];
    const stock: StockLedger = {
      ...plentifulStock,
      reserve: async (productId, key, qty) => {
        calls.push(`reserve ${productId} ${key} ${qty}`);
        if (productId === 'p2') return { outcome: 'short', available: 1 };
        if (productId === 'p3') return { outcome: 'unrecorded' };
        return { outcome: 'reserved' };
      },
      seed: async (productId) => (calls.push(`seed ${productId}`), true),
      release: async (productId, key, qty) => (calls.push(`release ${productId} ${key} ${qty}`), true),
    };
    const order = storedOrder(at, {
      orderId: 'o1',
      items: [
        { productId: 'p1', name: 'Mug', quantity: 1, price: 1 },
        { productId: 'p2', name: 'Lamp', quantity: 2, price: 1 },
        { productId: 'p3', name: '', quantity: 1, price: 1 },
      ],
    });
    expect(await reserveOrder(stock, order, new Date(at))).toEqual({
      outcome: 'short',
      shortItems: [
        { productId: 'p2', name: 'Lamp', quantity: 2, available: 1 },
        { productId: 'p3', name: '', quantity: 1, available: 0 },
      ],
    });
    expect(calls).toEqual(['reserve p1 o1:1 1', 'reserve p2 o1:1 2', 'reserve p3 o1:1 1', 'seed p3', 'reserve p3 o1:1 1', 'release p1 o1:1 1']);
  });

  it('a line another execution holds (already) is neither short nor given back by this one', async () => {
    const released: string[] = [];
    const stock: StockLedger = {
      ...plentifulStock,
      reserve: async (productId) => (productId === 'p1' ? { outcome: 'already' } : { outcome: 'short', available: 0 }),
      release: async (productId) => (released.push(productId), true),
    };
    const order = storedOrder(at, { items: [{ productId: 'p1', name: 'Mug', quantity: 1, price: 1 }, { productId: 'p2', name: 'Lamp', quantity: 1, price: 1 }] });
    expect(await reserveOrder(stock, order)).toEqual({ outcome: 'short', shortItems: [{ productId: 'p2', name: 'Lamp', quantity: 1, available: 0 }] });
    expect(released).toEqual([]);
  });
});

describe('stale reservations (the recovery job)', () => {
  it('only those taken before the cutoff; released or sold as the order now says, each counted once', async () => {
    const cutoff = '2026-12-01T10:00:00.000Z';
    const reservations: OpenReservation[] = [
      { productId: 'p1', reservationKey: 'cancelled:1', qty: 1, at: '2026-12-01T09:59:59.999Z' },
      { productId: 'p1', reservationKey: 'shipped:1', qty: 2, at: '2026-12-01T09:00:00.000Z' },
      { productId: 'p1', reservationKey: 'at-cutoff:1', qty: 1, at: cutoff },
      { productId: 'p1', reservationKey: 'gone-already:1', qty: 1, at: '2026-12-01T08:00:00.000Z' },
      { productId: 'p1', reservationKey: 'not-a-key', qty: 1, at: '2026-12-01T08:00:00.000Z' },
      { productId: 'p2', reservationKey: 'pending:1', qty: 1, at: '2026-12-01T08:00:00.000Z' },
    ];
    const orders = new Map([
      ['cancelled', storedOrder(at, { orderId: 'cancelled', status: 'CANCELLED' })],
      ['shipped', storedOrder(at, { orderId: 'shipped', status: 'SHIPPED' })],
      ['at-cutoff', storedOrder(at, { orderId: 'at-cutoff', status: 'CANCELLED' })],
      ['pending', storedOrder(at, { orderId: 'pending', status: 'PENDING' })],
    ]);
    const asked: string[] = [];
    const calls: string[] = [];
    const stock: StockLedger = {
      ...plentifulStock,
      openReservations: async () => reservations,
      release: async (productId, key, qty) => (calls.push(`release ${productId} ${key} ${qty}`), key !== 'gone-already:1'),
      sell: async (productId, key, qty) => (calls.push(`sell ${productId} ${key} ${qty}`), true),
    };
    const report = await settleStaleReservations(stock, { get: async (id: string) => (asked.push(id), orders.get(id)) }, ['p1', 'p2'], cutoff);
    expect(report).toEqual({ released: 2, sold: 1 });
    expect(calls).toEqual(['release p1 cancelled:1 1', 'sell p1 shipped:1 2', 'release p1 gone-already:1 1', 'release p1 not-a-key 1']);
    expect(asked).toEqual(['cancelled', 'shipped', 'gone-already', 'not-a-key', 'pending']);
  });
});

describe('low stock', () => {
  it('at or under the threshold (5 unless given)', () => {
    const levels = [level('a', 0), level('b', 5), level('c', 6), level('d', -1)];
    expect(lowStock(levels).map((l) => l.productId)).toEqual(['a', 'b', 'd']);
    expect(lowStock(levels, 6).map((l) => l.productId)).toEqual(['a', 'b', 'c', 'd']);
    expect(lowStock(levels, 0).map((l) => l.productId)).toEqual(['a', 'd']);
  });
});
