/**
 * The recovery job at the seed's volume (issue 11): 10,000 open orders in the local DynamoDB, almost
 * all of them shipped and waiting for their delivery date, a few stuck. One run of the real
 * `recover-orders` handler (its AWS calls counted by the local stack's proxies) finds exactly the
 * stuck ones through the open-orders index, without looking at any order in transit, and ends
 * well inside the function's timeout by its own deadline. A run out of time stops early and still
 * publishes its metrics.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { createDocumentClient, storedItem } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';
import { FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { RECOVERY } from '../../amplify/server/settings/recovery.ts';
import { ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { createUser, startTestStack, waitForFinal, type TestUser } from '../helpers/stack.ts';

const OPEN_ORDERS = 10_000;
const STUCK = 12; // PENDING for an hour: their queue message was lost
const IN_FLIGHT = 40; // PENDING or paid a moment ago: the workflow is on it
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let stack: Awaited<ReturnType<typeof startTestStack>>;
/** The seeded orders belong to many customers: staff can read them all. */
let staff: TestUser;
const stuckIds: string[] = [];

function order(status: Order['status'], updatedAt: Date, extra: Partial<Order> = {}): Order {
  return {
    orderId: randomUUID(),
    customerId: `customer-${Math.floor(Math.random() * 500)}`,
    customerName: 'Ana García',
    customerEmail: 'ana@example.com',
    orderDate: new Date(updatedAt.getTime() - 10 * MINUTE).toISOString(),
    status,
    totalAmount: 99.98,
    paymentMethod: 'credit_card',
    items: [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 2, price: 49.99 }],
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
    updatedAt: updatedAt.toISOString(),
    ...extra,
  };
}

/** Shipped 0-3 days ago with 2-5 days to deliver, delivery still ahead: in transit, not stuck. */
function inTransit(now: number): Order {
  const days = 2 + Math.floor(Math.random() * 4);
  const shipped = new Date(now - Math.random() * (days - 0.1) * DAY);
  return order('SHIPPED', shipped, {
    transactionId: `txn_${randomUUID()}`,
    paymentDate: shipped.toISOString(),
    shipmentDate: shipped.toISOString(),
    trackingNumber: 'TRK000000000000',
    estimatedDeliveryDays: days,
    estimatedDeliveryDate: new Date(shipped.getTime() + days * DAY).toISOString(),
  });
}

beforeAll(async () => {
  // The local stack's own periodic recovery stays out of the way: this file runs the job itself.
  stack = await startTestStack({ instrument: true, recoveryIntervalMs: 24 * 60 * MINUTE });
  staff = await createUser(stack, { staff: true });
  // The local stack turns Powertools metrics off; this file reads what the job publishes: the
  // tests below import the handler afresh (a new Lambda instance), its Metrics created after this.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  vi.resetModules();
  const now = Date.now();
  const orders: Order[] = [];
  for (let i = 0; i < STUCK; i++) {
    const stuck = order('PENDING', new Date(now - 60 * MINUTE));
    stuckIds.push(stuck.orderId);
    orders.push(stuck);
  }
  for (let i = 0; i < IN_FLIGHT; i++) orders.push(order(i % 2 ? 'PENDING' : 'PAYMENT_PROCESSED', new Date(now - Math.random() * MINUTE)));
  while (orders.length < OPEN_ORDERS) orders.push(inTransit(now));

  // Straight into DynamoDB (not through the counting proxy), as the store writes them.
  const db = createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb }));
  const batches: Order[][] = [];
  for (let i = 0; i < orders.length; i += 25) batches.push(orders.slice(i, i + 25));
  const write = async (batch: Order[]) => {
    let items = batch.map((o) => ({ PutRequest: { Item: { ...storedItem(o) } as Record<string, unknown> } }));
    while (items.length > 0) {
      const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [ORDERS_TABLE.localName]: items } }));
      items = (UnprocessedItems?.[ORDERS_TABLE.localName] ?? []) as typeof items;
    }
  };
  for (let i = 0; i < batches.length; i += 8) await Promise.all(batches.slice(i, i + 8).map(write));
  db.destroy();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

const context = (remainingMs: number) =>
  ({ functionName: FUNCTIONS.recoverOrders.name, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

/** The Powertools metrics (EMF lines) a call writes to stdout. */
async function capturingMetrics<T>(run: () => Promise<T>): Promise<{ result: T; metrics: Record<string, unknown>[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const result = await run();
    return { result, metrics: lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l)) };
  } finally {
    spy.mockRestore();
  }
}

