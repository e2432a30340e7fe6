/**
 * Inventory on the local stack: stock in GET /products, staff's stock routes, never oversold under
 * concurrent orders, units given back exactly once when an order ends without shipping (also when
 * its execution runs twice), a declined order paid again reserving anew, and reservations left
 * behind by a killed stack settled by the recovery job.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../amplify/domain/api.ts';
import { CATALOG_CACHE_CONTROL } from '../../amplify/domain/inventory.ts';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbStockLedger } from '../../amplify/server/aws/dynamodb-stock-ledger.ts';
import { STOCK_TABLE } from '../../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, postOrder, startTestStack, waitForFinal, type TestStack, type TestUser } from '../helpers/stack.ts';

let stack: TestStack;
let staff: TestUser;
let client: DynamoDBClient;
let ledger: DynamoDbStockLedger;

async function start() {
  stack = await startTestStack({ orderRateLimit: 0 });
  staff = await createUser(stack, { staff: true });
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb });
  ledger = new DynamoDbStockLedger(createDocumentClient(client), STOCK_TABLE.localName);
}
beforeAll(() => start());
afterAll(async () => {
  client?.destroy();
  await stack?.stop();
  stack?.removeData();
});

const stockRoute = (productId: string) => ROUTES.productStock.replace('{productId}', productId);
const setStock = (productId: string, body: unknown, as: TestUser | null = staff) =>
  api(stack, stockRoute(productId), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, as);
const level = async (productId: string) => (await ledger.levels([productId])).get(productId)!;
const oneOf = (productId: string, quantity = 1) => orderRequest({ items: [{ productId, quantity }] });

describe('stock in the catalog and for staff', () => {
  it('GET /products gives each product its available units, seeded at the first start', async () => {
    const { status, body, headers } = await api(stack, '/products', {}, null);
    expect(status).toBe(200);
    expect(body.products.every((p: { available: number }) => p.available === 10_000)).toBe(true);
    // Cached at the edge for a few seconds, never in the browser (amplify/cloud/storefront-distribution.ts).
    expect(headers.get('cache-control')).toBe(CATALOG_CACHE_CONTROL);
    expect(CATALOG_CACHE_CONTROL).toBe('public, max-age=0, s-maxage=30');
  });

  it('staff set or adjust stock with a reason kept in its history; a customer gets 403, bad input 400 naming the field', async () => {
    expect((await setStock('prod-005', { available: 3, reason: 'Count' }, stack.customer)).status).toBe(403);
    expect((await api(stack, stockRoute('prod-005'), {}, stack.customer)).status).toBe(403);
    expect((await setStock('prod-005', { available: 3 }, null)).status).toBe(401);
    const bad = await setStock('prod-005', { available: -3, reason: 'Count' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['available']);
    expect((await setStock('prod-005', { delta: 1 })).body.details.map((d: { path: string }) => d.path)).toEqual(['reason']);
    expect((await setStock('prod-999', { available: 1, reason: 'x' })).status).toBe(404);
    const set = await setStock('prod-005', { available: 3, reason: 'Stocktake' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ productId: 'prod-005', available: 3, change: { before: 10_000, after: 3, reason: 'Stocktake', by: staff.email } });
    expect((await setStock('prod-005', { delta: -4, reason: 'Damaged' })).status).toBe(409);
    expect((await setStock('prod-005', { delta: 2, reason: 'Found two' })).body.available).toBe(5);
    const read = await api(stack, stockRoute('prod-005'), {}, staff);
    expect(read.body).toMatchObject({ available: 5, reserved: 0, sold: 0 });
    expect(read.body.history.map((h: { reason: string }) => h.reason)).toEqual(['Found two', 'Stocktake']);
    expect((await api(stack, '/products', {}, null)).body.products.find((p: { productId: string }) => p.productId === 'prod-005').available).toBe(5);
  });

  it('"Set to" over the figure the staff member saw: a stale one is a 409 naming expected with the figure now; expected only with available', async () => {
    expect((await setStock('prod-008', { available: 6, expected: 10_000, reason: 'Stocktake' })).body).toMatchObject({ available: 6, change: { before: 10_000, after: 6 } });
    // Someone else (or an order) moved it after the list was read.
    expect((await setStock('prod-008', { delta: -1, reason: 'Damaged' })).body.available).toBe(5);
    const stale = await setStock('prod-008', { available: 20, expected: 6, reason: 'Stocktake' });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual([{ path: 'expected', message: expect.stringContaining('now 5 available'), available: 5 }]);
    expect((await api(stack, stockRoute('prod-008'), {}, staff)).body).toMatchObject({ available: 5 });
    expect((await setStock('prod-008', { available: 20, expected: 5, reason: 'Stocktake' })).body.available).toBe(20);
    const bad = await setStock('prod-008', { delta: 1, expected: 20, reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['expected']);
  });

  it('POST /orders over what is available is a 409 naming each short line with what is available', async () => {
    await setStock('prod-006', { available: 1, reason: 'Last one' });
    const refused = await postOrder(stack, orderRequest({ items: [{ productId: 'prod-001', quantity: 1 }, { productId: 'prod-006', quantity: 2 }] }));
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual([{ path: 'items.1.quantity', message: 'Only 1 available', productId: 'prod-006', available: 1 }]);
  });
});

describe('never oversold', () => {
  it('50 concurrent one-unit orders against a stock of 10: exactly 10 paid and shipped, the stock at 0, never below', async () => {
    await setStock('prod-007', { available: 10, reason: 'Small batch' });
    let lowest = Number.POSITIVE_INFINITY;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        lowest = Math.min(lowest, (await level('prod-007')).available);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 50 }, () => postOrder(stack, oneOf('prod-007'))));
    const placed = answers.filter((a) => a.status === 201).map((a) => a.body.orderId as string);
    // A request that arrives once the workflow has reserved the last units is refused at once (409).
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    const finals = await Promise.all(placed.map((orderId) => waitForFinal(stack, orderId, 60_000)));
    watching = false;
    await watcher;
    const statuses = finals.map((o) => o.status);
    expect(statuses.filter((s) => s === 'DELIVERED')).toHaveLength(10);
    expect(statuses.filter((s) => s !== 'DELIVERED').every((s) => s === 'OUT_OF_STOCK')).toBe(true);
    expect(finals.filter((o) => o.status === 'OUT_OF_STOCK').every((o) => o.transactionId === undefined)).toBe(true);
    expect(await level('prod-007')).toMatchObject({ available: 0, reserved: 0, sold: 10, openReservations: 0 });
    expect(lowest).toBeGreaterThanOrEqual(0);
    // Each OUT_OF_STOCK order told its customer once.
    const outOfStock = finals.filter((o) => o.status === 'OUT_OF_STOCK').map((o) => o.orderId);
    const mails = stack.outbox.list().filter((m) => outOfStock.includes(m.orderId));
    expect(mails.map((m) => m.kind)).toEqual(outOfStock.map(() => 'out-of-stock'));
  });
});

describe('units come back exactly once', () => {
  it('declined: given back once, also when its execution runs again; paid again: reserved anew and sold', async () => {
    const { paymentProvider } = await import('../../amplify/functions/process-order/handler.ts');
    await setStock('prod-008', { available: 4, reason: 'Batch' });
    paymentProvider.successRate = 0;
    try {
      const { body } = await postOrder(stack, oneOf('prod-008', 3));
      expect((await waitForFinal(stack, body.orderId)).status).toBe('PAYMENT_FAILED');
      await stack.stepFunctions.idle();
      expect(await level('prod-008')).toMatchObject({ available: 4, openReservations: 0 });
      await stack.stepFunctions.startExecution({ stateMachineArn: stack.stepFunctions.stateMachineArn, name: `${body.orderId}-again`, input: JSON.stringify({ orderId: body.orderId }) });
      await stack.stepFunctions.idle();
      expect(await level('prod-008')).toMatchObject({ available: 4, openReservations: 0 });
      paymentProvider.successRate = 1;
      const again = await api(stack, ROUTES.orderPayment.replace('{orderId}', body.orderId), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ paymentMethod: 'paypal' }) });
      expect(again.status).toBe(200);
      expect((await waitForFinal(stack, body.orderId)).status).toBe('DELIVERED');
      expect(await level('prod-008')).toMatchObject({ available: 1, sold: 3, openReservations: 0 });
    } finally {
      paymentProvider.successRate = 1;
    }
  });

  it('reservations left behind by a killed stack (an order never stored, a cancel whose release never ran) are released by the recovery job, once', async () => {
    await setStock('prod-009', { available: 5, reason: 'Batch' });
    const earlier = new Date(Date.now() - 1000).toISOString();
    // Killed between the reservation and storing the order, or between the cancel and its compensation.
    expect(await ledger.reserve('prod-009', '00000000-0000-4000-8000-000000000000:1', 2, earlier)).toEqual({ outcome: 'reserved' });
    const { body } = await postOrder(stack, oneOf('prod-010', 1));
    await waitForFinal(stack, body.orderId);
    expect(await ledger.reserve('prod-009', `${body.orderId}:1`, 1, earlier)).toEqual({ outcome: 'reserved' });
    expect(await level('prod-009')).toMatchObject({ available: 2, openReservations: 2 });
    // The order above was delivered: its (stray) reservation on prod-009 is turned into a sale; the other released.
    await stack.recover(0);
    expect(await level('prod-009')).toMatchObject({ available: 4, reserved: 0, sold: 1, openReservations: 0 });
    await stack.recover(0);
    expect(await level('prod-009')).toMatchObject({ available: 4, reserved: 0, sold: 1, openReservations: 0 });
  });
});
