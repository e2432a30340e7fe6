/**
 * The DynamoDB adapters' edges (`amplify/server/aws/dynamodb-order-*.ts`), against the local
 * DynamoDB (dynalite in memory) where it can show them, and against a scripted client where only
 * AWS could (a record deleted between two calls, a second page of counts, an error that is not a
 * condition failure, a read that must be strongly consistent): order-number lookup, recovery
 * attempts, positions that are not the index's, the items written for final orders.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { storedOrder } from '../fixtures.ts';
import { DynamoDbOrderKeys, orderKeyRecordId } from '../../amplify/server/aws/dynamodb-order-keys.ts';
import { createDocumentClient, nextStepDueAt, storedItem } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';
import { invalidPageToken } from '../../amplify/server/page-token.ts';
import { ORDER_KEYS } from '../../amplify/server/settings/api.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb/dynamodb.ts';

let dynamo: LocalDynamo;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamo(undefined);
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

/** Built inside each test: what runs in a hook is not seen per test by the mutation run. */
const repository = () => new DynamoDbOrderRepository(createDocumentClient(client), ORDERS_TABLE.localName);

function newOrder(overrides: Partial<Order> = {}): Order {
  return storedOrder(new Date().toISOString(), { customerId: `customer-${randomUUID()}`, ...overrides });
}

/** A document client that answers each command with `answer` and records the commands. */
function scripted(answer: (command: { constructor: { name: string }; input: Record<string, unknown> }) => unknown) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const db = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return answer(command);
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sent };
}
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('the stored item', () => {
  it('keeps an open order in the open-orders index and a final one out of it, with its fingerprint', () => {
    const open = newOrder();
    expect(storedItem(open, 'fp')).toEqual({ ...open, requestFingerprint: 'fp', [ORDERS_TABLE.openOrdersIndex.partitionKey]: ORDERS_TABLE.openOrdersIndex.marker, [ORDERS_TABLE.openOrdersIndex.sortKey]: open.updatedAt });
    const delivered = newOrder({ status: 'DELIVERED' });
    expect(storedItem(delivered, 'fp')).toEqual({ ...delivered, requestFingerprint: 'fp' });
  });

  it('is due on the estimated delivery date only once shipped', () => {
    const base = { updatedAt: '2026-01-01T00:00:00.000Z', estimatedDeliveryDate: '2026-01-09T00:00:00.000Z' };
    expect(nextStepDueAt({ ...base, status: 'SHIPPED' })).toBe('2026-01-09T00:00:00.000Z');
    expect(nextStepDueAt({ ...base, status: 'PAYMENT_PROCESSED' })).toBe('2026-01-01T00:00:00.000Z');
    expect(nextStepDueAt({ status: 'SHIPPED', updatedAt: base.updatedAt })).toBe('2026-01-01T00:00:00.000Z');
  });

  it('writes an order without a fingerprint (undefined attributes are left out) and a final one outside the open-orders index', async () => {
    const store = repository();
    const order = newOrder();
    expect(await store.create(order)).toEqual({ order, created: true, fingerprint: undefined });
    // An optional attribute left undefined inside a map is left out, not an error.
    const noState = newOrder({ shippingAddress: { street: 'Rua Augusta 1', city: 'Lisboa', state: undefined as unknown as string, zipCode: '1100-048', country: 'Portugal' } });
    await store.create(noState);
    expect((await store.require(noState.orderId)).shippingAddress).toEqual({ street: 'Rua Augusta 1', city: 'Lisboa', zipCode: '1100-048', country: 'Portugal' });
    const cancelled = newOrder({ status: 'CANCELLED' });
    await store.create(cancelled, 'fp');
    const due = await store.openOrdersDueBefore('2100-01-01T00:00:00.000Z', 1000);
    expect(due.orderIds).toContain(order.orderId);
    expect(due.orderIds).not.toContain(cancelled.orderId);
  });
});

