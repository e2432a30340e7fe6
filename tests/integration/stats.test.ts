/**
 * The shop's per-day figures (issue 27) against the workflow run locally: after a mix of delivered,
 * declined, cancelled, refunded and unshipped orders, `GET /stats` gives exactly what the orders'
 * histories give (scripts/stats-lib.ts, worked out without the counters' code); steps run again,
 * a duplicated start, a recovery restart of a failed execution, a recovery run and repeated API
 * requests count nothing twice; a customer
 * gets 403 and bad ranges 400; the backfill rebuilds the same counters, twice over.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTES } from '../../amplify/domain/api.ts';
import type { Order } from '../../amplify/domain/order.ts';
import type { StatsResponse } from '../../amplify/domain/stats-summary.ts';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { ORDERS_TABLE, STATS_TABLE } from '../../amplify/server/settings/tables.ts';
import type { ProcessOrderAction } from '../../amplify/server/workflow.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { backfillStats, statsMismatches } from '../../scripts/stats-lib.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, postOrder, startTestStack, until, waitForFinal, type TestUser } from '../helpers/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let staff: TestUser;
/** While set, the payment step of this order waits for `released`. */
let hold: { orderId: string; released: Promise<void> } | undefined;
/** While set, the reservation step of this order runs after `drain` (staff take the stock away). */
let shortOf: { orderId: string; drain: () => Promise<void> } | undefined;
/** Orders whose shipment (and the marking of its failure) keeps failing: their execution fails. */
const brokenShipments = new Set<string>();

const dayShift = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const from = dayShift(-1);
const to = dayShift(1);

async function start() {
  stack = await startTestStack({
    taskHook: async (state, input, invoke) => {
      const orderId = (input as { orderId?: string }).orderId;
      if (state === 'ProcessPayment' && hold && orderId === hold.orderId) await hold.released;
      if (state === 'ReserveStock' && shortOf && orderId === shortOf.orderId) await shortOf.drain();
      if ((state === 'ArrangeShipment' || state === 'MarkShipmentFailed') && orderId && brokenShipments.has(orderId)) throw new Error('Injected: the step keeps failing');
      return invoke(input);
    },
  });
  staff = await createUser(stack, { staff: true });
}

/** The simulated provider approves every charge, or declines every one (the module the stack runs). */
async function payments(approve: boolean) {
  (await import('../../amplify/functions/process-order/handler.ts')).paymentProvider.successRate = approve ? 1 : 0;
}

beforeAll(async () => start());
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

const stats = async (as: TestUser | null = staff, query = `?from=${from}&to=${to}`) => api(stack, `${ROUTES.stats}${query}`, {}, as);

