/**
 * The list methods read the orders of an index page by id (BatchGetItem): the customer and status
 * indexes hold keys and a filter attribute only. What a local DynamoDB never does is tested here
 * with a mocked client: unprocessed keys, answers in another order, a page whose orders changed.
 */
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OrdersUnreadError } from '../../amplify/server/aws/dynamodb-order-lists.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'orders-table';
const repository = new DynamoDbOrderRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), TABLE);

const ids = ['a', 'b', 'c'].map((c) => `${c.repeat(8)}-${c.repeat(4)}-4${c.repeat(3)}-8${c.repeat(3)}-${c.repeat(12)}`);
const entry = (orderId: string, status = 'PENDING') => ({ orderId, customerId: 'customer-a', orderDate: `2026-01-0${ids.indexOf(orderId) + 1}T00:00:00.000Z`, status });
const item = (orderId: string, status = 'PENDING') => ({ ...entry(orderId, status), customerName: 'Ana', totalAmount: 10 });

beforeEach(() => {
  ddb.reset();
  vi.useFakeTimers({ toFake: ['setTimeout'] });
});
afterAll(() => {
  ddb.restore();
  vi.useRealTimers();
});

describe('order lists read by id', () => {
  it('keep the index order whatever order BatchGetItem answers in, and ask again for unprocessed keys', async () => {
    ddb.on(QueryCommand).resolves({ Items: ids.map((id) => entry(id)) });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [item(ids[2]!)] }, UnprocessedKeys: { [TABLE]: { Keys: [{ orderId: ids[0] }, { orderId: ids[1] }] } } })
      .resolvesOnce({ Responses: { [TABLE]: [item(ids[1]!), item(ids[0]!)] } });
    const listing = repository.list({ customerId: 'customer-a', limit: 20 });
    await vi.runAllTimersAsync();
    const { orders } = await listing;
    expect(orders.map((o) => o.orderId)).toEqual(ids);
    const calls = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]?.Keys);
    expect(calls).toEqual([ids.map((orderId) => ({ orderId })), [{ orderId: ids[0] }, { orderId: ids[1] }]]);
  });

  it('fail with OrdersUnreadError, not a short page, when keys stay unprocessed through every retry', async () => {
    ddb.on(QueryCommand).resolves({ Items: [entry(ids[0]!)] });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [{ orderId: ids[0] }] } } });
    const listing = repository.list({ customerId: 'customer-a', limit: 20 });
    const failed = expect(listing).rejects.toBeInstanceOf(OrdersUnreadError);
    await vi.runAllTimersAsync();
    await failed;
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(5);
  });

  it('list an order once when it is in two status partitions, and a status filter keeps only orders still in that status', async () => {
    // Every order: one status partition per query; an order that moved between two queries is in both.
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
      const status = input.ExpressionAttributeValues[':pk'];
      if (status === 'PENDING') return { Items: [entry(ids[0]!, 'PENDING')] };
      if (status === 'PAYMENT_PROCESSED') return { Items: [entry(ids[0]!, 'PAYMENT_PROCESSED'), entry(ids[1]!, 'PAYMENT_PROCESSED')] };
      return { Items: [] };
    });
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { orderId: string }[] }> }) => ({
      Responses: { [TABLE]: input.RequestItems[TABLE]!.Keys.map(({ orderId }) => item(orderId, 'PAYMENT_PROCESSED')) },
    }));
    const all = await repository.list({ limit: 20 });
    expect(all.orders.map((o) => o.orderId).sort()).toEqual([ids[0], ids[1]].sort());
    // Staff ask for PENDING: the index still lists the first order there, but it has been paid.
    const pending = await repository.list({ status: 'PENDING', limit: 20 });
    expect(pending.orders).toEqual([]);
  });
});