describe('findByOrderNumber', () => {
  it('finds the order carrying a number, and nothing for an unknown number', async () => {
    const store = repository();
    const order = newOrder();
    await store.create(order);
    expect(await store.findByOrderNumber(order.orderNumber!)).toEqual([order]);
    expect(await store.findByOrderNumber('0000-0000-0000')).toEqual([]);
  });

  it('leaves out an index entry whose order is gone', async () => {
    const kept = newOrder();
    const { db, sent } = scripted((command) => {
      if (command instanceof QueryCommand) return { Items: [{ orderId: 'gone' }, { orderId: kept.orderId }] };
      return { Item: command.input.Key && (command.input.Key as { orderId: string }).orderId === kept.orderId ? kept : undefined };
    });
    expect(await new DynamoDbOrderRepository(db, 'orders').findByOrderNumber(kept.orderNumber!)).toEqual([kept]);
    expect(sent[0]).toMatchObject({ name: 'QueryCommand', input: { IndexName: ORDERS_TABLE.orderNumberIndex.name, ExpressionAttributeValues: { ':number': kept.orderNumber } } });
    // No Items in the answer: nothing is read.
    const none = scripted((command) => (command instanceof QueryCommand ? {} : { Item: kept }));
    expect(await new DynamoDbOrderRepository(none.db, 'orders').findByOrderNumber(kept.orderNumber!)).toEqual([]);
  });
});

describe('claimRecoveryAttempt', () => {
  it('counts attempts up to the cap, makes the order due again, then answers exhausted', async () => {
    const store = repository();
    const order = newOrder({ updatedAt: '2026-01-01T00:00:00.000Z' });
    await store.create(order);
    const first = await store.claimRecoveryAttempt(order.orderId, 2, '2030-01-01T00:00:00.000Z');
    expect(first).toEqual({ order, attempt: 1 });
    // Due again from `now`: not before it.
    expect((await store.openOrdersDueBefore('2030-01-01T00:00:00.000Z', 1000)).orderIds).not.toContain(order.orderId);
    expect((await store.openOrdersDueBefore('2030-01-01T00:00:00.001Z', 1000)).orderIds).toContain(order.orderId);
    expect(await store.claimRecoveryAttempt(order.orderId, 2, '2030-01-02T00:00:00.000Z')).toEqual({ order, attempt: 2 });
    expect(await store.claimRecoveryAttempt(order.orderId, 2, '2030-01-03T00:00:00.000Z')).toBe('exhausted');
    expect(await store.claimRecoveryAttempt(order.orderId, 3, '2030-01-03T00:00:00.000Z')).toEqual({ order, attempt: 3 });
  });

  it('answers closed for an order that is no longer open or does not exist', async () => {
    const store = repository();
    const delivered = newOrder({ status: 'DELIVERED' });
    await store.create(delivered);
    expect(await store.claimRecoveryAttempt(delivered.orderId, 3, '2030-01-01T00:00:00.000Z')).toBe('closed');
    expect(await store.claimRecoveryAttempt(randomUUID(), 3, '2030-01-01T00:00:00.000Z')).toBe('closed');
  });

  it('lets any other failure through', async () => {
    const { db } = scripted((command) => (command instanceof GetCommand ? { Item: { orderId: 'o', openMarker: 'OPEN' } } : Promise.reject(new Error('throttled'))));
    await expect(new DynamoDbOrderRepository(db, 'orders').claimRecoveryAttempt('o', 3, '2030-01-01T00:00:00.000Z')).rejects.toThrow('throttled');
  });
});

describe('positions and counts', () => {
  it("refuses a position that is not an object or not the index's keys", async () => {
    const store = repository();
    const customerId = `customer-${randomUUID()}`;
    // The page token's own error (a 400 naming nextToken), never a TypeError or a DynamoDB error.
    const tokenError = invalidPageToken();
    const refused = { name: tokenError.name, message: tokenError.message };
    for (const position of ['x', 'abc', 5, null, [], true]) {
      await expect(store.list({ customerId, limit: 2, position })).rejects.toMatchObject(refused);
      await expect(store.list({ status: 'SHIPPED', limit: 2, position })).rejects.toMatchObject(refused);
      await expect(store.list({ limit: 2, position: { PENDING: position } })).rejects.toMatchObject(refused);
    }
    // A status's position used for another status, in one list or in the merged one.
    const pending = { orderId: randomUUID(), status: 'PENDING', orderDate: '2026-01-01T00:00:00.000Z' };
    await expect(store.list({ status: 'SHIPPED', limit: 2, position: pending })).rejects.toMatchObject(refused);
    await expect(store.list({ limit: 2, position: { SHIPPED: pending } })).rejects.toMatchObject(refused);
    expect(await store.list({ status: 'PENDING', limit: 2, position: pending })).toEqual(expect.objectContaining({ orders: expect.any(Array) }));
    expect(await store.list({ limit: 2, position: { PENDING: pending } })).toEqual(expect.objectContaining({ orders: expect.any(Array) }));
  });

  it('answers no due orders when DynamoDB answers no Items', async () => {
    const { db } = scripted(() => ({}));
    expect(await new DynamoDbOrderRepository(db, 'orders').openOrdersDueBefore('2030-01-01T00:00:00.000Z', 5)).toEqual({ orderIds: [], nextKey: undefined });
  });

  it('adds up the counts of every page DynamoDB answers', async () => {
    let calls = 0;
    const { db, sent } = scripted((command) => {
      const input = command.input as { ExpressionAttributeValues: { ':pk': string }; ExclusiveStartKey?: unknown };
      if (input.ExpressionAttributeValues[':pk'] !== 'SHIPPED') return { Count: 0 };
      calls += 1;
      return input.ExclusiveStartKey ? { Count: 3 } : { Count: 2, LastEvaluatedKey: { orderId: 'k' } };
    });
    const counts = await new DynamoDbOrderRepository(db, 'orders').countByStatus({});
    expect(counts.SHIPPED).toBe(5);
    expect(calls).toBe(2);
    expect(sent.filter((c) => (c.input.ExpressionAttributeValues as Record<string, string>)[':pk'] === 'SHIPPED').map((c) => c.input.ExclusiveStartKey)).toEqual([undefined, { orderId: 'k' }]);
  });
});