async function allOrders(): Promise<Order[]> {
  const orders: Order[] = [];
  let nextToken: string | undefined;
  do {
    const { body } = await api(stack, `${ROUTES.orders}?limit=100${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, {}, staff);
    orders.push(...(body.orders as Order[]));
    nextToken = body.nextToken;
  } while (nextToken);
  return orders;
}

async function expectReconciled(): Promise<StatsResponse> {
  await stack.idle();
  const { status, body } = await stats();
  expect(status).toBe(200);
  expect(statsMismatches(body as StatsResponse, await allOrders(), 'UTC')).toEqual([]);
  return body as StatsResponse;
}

const placeAndFinish = async () => {
  const { body } = await postOrder(stack, orderRequest());
  return waitForFinal(stack, body.orderId);
};

const orders: Record<string, string[]> = { delivered: [], declined: [], cancelled: [], refunded: [], outOfStock: [] };

/** Staff set a product's stock (`PUT /products/{productId}/stock`). */
const setStock = async (productId: string, available: number) =>
  expect((await api(stack, ROUTES.productStock.replace('{productId}', productId), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ available, reason: 'stats test' }) }, staff)).status).toBe(200);

it('after delivered, declined, cancelled, refunded and out-of-stock orders, GET /stats equals what the orders say', async () => {
  for (let i = 0; i < 3; i++) orders.delivered!.push((await placeAndFinish()).orderId);
  await payments(false);
  for (let i = 0; i < 2; i++) orders.declined!.push((await placeAndFinish()).orderId);
  await payments(true);
  // Cancelled before its payment: the payment step waits until the customer has cancelled.
  let release!: () => void;
  const { body: placed } = await postOrder(stack, orderRequest());
  hold = { orderId: placed.orderId, released: new Promise<void>((resolve) => (release = resolve)) };
  const cancel = await api(stack, ROUTES.cancelOrder.replace('{orderId}', placed.orderId), { method: 'POST' });
  expect(cancel.status).toBe(200);
  release();
  orders.cancelled!.push((await waitForFinal(stack, placed.orderId)).orderId);
  // A return: staff refund a delivered order.
  const returned = (await placeAndFinish()).orderId;
  expect((await api(stack, ROUTES.refundOrder.replace('{orderId}', returned), { method: 'POST' }, staff)).status).toBe(200);
  await until(async () => (await api(stack, `/orders/${returned}`)).body.refundStatus === 'refunded');
  orders.refunded!.push(returned);
  // Out of stock: accepted at POST /orders, then the stock is gone before its reservation step runs.
  const { body: short } = await postOrder(stack, orderRequest());
  shortOf = { orderId: short.orderId, drain: () => setStock('prod-012', 0) };
  expect(await waitForFinal(stack, short.orderId)).toMatchObject({ status: 'OUT_OF_STOCK' });
  shortOf = undefined;
  await setStock('prod-012', 10_000);
  orders.outOfStock!.push(short.orderId);

  const body = await expectReconciled();
  const today = body.days.find((d) => d.date === new Date().toISOString().slice(0, 10))!;
  expect(today).toMatchObject({ orders: 8, paid: 4, declined: 2, cancelled: 1, refunded: 1, outOfStock: 1 });
  // Every order is the same: 4 paid, 1 returned.
  const one = (await api(stack, `/orders/${returned}`)).body.totalAmount as number;
  expect(today.revenue).toBeCloseTo(3 * one, 2);
  expect(body.totals).toMatchObject({ orders: 8, revenue: today.revenue, declineRate: Number((2 / 6).toFixed(4)), cancelRate: Number((1 / 8).toFixed(4)), outOfStock: 1 });
  expect(body.totals.averageOrderValue).toBeCloseTo(one, 2);
  expect(body.topProducts.map((p) => [p.productId, p.units])).toEqual([
    ['prod-001', 6],
    ['prod-012', 3],
  ]);
  expect(body.topProducts[0]!.name).toBe('Wireless Headphones');
  expect(body.fulfilment.paidToShippedSeconds).toBeGreaterThanOrEqual(0);
  expect(body.days.map((d) => d.date)).toEqual([from, dayShift(0), to]);
});

it('steps run again, a duplicated start, repeated requests and a recovery run count nothing twice', async () => {
  const before = (await stats()).body;
  const { runStep } = await import('../../amplify/functions/process-order/handler.ts');
  const invocation = { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:process-order' };
  const again = async (orderId: string, actions: ProcessOrderAction[]) => {
    for (const action of actions) await stack.inFunction('processOrder', () => runStep({ action, orderId }, invocation)).catch(() => undefined);
  };
  for (const orderId of orders.delivered!) await again(orderId, ['process_payment', 'arrange_shipment', 'confirm_delivery', 'send_notification']);
  for (const orderId of orders.declined!) await again(orderId, ['process_payment', 'mark_payment_failed']);
  for (const orderId of [...orders.cancelled!, ...orders.refunded!]) await again(orderId, ['compensate', 'process_payment']);
  for (const orderId of orders.outOfStock!) await again(orderId, ['reserve_stock', 'process_payment']);
  // A duplicated start of a delivered order (Express does not deduplicate; recovery restarts do the same).
  const dup = orders.delivered![0]!;
  stack.stepFunctions.startExecution({ stateMachineArn: stack.stepFunctions.stateMachineArn, name: `${dup}-dup`, input: JSON.stringify({ orderId: dup }) });
  await stack.stepFunctions.idle();
  // The same requests again: a cancel and a refund already made.
  await api(stack, ROUTES.cancelOrder.replace('{orderId}', orders.cancelled![0]!), { method: 'POST' });
  await api(stack, ROUTES.refundOrder.replace('{orderId}', orders.refunded![0]!), { method: 'POST' }, staff);
  await stack.recover(0);
  expect(await expectReconciled()).toEqual(before);
});

it('an order whose execution failed half-way, restarted by the recovery job, counts each change once', async () => {
  const before = (await stats()).body as StatsResponse;
  const { body } = await postOrder(stack, orderRequest());
  const orderId = body.orderId as string;
  brokenShipments.add(orderId);
  await until(() => stack.stepFunctions.list().some((e) => e.name === orderId && e.status === 'FAILED'), 30_000);
  expect((await api(stack, `/orders/${orderId}`)).body.status).toBe('PAYMENT_PROCESSED');
  brokenShipments.delete(orderId);
  expect((await stack.recover(0)).restarted).toEqual([orderId]);
  expect((await waitForFinal(stack, orderId)).status).toBe('DELIVERED');
  const after = await expectReconciled();
  const today = (r: StatsResponse) => r.days.find((d) => d.date === dayShift(0))!;
  expect(today(after).orders - today(before).orders).toBe(1);
  expect(today(after).paid - today(before).paid).toBe(1);
  expect(after.totals.orders - before.totals.orders).toBe(1);
});

it('a customer gets 403, a bad or missing date or more than a year 400 naming the field', async () => {
  const customer = await stats(stack.customer);
  expect(customer.status).toBe(403);
  expect((await stats(null)).status).toBe(401);
  const cases: [string, string][] = [
    ['', 'from'],
    [`?from=${from}`, 'to'],
    [`?from=2026-02-30&to=${to}`, 'from'],
    [`?from=${from}&to=tomorrow`, 'to'],
    [`?from=${to}&to=${from}`, 'to'],
    ['?from=2025-01-01&to=2026-01-02', 'to'],
    [`?from=${from}&to=${to}&shop=1`, 'shop'],
  ];
  for (const [query, field] of cases) {
    const { status, body } = await stats(staff, query);
    expect(status, query).toBe(400);
    expect(body.details.map((d: { path: string }) => d.path), query).toContain(field);
  }
  expect((await stats(staff, '?from=2025-01-01&to=2026-01-01')).status).toBe(200);
});

it('the backfill builds the same counters from the orders, and again the same (idempotent)', async () => {
  const before = (await stats()).body;
  const db = createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb }));
  const partition = `${STATS_TABLE.dayPartitionPrefix}UTC`;
  const { Items = [] } = await db.send(new QueryCommand({ TableName: STATS_TABLE.localName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': STATS_TABLE.partitionKey }, ExpressionAttributeValues: { ':pk': partition } }));
  expect(Items.length).toBeGreaterThan(0);
  for (const item of Items) await db.send(new DeleteCommand({ TableName: STATS_TABLE.localName, Key: { [STATS_TABLE.partitionKey]: partition, [STATS_TABLE.sortKey]: item[STATS_TABLE.sortKey] } }));
  expect((await stats()).body.totals.orders).toBe(0);
  for (let run = 0; run < 2; run++) {
    const result = await backfillStats(db, { orders: ORDERS_TABLE.localName, stats: STATS_TABLE.localName }, 'UTC');
    expect(result.orders).toBe(9);
    expect((await stats()).body).toEqual(before);
  }
  db.destroy();
});
