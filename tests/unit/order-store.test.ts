/**
 * `DynamoDbOrderRepository` and `placeOrder` against a real local DynamoDB (dynalite in memory, the tables of
 * `local/dynamodb/dynamodb.ts`): conditional transitions under late, repeated and concurrent steps; lists
 * paged to the end; an Idempotency-Key reused for another order stores and enqueues nothing.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../amplify/domain/auth.ts';
import { IdempotencyKeyReusedError, InvalidTransitionError, OrderNotFoundError } from '../../amplify/domain/errors.ts';
import type { Order } from '../../amplify/domain/order.ts';
import type { OrderStatus } from '../../amplify/domain/order-rules.ts';
import { DynamoDbOrderKeys } from '../../amplify/server/aws/dynamodb-order-keys.ts';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';
import { placeOrder } from '../../amplify/server/place-order.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb/dynamodb.ts';
import { orderRequest, storedOrder, testOrderTokens } from '../fixtures.ts';
import { plentifulStock } from './stock-fakes.ts';

let dynamo: LocalDynamo;
let client: DynamoDBClient;
let store: DynamoDbOrderRepository;
let keys: DynamoDbOrderKeys;

beforeAll(async () => {
  dynamo = await startDynamo(undefined); // in memory
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  store = new DynamoDbOrderRepository(createDocumentClient(client), ORDERS_TABLE.localName);
  keys = new DynamoDbOrderKeys(createDocumentClient(client), IDEMPOTENCY_TABLE.localName);
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

let clock = Date.parse('2026-01-01T00:00:00.000Z');
/** A new PENDING order; each one a second newer than the last, so lists have one right order. */
function newOrder(overrides: Partial<Order> = {}): Order {
  clock += 1000;
  return storedOrder(new Date(clock).toISOString(), overrides);
}

async function stored(orderId: string): Promise<Record<string, unknown>> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: ORDERS_TABLE.localName }));
  const item = Items.find((i) => i[ORDERS_TABLE.partitionKey]?.S === orderId);
  if (!item) throw new Error(`${orderId} is not stored`);
  return item;
}

async function placedAt(status: OrderStatus): Promise<Order> {
  const order = newOrder();
  await store.create(order);
  const path: Record<string, [OrderStatus, Partial<Order>][]> = {
    PENDING: [],
    PAYMENT_PROCESSED: [['PAYMENT_PROCESSED', { transactionId: 'txn-first', paymentDate: '2026-01-02T00:00:00.000Z' }]],
    SHIPPED: [
      ['PAYMENT_PROCESSED', { transactionId: 'txn-first', paymentDate: '2026-01-02T00:00:00.000Z' }],
      ['SHIPPED', { trackingNumber: 'TRK-FIRST', estimatedDeliveryDays: 3, estimatedDeliveryDate: '2026-01-05T00:00:00.000Z', shipmentDate: '2026-01-02T00:00:00.000Z' }],
    ],
    DELIVERED: [
      ['PAYMENT_PROCESSED', { transactionId: 'txn-first', paymentDate: '2026-01-02T00:00:00.000Z' }],
      ['SHIPPED', { trackingNumber: 'TRK-FIRST', estimatedDeliveryDays: 3, shipmentDate: '2026-01-02T00:00:00.000Z' }],
      ['DELIVERED', { deliveryDate: '2026-01-05T00:00:00.000Z' }],
    ],
    PAYMENT_FAILED: [['PAYMENT_FAILED', { failureReason: 'PaymentDeclinedError' }]],
  };
  for (const [to, attributes] of path[status]!) expect((await store.transition(order.orderId, to, attributes)).changed).toBe(true);
  return store.require(order.orderId);
}