describe('reads after a failed condition', () => {
  it('a create that lost to a record since deleted, or failed otherwise, throws that error', async () => {
    const order = newOrder();
    const lost = scripted((command) => (command instanceof PutCommand ? Promise.reject(conditionFailed()) : {}));
    await expect(new DynamoDbOrderRepository(lost.db, 'orders').create(order)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    // The stored order is read strongly consistent: it was written a moment ago.
    expect(lost.sent[1]).toMatchObject({ name: 'GetCommand', input: { Key: { orderId: order.orderId }, ConsistentRead: true } });
  });

  it('the key store returns the earlier record, read strongly consistent; a lost record or another failure is thrown', async () => {
    const earlier = { orderId: 'first', fingerprint: 'fp-1' };
    const held = scripted((command) => (command instanceof PutCommand ? Promise.reject(conditionFailed()) : { Item: { id: 'x', ...earlier } }));
    expect(await new DynamoDbOrderKeys(held.db, 'keys').claim('sub', 'key', { orderId: 'second', fingerprint: 'fp-2' })).toEqual(earlier);
    expect(held.sent.map((c) => c.name)).toEqual(['PutCommand', 'GetCommand']);
    expect(held.sent[1]!.input).toMatchObject({ ConsistentRead: true, Key: { [Object.keys(held.sent[1]!.input.Key as object)[0]!]: orderKeyRecordId('sub', 'key') } });

    const gone = scripted((command) => (command instanceof GetCommand ? {} : Promise.reject(conditionFailed())));
    await expect(new DynamoDbOrderKeys(gone.db, 'keys').claim('sub', 'key', earlier)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const down = scripted(() => Promise.reject(new Error('unavailable')));
    await expect(new DynamoDbOrderKeys(down.db, 'keys').claim('sub', 'key', earlier)).rejects.toThrow('unavailable');
    expect(down.sent.map((c) => c.name)).toEqual(['PutCommand']);
  });

  it('a key record expires (TTL, epoch seconds) a day after it is written, so keys are not kept forever', async () => {
    const fresh = scripted(() => ({}));
    const before = Math.floor(Date.now() / 1000);
    await new DynamoDbOrderKeys(fresh.db, 'keys').claim('sub', 'key', { orderId: 'o', fingerprint: 'fp' });
    const expiration = (fresh.sent[0]!.input.Item as Record<string, number>)[IDEMPOTENCY_TABLE.ttlAttribute]!;
    expect(expiration - before).toBeGreaterThanOrEqual(ORDER_KEYS.expiresAfterSeconds);
    expect(expiration - before).toBeLessThanOrEqual(ORDER_KEYS.expiresAfterSeconds + 1);
    expect(ORDER_KEYS.expiresAfterSeconds).toBe(24 * 60 * 60);
  });

  it("a key record's id is a SHA-256 of the caller and the key together", () => {
    const id = orderKeyRecordId('sub-a', 'key-1');
    expect(id).toMatch(/^order-key#[0-9a-f]{64}$/);
    expect(orderKeyRecordId('sub-a', 'key-1')).toBe(id);
    expect(new Set([id, orderKeyRecordId('sub-b', 'key-1'), orderKeyRecordId('sub-a', 'key-2')]).size).toBe(3);
  });
});