describe('recovery at 10,000 open orders', () => {
  it('the open-orders index yields only the overdue orders, in bounded pages, most overdue first', async () => {
    const db = createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb }));
    const store = new DynamoDbOrderRepository(db, ORDERS_TABLE.localName);
    const cutoff = new Date(Date.now() - RECOVERY.staleAfterMinutes * MINUTE).toISOString();
    const pages: string[][] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await store.openOrdersDueBefore(cutoff, 5, startKey);
      pages.push(page.orderIds);
      startKey = page.nextKey;
    } while (startKey);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat().sort()).toEqual([...stuckIds].sort());
    db.destroy();
  });

  it('one run finds exactly the stuck orders through the index, touching no order in transit, within the timeout', async () => {
    const { handler } = await stack.inFunction('recoverOrders', () => import('../../amplify/functions/recover-orders/handler.ts'));
    const { sqs, dynamodb } = stack.services!;
    const before = {
      claims: dynamodb.byTable.get(`${ORDERS_TABLE.localName}:UpdateItem`) ?? 0,
      send: sqs.count('SendMessage'),
      query: dynamodb.byTable.get(`${ORDERS_TABLE.localName}:Query`) ?? 0,
      scan: dynamodb.count('Scan'),
    };
    const started = Date.now();
    const { result: report, metrics } = await capturingMetrics(() =>
      stack.inFunction('recoverOrders', () => handler({} as ScheduledEvent, context(FUNCTIONS.recoverOrders.timeoutSeconds * 1000))),
    );
    const elapsedMs = Date.now() - started;

    expect(report.enqueued.sort()).toEqual([...stuckIds].sort());
    expect(report).toMatchObject({ examined: STUCK, restarted: [], gaveUp: [], failed: [], stoppedEarly: false, pages: 1 });
    // Per stuck order: one conditional UpdateItem (its recovery attempt claimed) and one
    // SendMessage; no Step Functions call (Express has no DescribeExecution; none is needed).
    // (UpdateItem calls counted now may include process-order's, on the re-enqueued orders.)
    expect((dynamodb.byTable.get(`${ORDERS_TABLE.localName}:UpdateItem`) ?? 0) - before.claims).toBeGreaterThanOrEqual(STUCK);
    expect(sqs.count('SendMessage') - before.send).toBe(STUCK);
    // (No execution restarted: StartExecution calls counted now are order-starter's, picking up the re-enqueued orders.)
    // One keys-only page from the index, and no scan. (GetItem calls now are process-order's.)
    expect((dynamodb.byTable.get(`${ORDERS_TABLE.localName}:Query`) ?? 0) - before.query).toBe(1);
    expect(dynamodb.count('Scan') - before.scan).toBe(0);
    // Finished before its own deadline (the timeout less RECOVERY.stopBeforeTimeoutSeconds).
    expect(report.stoppedEarly).toBe(false);
    const published = metrics.find((m) => 'OrdersExamined' in m)!;
    expect(published).toMatchObject({ OrdersExamined: STUCK, OrdersReenqueued: STUCK, RecoveryStoppedEarly: 0 });
    console.log(`recovery run over ${OPEN_ORDERS} open orders: ${report.examined} examined, ${report.enqueued.length} re-enqueued, ${elapsedMs} ms`);

    // And the re-enqueued orders go on to a final status.
    for (const orderId of stuckIds) expect((await waitForFinal(stack, orderId, 60_000, staff)).status).toBe('DELIVERED');
    await stack.stepFunctions.idle();
  }, 120_000);

  it('a run with no time left stops before starting any order and still publishes its metrics', async () => {
    const { handler } = await stack.inFunction('recoverOrders', () => import('../../amplify/functions/recover-orders/handler.ts'));
    // Exactly the margin left: the deadline is now, so no order is started.
    const { result: report, metrics } = await capturingMetrics(() =>
      stack.inFunction('recoverOrders', () => handler({} as ScheduledEvent, context(RECOVERY.stopBeforeTimeoutSeconds * 1000))),
    );
    expect(report).toMatchObject({ examined: 0, stoppedEarly: true, enqueued: [] });
    expect(metrics.find((m) => 'RecoveryStoppedEarly' in m)).toMatchObject({ RecoveryStoppedEarly: 1, OrdersExamined: 0 });
  });
});
