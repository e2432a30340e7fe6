/**
 * `placeOrder` over in-memory ports: who the order is for (the 403 details), what the
 * Idempotency-Key's fingerprint covers, that a reused key is refused before any write, that a
 * lost key record cannot hand a stranger's order back, and when a replay sends the message again.
 * (tests/unit/order-store.test.ts runs the same flow against the local DynamoDB.)
 */
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../amplify/domain/auth.ts';
import { ForbiddenError, IdempotencyKeyReusedError } from '../../amplify/domain/errors.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { forCaller, placeOrder } from '../../amplify/server/place-order.ts';
import type { OrderKeyRecord, OrderKeys, OrderQueue, OrderRepository } from '../../amplify/server/ports.ts';
import { orderRequest, testOrderTokens } from '../fixtures.ts';
import { plentifulStock } from './stock-fakes.ts';

const CALLER: Caller = { sub: 's-1', email: 'Ana@Example.com', emailVerified: true, isStaff: false };

/** The ports placeOrder uses, in memory, counting the calls that write. */
function ports(seed: { orders?: { order: Order; fingerprint?: string }[]; keys?: Map<string, OrderKeyRecord> } = {}) {
  const stored = new Map((seed.orders ?? []).map((entry) => [entry.order.orderId, entry]));
  const creates: string[] = [];
  const enqueued: string[] = [];
  const keyRecords = seed.keys ?? new Map<string, OrderKeyRecord>();
  const orders = {
    async create(order: Order, fingerprint?: string) {
      creates.push(order.orderId);
      const existing = stored.get(order.orderId);
      if (existing) return { order: existing.order, created: false, fingerprint: existing.fingerprint };
      stored.set(order.orderId, { order, fingerprint });
      return { order, created: true };
    },
    async get(orderId: string) {
      return stored.get(orderId)?.order;
    },
  } as unknown as OrderRepository;
  const keys: OrderKeys = {
    async claim(sub, key, candidate) {
      const id = `${sub}/${key}`;
      if (!keyRecords.has(id)) keyRecords.set(id, candidate);
      return keyRecords.get(id)!;
    },
  };
  const queue: OrderQueue = {
    async enqueue(orderId) {
      enqueued.push(orderId);
    },
  };
  const failures: string[] = [];
  // No limit here (the limiter is tested in tests/unit/app-server-routes.test.ts).
  const rateLimiter = { limit: 0, admit: async () => ({ allowed: true }) as const };
  // No closed accounts here (tested in tests/unit/app-server-routes.test.ts).
  const closedAccounts = { close: async () => undefined, isClosed: async () => false };
  return { deps: { orders, keys, queue, stock: plentifulStock, rateLimiter, closedAccounts, tokens: testOrderTokens, onEnqueueFailed: (orderId: string) => failures.push(orderId) }, stored, creates, enqueued, keyRecords, failures };
}

function forbidden(fn: () => unknown): ForbiddenError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ForbiddenError) return error;
    throw error;
  }
  throw new Error('expected a ForbiddenError');
}

describe('forCaller', () => {
  it('names the field that is not the signed-in customer', () => {
    expect(forbidden(() => forCaller(orderRequest({ customerId: 's-2' }), CALLER)).details).toEqual([
      { path: 'customerId', message: 'Must be the signed-in customer (or left out)' },
    ]);
    expect(forbidden(() => forCaller(orderRequest({ customerEmail: 'eve@example.com' }), CALLER)).details).toEqual([
      { path: 'customerEmail', message: "Must be the account's e-mail address (or left out)" },
    ]);
    const unverified = forbidden(() => forCaller(orderRequest(), { ...CALLER, emailVerified: false }));
    expect(unverified.message).toBe('Verify your e-mail address before ordering');
    expect(unverified.details).toEqual([{ path: 'customerEmail', message: 'Not verified yet' }]);
  });
});

describe('placeOrder', () => {
  const now = () => new Date('2026-01-01T00:00:00.000Z');

  it('stores a priced PENDING order for the caller and enqueues it', async () => {
    const p = ports();
    const { order, created } = await placeOrder(orderRequest(), undefined, CALLER, { ...p.deps, now });
    expect(created).toBe(true);
    expect(order).toMatchObject({ customerId: 's-1', customerEmail: 'ana@example.com', status: 'PENDING', orderDate: '2026-01-01T00:00:00.000Z' });
    expect(p.enqueued).toEqual([order.orderId]);
  });

  it('refuses a key reused with other quantities before writing anything', async () => {
    const p = ports();
    await placeOrder(orderRequest(), 'key-1', CALLER, { ...p.deps, now });
    const changed = orderRequest({ items: [{ productId: 'prod-001', quantity: 3 }, { productId: 'prod-012', quantity: 1 }] });
    await expect(placeOrder(changed, 'key-1', CALLER, { ...p.deps, now })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(p.creates.length).toBe(1);
    expect(p.enqueued.length).toBe(1);
    // The same body again is the same order, not a refusal.
    const replay = await placeOrder(orderRequest(), 'key-1', CALLER, { ...p.deps, now });
    expect(replay.created).toBe(false);
    expect(p.enqueued).toEqual([replay.order.orderId, replay.order.orderId]);
  });

  it('refuses to hand back an order another request created when the key record names it', async () => {
    // The key record points at an existing order (say the record expired and a key was reused):
    // the stored order's own fingerprint decides.
    const p = ports();
    const first = await placeOrder(orderRequest(), 'key-1', CALLER, { ...p.deps, now });
    const keys: OrderKeys = { claim: async (_sub, _key, candidate) => ({ orderId: first.order.orderId, fingerprint: candidate.fingerprint }) };
    const other = orderRequest({ customerName: 'Eve' });
    await expect(placeOrder(other, 'key-2', CALLER, { ...p.deps, keys, now })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(p.enqueued).toEqual([first.order.orderId]);
  });

  it('sends the message again on a replay only while the order is still PENDING', async () => {
    const p = ports();
    const first = await placeOrder(orderRequest(), 'key-1', CALLER, { ...p.deps, now });
    const entry = p.stored.get(first.order.orderId)!;
    p.stored.set(first.order.orderId, { ...entry, order: { ...entry.order, status: 'SHIPPED' } });
    const replay = await placeOrder(orderRequest(), 'key-1', CALLER, { ...p.deps, now });
    expect(replay).toMatchObject({ created: false, order: { status: 'SHIPPED' } });
    expect(p.enqueued).toEqual([first.order.orderId]);
  });

  it('reports an order it stored but could not enqueue, and still answers', async () => {
    const p = ports();
    const queue: OrderQueue = { enqueue: async () => Promise.reject(new Error('queue down')) };
    const { order, created } = await placeOrder(orderRequest(), undefined, CALLER, { ...p.deps, queue, now });
    expect(created).toBe(true);
    expect(p.failures).toEqual([order.orderId]);
  });
});