describe('DynamoDbOrderRepository.transition', () => {
  it('moves an order forward and records the attributes, in and out of the open-orders index', async () => {
    const order = newOrder();
    await store.create(order);
    expect(await stored(order.orderId)).toMatchObject({ [ORDERS_TABLE.openOrdersIndex.partitionKey]: { S: ORDERS_TABLE.openOrdersIndex.marker } });
    const paid = await store.transition(order.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-1', paymentDate: '2026-01-02T00:00:00.000Z', trackingNumber: undefined });
    expect(paid.changed).toBe(true);
    expect(paid.order).toMatchObject({ status: 'PAYMENT_PROCESSED', transactionId: 'txn-1', paymentDate: '2026-01-02T00:00:00.000Z' });
    expect(paid.order).not.toHaveProperty('trackingNumber');
    expect(paid.order.updatedAt > order.updatedAt).toBe(true);
    // Still open, and still due from its creation: the workflow's next step follows within seconds,
    // so the payment does not move the index's sort key (two index writes).
    expect((await stored(order.orderId))[ORDERS_TABLE.openOrdersIndex.sortKey]).toEqual({ S: order.updatedAt });

    const shipped = await store.transition(order.orderId, 'SHIPPED', { trackingNumber: 'TRK-1', estimatedDeliveryDate: '2026-01-09T00:00:00.000Z' });
    // A shipped order is due on its estimated delivery date.
    expect((await stored(order.orderId))[ORDERS_TABLE.openOrdersIndex.sortKey]).toEqual({ S: '2026-01-09T00:00:00.000Z' });
    expect(shipped.order).toMatchObject({ status: 'SHIPPED', transactionId: 'txn-1', trackingNumber: 'TRK-1' });

    await store.transition(order.orderId, 'DELIVERED', { deliveryDate: '2026-01-09T00:00:00.000Z' });
    const item = await stored(order.orderId);
    expect(item.status).toEqual({ S: 'DELIVERED' });
    expect(item).not.toHaveProperty(ORDERS_TABLE.openOrdersIndex.partitionKey);
    expect(item).not.toHaveProperty(ORDERS_TABLE.openOrdersIndex.sortKey);
  });

  it('a late step (payment after shipment) changes nothing and keeps the transaction and tracking ids', async () => {
    const shipped = await placedAt('SHIPPED');
    const late = await store.transition(shipped.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-second', paymentDate: '2026-02-01T00:00:00.000Z' });
    expect(late.changed).toBe(false);
    expect(late.order).toEqual(shipped);
    expect(await store.require(shipped.orderId)).toEqual(shipped);
    expect(shipped).toMatchObject({ status: 'SHIPPED', transactionId: 'txn-first', trackingNumber: 'TRK-FIRST' });
  });

  it('a duplicate step changes nothing and keeps what the first one recorded', async () => {
    const shipped = await placedAt('SHIPPED');
    const again = await store.transition(shipped.orderId, 'SHIPPED', { trackingNumber: 'TRK-SECOND', estimatedDeliveryDays: 9 });
    expect(again).toEqual({ order: shipped, changed: false });
    expect(await store.require(shipped.orderId)).toEqual(shipped);

    const delivered = await placedAt('DELIVERED');
    expect(await store.transition(delivered.orderId, 'SHIPPED', { trackingNumber: 'TRK-LATE' })).toEqual({ order: delivered, changed: false });
    expect(await store.transition(delivered.orderId, 'DELIVERED', { deliveryDate: '2030-01-01T00:00:00.000Z' })).toEqual({ order: delivered, changed: false });
    expect(await store.require(delivered.orderId)).toEqual(delivered);
  });

  it('keeps each status change once in the history, with who made it (the system unless named)', async () => {
    const order = newOrder();
    await store.create(order);
    await store.transition(order.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-h' });
    await store.transition(order.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-again' });
    const staff = { type: 'staff', sub: 'staff-sub-1' } as const;
    const { order: cancelled } = await store.transition(order.orderId, 'CANCELLED', {}, staff);
    expect((await store.transition(order.orderId, 'CANCELLED', {}, { type: 'customer', sub: order.customerId })).changed).toBe(false);
    const history = (await store.require(order.orderId)).history!;
    expect(history.slice(-2)).toEqual([
      { status: 'PAYMENT_PROCESSED', at: expect.any(String), actor: { type: 'system' } },
      { status: 'CANCELLED', at: cancelled.updatedAt, actor: staff },
    ]);
    expect(history.filter((change) => change.status === 'CANCELLED')).toHaveLength(1);
  });

  it('of concurrent steps exactly one wins; every caller gets the winner’s transaction id', async () => {
    const order = newOrder();
    await store.create(order);
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.transition(order.orderId, 'PAYMENT_PROCESSED', { transactionId: `txn-${i}`, paymentDate: `2026-01-0${i + 1}T00:00:00.000Z` })),
    );
    expect(attempts.filter((a) => a.changed)).toHaveLength(1);
    const winner = attempts.find((a) => a.changed)!.order;
    for (const attempt of attempts) expect(attempt.order.transactionId).toBe(winner.transactionId);
    expect((await store.require(order.orderId)).transactionId).toBe(winner.transactionId);

    // Concurrent shipments of that order: one tracking number, kept.
    const shipments = await Promise.all(Array.from({ length: 4 }, (_, i) => store.transition(order.orderId, 'SHIPPED', { trackingNumber: `TRK-${i}` })));
    expect(shipments.filter((s) => s.changed)).toHaveLength(1);
    const tracking = shipments.find((s) => s.changed)!.order.trackingNumber;
    expect(new Set(shipments.map((s) => s.order.trackingNumber))).toEqual(new Set([tracking]));
    expect(await store.require(order.orderId)).toMatchObject({ status: 'SHIPPED', trackingNumber: tracking, transactionId: winner.transactionId });
  });

  it('refuses a transition from a status not allowed before it, changing nothing', async () => {
    const declined = await placedAt('PAYMENT_FAILED');
    const error = await store.transition(declined.orderId, 'SHIPPED', { trackingNumber: 'TRK-X' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(await store.require(declined.orderId)).toEqual(declined);
    const pending = await placedAt('PENDING');
    await expect(store.transition(pending.orderId, 'DELIVERED')).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await store.require(pending.orderId)).toEqual(pending);
  });

  it('a missing order is an OrderNotFoundError, and nothing is created', async () => {
    const orderId = randomUUID();
    await expect(store.transition(orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn' })).rejects.toBeInstanceOf(OrderNotFoundError);
    expect(await store.get(orderId)).toBeUndefined();
  });
});

describe('DynamoDbOrderRepository.claimRecoveryAttempt', () => {
  it('leaves an overdue order alone while it is still moving: the payment keeps the creation\'s due date, its last change does not', async () => {
    // Created (and due) at 2026-01-01, paid just now: overdue in the index, but not stuck.
    const paid = await placedAt('PAYMENT_PROCESSED');
    const fifteenMinutesAgo = new Date(Date.now() - 15 * 60_000).toISOString();
    expect((await store.openOrdersDueBefore(fifteenMinutesAgo, 100)).orderIds).toContain(paid.orderId);
    const before = await stored(paid.orderId);
    expect(await store.claimRecoveryAttempt(paid.orderId, 3, new Date().toISOString(), fifteenMinutesAgo)).toBe('moving');
    expect(await stored(paid.orderId)).toEqual(before);
    // Untouched since before the cutoff: claimed, attempt 1, due again from now.
    const now = new Date().toISOString();
    const claim = await store.claimRecoveryAttempt(paid.orderId, 3, now, new Date(Date.now() + 60_000).toISOString());
    expect(claim).toMatchObject({ attempt: 1, order: { orderId: paid.orderId, status: 'PAYMENT_PROCESSED' } });
    expect((await stored(paid.orderId))[ORDERS_TABLE.openOrdersIndex.sortKey]).toEqual({ S: now });
  });
});

describe('DynamoDbOrderRepository.create and recordNotificationSent', () => {
  it('writes an order once; a second create returns the first with its fingerprint', async () => {
    const order = newOrder();
    expect(await store.create(order, 'fp-1')).toEqual({ order, created: true, fingerprint: 'fp-1' });
    const again = await store.create({ ...order, customerName: 'Mallory' }, 'fp-2');
    expect(again).toEqual({ order, created: false, fingerprint: 'fp-1' });
    expect(await store.require(order.orderId)).toEqual(order); // the fingerprint is never returned
  });

  it('records each sent e-mail kind once, keeps the first shipped date, and the first SES status', async () => {
    const order = newOrder();
    await store.create(order);
    expect((await store.recordEmailSent(order.orderId, 'order-confirmed', '2026-01-01T00:00:00.000Z')).notificationSentDate).toBeUndefined();
    expect((await store.recordEmailSent(order.orderId, 'order-shipped', '2026-01-02T00:00:00.000Z')).notificationSentDate).toBe('2026-01-02T00:00:00.000Z');
    const again = await store.recordEmailSent(order.orderId, 'order-shipped', '2026-01-03T00:00:00.000Z');
    expect(again).toMatchObject({ notificationSentDate: '2026-01-02T00:00:00.000Z', emailsSent: ['order-confirmed', 'order-shipped'] });
    expect((await store.require(order.orderId)).emailsSent).toEqual(['order-confirmed', 'order-shipped']);
    await expect(store.recordEmailSent(randomUUID(), 'order-shipped', '2026-01-03T00:00:00.000Z')).rejects.toThrow();
    expect((await store.recordEmailStatus(order.orderId, 'bounced'))?.emailStatus).toBe('bounced');
    expect((await store.recordEmailStatus(order.orderId, 'complained'))?.emailStatus).toBe('bounced');
    expect(await store.recordEmailStatus(randomUUID(), 'bounced')).toBeUndefined();
  });
});

/** Follows `position` to the end (a loop that never ends is a failure, not a hang). */
async function walk(query: Parameters<DynamoDbOrderRepository['list']>[0]): Promise<{ pages: number; orderIds: string[]; dates: string[] }> {
  const orderIds: string[] = [];
  const dates: string[] = [];
  let position: unknown;
  let pages = 0;
  do {
    const page = await store.list({ ...query, position });
    expect(page.orders.length).toBeLessThanOrEqual(query.limit);
    orderIds.push(...page.orders.map((o) => o.orderId));
    dates.push(...page.orders.map((o) => o.orderDate));
    position = page.position;
    if (++pages > 50) throw new Error(`Paging ${JSON.stringify(query)} did not end after 50 pages`);
  } while (position !== undefined);
  return { pages, orderIds, dates };
}

describe('DynamoDbOrderRepository.list pages to the end: every order once, newest first', () => {
  const customer = `customer-${randomUUID()}`;
  const expected: Order[] = [];
  beforeAll(async () => {
    // 23 orders of one customer in three statuses, interleaved in time.
    const statuses: OrderStatus[] = ['PENDING', 'PAYMENT_PROCESSED', 'SHIPPED'];
    for (let i = 0; i < 23; i++) {
      const order = newOrder({ customerId: customer });
      await store.create(order);
      const status = statuses[i % 3]!;
      if (status !== 'PENDING') await store.transition(order.orderId, 'PAYMENT_PROCESSED', { transactionId: `t-${i}` });
      if (status === 'SHIPPED') await store.transition(order.orderId, 'SHIPPED', { trackingNumber: `k-${i}` });
      expected.push({ ...order, status });
    }
    expected.reverse(); // newest first
  });

  const check = (walked: { orderIds: string[]; dates: string[] }, orders: Order[]) => {
    expect(new Set(walked.orderIds).size).toBe(walked.orderIds.length); // no duplicates
    expect(walked.orderIds).toEqual(orders.map((o) => o.orderId)); // all of them, newest first
    expect([...walked.dates].sort().reverse()).toEqual(walked.dates);
  };

  it("one customer's orders (CustomerIndex)", async () => {
    const walked = await walk({ customerId: customer, limit: 4 });
    expect(walked.pages).toBeGreaterThanOrEqual(6);
    check(walked, expected);
  });

  it("one customer's orders in one status", async () => {
    // A filtered page may hold fewer than `limit`, never a repeat.
    check(await walk({ customerId: customer, status: 'SHIPPED', limit: 3 }), expected.filter((o) => o.status === 'SHIPPED'));
  });

  it('one status across customers (StatusDateIndex), within dates', async () => {
    const shipped = expected.filter((o) => o.status === 'SHIPPED');
    const other = newOrder({ customerId: `customer-${randomUUID()}` });
    await store.create(other);
    const from = shipped.at(-2)!.orderDate;
    const to = shipped[1]!.orderDate;
    check(await walk({ status: 'SHIPPED', limit: 2, from, to }), shipped.slice(1, -1));
    const since = await walk({ status: 'PENDING', limit: 2, from: expected[0]!.orderDate });
    expect(since.orderIds).toEqual([other.orderId]);
    const oldestPending = expected.filter((o) => o.status === 'PENDING').at(-1)!;
    const until = await walk({ status: 'PENDING', limit: 2, to: oldestPending.orderDate });
    expect(until.orderIds[0]).toBe(oldestPending.orderId);
    expect(until.dates.every((date) => date <= oldestPending.orderDate)).toBe(true);
  });

  it('every order (the status partitions merged by date)', async () => {
    const from = expected.at(-1)!.orderDate;
    const to = expected[0]!.orderDate;
    const walked = await walk({ limit: 5, from, to });
    check(walked, expected);
    // The same orders whatever the page size.
    expect((await walk({ limit: 1, from, to })).orderIds).toEqual(walked.orderIds);
    expect((await walk({ limit: 100, from, to })).pages).toBe(1);
  });

  it('counts per status for the customer and dates', async () => {
    const counts = await store.countByStatus({ customerId: customer });
    expect(counts).toEqual({ PENDING: 8, PAYMENT_PROCESSED: 8, SHIPPED: 7, DELIVERED: 0, PAYMENT_FAILED: 0, SHIPMENT_FAILED: 0, CANCELLED: 0, REFUNDED: 0, OUT_OF_STOCK: 0 });
    const from = expected[5]!.orderDate;
    const to = expected[1]!.orderDate;
    const inRange = await store.countByStatus({ customerId: customer, from, to });
    expect(Object.values(inRange).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('refuses a position that is not one it issued', async () => {
    for (const position of [null, 'x', [], { orderId: 'a' }, { PENDING: { orderId: 'x' } }, { NOPE: 'done' }]) {
      await expect(store.list({ limit: 2, position })).rejects.toMatchObject({ name: expect.stringMatching(/Error$/) });
    }
    const first = await store.list({ customerId: customer, limit: 2 });
    // A customer's position used for another customer.
    await expect(store.list({ customerId: 'someone-else', limit: 2, position: first.position })).rejects.toThrow();
  });

  it('open orders due before a cutoff, paged to the end', async () => {
    const cutoff = '2100-01-01T00:00:00.000Z';
    const seen: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await store.openOrdersDueBefore(cutoff, 3, startKey);
      seen.push(...page.orderIds);
      startKey = page.nextKey;
      if (++pages > 100) throw new Error('openOrdersDueBefore did not end');
    } while (startKey);
    expect(new Set(seen).size).toBe(seen.length);
    for (const order of expected) expect(seen).toContain(order.orderId); // none of them is final
    expect(await store.openOrdersDueBefore('2000-01-01T00:00:00.000Z', 3)).toEqual({ orderIds: [], nextKey: undefined });
  });
});

describe('placeOrder with an Idempotency-Key', () => {
  const caller: Caller = { sub: `sub-${randomUUID()}`, email: 'ana@example.com', emailVerified: true, isStaff: false };
  let enqueued: string[];
  const noLimit = { limit: 0, admit: async () => ({ allowed: true }) as const };
  const noneClosed = { close: async () => undefined, isClosed: async () => false };
  const deps = () => ({ orders: store, keys, queue: { enqueue: async (orderId: string) => void enqueued.push(orderId) }, stock: plentifulStock, rateLimiter: noLimit, closedAccounts: noneClosed, tokens: testOrderTokens, onEnqueueFailed: () => undefined });
  beforeEach(() => {
    enqueued = [];
  });
  const ordersOfCaller = async () => (await store.list({ customerId: caller.sub, limit: 100 })).orders.map((o) => o.orderId);

  it('a replay returns the same order and sends its message again', async () => {
    const key = `key-${randomUUID()}`;
    const first = await placeOrder(orderRequest(), key, caller, deps());
    const again = await placeOrder(orderRequest(), key, caller, deps());
    expect(first.created).toBe(true);
    expect(again).toEqual({ order: first.order, created: false });
    expect(enqueued).toEqual([first.order.orderId, first.order.orderId]);
  });

  it('the same key with another body is refused before anything is stored or enqueued', async () => {
    const key = `key-${randomUUID()}`;
    const first = await placeOrder(orderRequest(), key, caller, deps());
    const before = await ordersOfCaller();
    enqueued = [];
    for (const changed of [orderRequest({ items: [{ productId: 'prod-002', quantity: 1 }] }), orderRequest({ customerName: 'Mallory' })]) {
      await expect(placeOrder(changed, key, caller, deps())).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    }
    expect(enqueued).toEqual([]);
    expect(await ordersOfCaller()).toEqual(before);
    expect(await store.require(first.order.orderId)).toEqual(first.order);
  });

  it('without a key every request is a new order', async () => {
    const a = await placeOrder(orderRequest(), undefined, caller, deps());
    const b = await placeOrder(orderRequest(), undefined, caller, deps());
    expect(a.order.orderId).not.toBe(b.order.orderId);
    expect(enqueued).toEqual([a.order.orderId, b.order.orderId]);
  });

  it('an order stored but not enqueued is reported, and the request still succeeds', async () => {
    const failed: string[] = [];
    const placed = await placeOrder(orderRequest(), undefined, caller, {
      orders: store,
      keys,
      stock: plentifulStock,
      tokens: testOrderTokens,
      queue: {
        enqueue: async () => {
          throw new Error('queue down');
        },
      },
      rateLimiter: noLimit,
      closedAccounts: noneClosed,
      onEnqueueFailed: (orderId) => void failed.push(orderId),
    });
    expect(failed).toEqual([placed.order.orderId]);
    expect(await store.get(placed.order.orderId)).toEqual(placed.order);
  });
});
