/**
 * app-server's order routes and error mapping (`routes/*.ts`, `errors.ts`) on a router of their own,
 * with the real repository and key store on a local DynamoDB (dynalite in memory), the queue in
 * memory, and the logger and metrics recorded: what each answer says, and which metric and log
 * line each outcome produces (once, only when the order changed). Cancelling: by the owner, by
 * staff, repeated, too late. Failures: an AWS fault (503, counted), anything else (500).
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_HEADER, ORDER_TOKEN } from '../../amplify/domain/api.ts';
import type { Order, StatusChange } from '../../amplify/domain/order.ts';
import { hashOrderToken } from '../../amplify/server/order-token.ts';
import { guestCustomerIdOf } from '../../amplify/server/place-order.ts';
import { STAFF_GROUP, TOKEN_LIFETIMES } from '../../amplify/domain/auth.ts';
import { cancelledByStore } from '../../amplify/domain/labels.ts';
import { renderEmail } from '../../amplify/domain/notification.ts';
import { mapErrors } from '../../amplify/functions/app-server/errors.ts';
import { cancelOrderRoutes } from '../../amplify/functions/app-server/routes/cancel-order.ts';
import { orderRoutes } from '../../amplify/functions/app-server/routes/orders.ts';
import { orderPaymentRoutes } from '../../amplify/functions/app-server/routes/order-payment.ts';
import { refundOrderRoutes } from '../../amplify/functions/app-server/routes/refund-order.ts';
import { DynamoDbOrderKeys } from '../../amplify/server/aws/dynamodb-order-keys.ts';
import { DynamoDbOrderRateLimiter } from '../../amplify/server/aws/dynamodb-order-rate.ts';
import { DynamoDbClosedAccounts } from '../../amplify/server/aws/dynamodb-closed-accounts.ts';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';
import type { OrderRepository } from '../../amplify/server/ports.ts';
import { CLOSED_ACCOUNTS, VIEWER_IP_HEADER } from '../../amplify/server/settings/api.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb/dynamodb.ts';
import { orderRequest, testOrderTokens } from '../fixtures.ts';

const STOREFRONT_URL = 'https://shop.example';
import { apiEvent, lambdaContext, type Claims } from './events.ts';
import { plentifulStock } from './stock-fakes.ts';

let dynamo: LocalDynamo;
let client: DynamoDBClient;
let orders: DynamoDbOrderRepository;
let keys: DynamoDbOrderKeys;

beforeAll(async () => {
  dynamo = await startDynamo(undefined);
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  orders = new DynamoDbOrderRepository(createDocumentClient(client), ORDERS_TABLE.localName);
  keys = new DynamoDbOrderKeys(createDocumentClient(client), IDEMPOTENCY_TABLE.localName);
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

const OWNER: Claims = { sub: randomUUID(), email: 'ana@example.com', email_verified: 'true' };
const STAFF: Claims = { sub: randomUUID(), email: 'staff@example.com', email_verified: 'true', 'cognito:groups': STAFF_GROUP };

let logLines: { level: string; message: string; extra: Record<string, unknown> }[];
let metricCalls: [string, string, number][];
let enqueued: string[];
let queueDown: boolean;
beforeEach(() => {
  logLines = [];
  metricCalls = [];
  enqueued = [];
  queueDown = false;
});

/** The routes and error mapping as the handler assembles them, over `repository`. */
function app(repository: OrderRepository = orders, rateLimit = 0, trustViewerIp = true) {
  const record = (level: string) => (message: string, extra: Record<string, unknown> = {}) => void logLines.push({ level, message, extra });
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') } as unknown as Logger;
  const metrics = { addMetric: (name: string, unit: string, value: number) => void metricCalls.push([name, unit, value]) } as unknown as Metrics;
  const queue = {
    enqueue: async (orderId: string) => {
      if (queueDown) throw new Error('queue down');
      enqueued.push(orderId);
    },
  };
  const router = new Router();
  // The pool confirms STAFF only: a token claiming ADMINS for anyone else (removed since) gets no staff powers.
  const confirmStaff = async (sub: string) => sub === STAFF.sub;
  const rateLimiter = new DynamoDbOrderRateLimiter(createDocumentClient(client), IDEMPOTENCY_TABLE.localName, rateLimit);
  const closedAccounts = new DynamoDbClosedAccounts(createDocumentClient(client), IDEMPOTENCY_TABLE.localName);
  router
    .includeRouter(orderRoutes({ orders: repository, keys, queue, stock: plentifulStock, confirmStaff, rateLimiter, closedAccounts, tokens: testOrderTokens, storefrontUrl: STOREFRONT_URL, trustViewerIp, logger, metrics }))
    .includeRouter(cancelOrderRoutes({ orders: repository, queue, confirmStaff, logger, metrics }))
    .includeRouter(refundOrderRoutes({ orders: repository, queue, confirmStaff, logger }))
    .includeRouter(orderPaymentRoutes({ orders: repository, queue, confirmStaff, closedAccounts, logger }));
  mapErrors(router, { logger, metrics });
  return async (method: string, path: string, options: Parameters<typeof apiEvent>[2] = {}) => {
    const result = (await router.resolve(apiEvent(method, path, { claims: OWNER, ...options }), lambdaContext('app-server'))) as APIGatewayProxyResult;
    // Header names as a client reads them (lower case); the router may answer in either map.
    const headers = Object.fromEntries(
      [...Object.entries(result.headers ?? {}), ...Object.entries(result.multiValueHeaders ?? {})].map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value)]),
    );
    return { status: result.statusCode, headers, body: JSON.parse(result.body) as Record<string, unknown> };
  };
}

const place = async (call: ReturnType<typeof app>, claims: Claims = OWNER) => {
  const response = await call('POST', '/orders', { body: orderRequest(), claims });
  expect(response.status).toBe(201);
  return response.body as { orderId: string; totalAmount: number };
};

describe('POST /orders', () => {
  it('counts and logs a created order once; a replay is marked and counted no more', async () => {
    const call = app();
    const headers = { [IDEMPOTENCY_KEY_HEADER]: `key-${randomUUID()}` };
    const created = await call('POST', '/orders', { body: orderRequest(), headers });
    expect(created.status).toBe(201);
    const { orderId, totalAmount } = created.body as { orderId: string; totalAmount: number };
    expect(created.headers.location).toBe(`/orders/${orderId}`);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.headers['cache-control']).toBe('no-store');
    const replay = await call('POST', '/orders', { body: orderRequest(), headers });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBe(`/orders/${orderId}`);
    expect(enqueued).toEqual([orderId, orderId]);
    expect(metricCalls).toEqual([['OrdersCreated', 'Count', 1]]);
    // DEBUG: a successful order writes no application log line in the cloud (FUNCTION_LOGGING).
    expect(logLines).toEqual([{ level: 'debug', message: 'Order created', extra: { orderId, totalAmount } }]);
  });

  it('an order stored but not enqueued is answered 201, logged as an error with its id and counted', async () => {
    const call = app();
    queueDown = true;
    const { orderId } = await place(call);
    expect(await orders.get(orderId)).toBeDefined();
    expect(metricCalls).toEqual([
      ['OrderEnqueueFailed', 'Count', 1],
      ['OrdersCreated', 'Count', 1],
    ]);
    expect(logLines.map(({ level, message }) => [level, message])).toEqual([
      ['error', 'Order stored but not enqueued; the recovery job will enqueue it'],
      ['debug', 'Order created'],
    ]);
    expect(logLines[0]!.extra).toEqual({ orderId, error: expect.objectContaining({ message: 'queue down' }) });
  });
});

describe('POST /orders/{orderId}/cancel', () => {
  it('the owner cancels a pending order once: 200 with the cancelled order, logged as by the customer, counted once', async () => {
    const call = app();
    const { orderId } = await place(call);
    [logLines, metricCalls] = [[], []];
    const cancelled = await call('POST', `/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ orderId, status: 'CANCELLED', cancelledDate: expect.any(String) });
    expect(await call('POST', `/orders/${orderId}/cancel`)).toMatchObject({ status: 200, body: { status: 'CANCELLED', cancelledDate: cancelled.body.cancelledDate } });
    expect(metricCalls).toEqual([['OrdersCancelled', 'Count', 1]]);
    expect(logLines).toEqual([{ level: 'info', message: 'Order cancelled', extra: { orderId, by: 'customer', actorSub: OWNER.sub } }]);
    // Placed by its customer, cancelled by its customer: each change once in its history.
    expect(cancelled.body.history).toEqual([
      { status: 'PENDING', at: cancelled.body.orderDate, actor: { type: 'customer', sub: OWNER.sub } },
      { status: 'CANCELLED', at: expect.any(String), actor: { type: 'customer', sub: OWNER.sub } },
    ]);
  });

  it("staff cancelling a customer's order is logged as by staff; staff cancelling their own order, as by the customer", async () => {
    const call = app();
    const theirs = await place(call);
    const own = await place(call, STAFF);
    logLines = [];
    expect((await call('POST', `/orders/${theirs.orderId}/cancel`, { claims: STAFF })).status).toBe(200);
    expect((await call('POST', `/orders/${own.orderId}/cancel`, { claims: STAFF })).status).toBe(200);
    expect(logLines.map((line) => line.extra.by)).toEqual(['staff', 'customer']);
    // The order keeps which staff member cancelled it; the customer's page and e-mail say "by the store".
    const stored = await orders.require(theirs.orderId);
    expect(stored.history?.at(-1)).toEqual({ status: 'CANCELLED', at: expect.any(String), actor: { type: 'staff', sub: STAFF.sub } });
    expect(cancelledByStore(stored)).toBe(true);
    expect(renderEmail('order-cancelled', stored, 'https://shop.example').text).toContain('has been cancelled by the store');
    expect(cancelledByStore(await orders.require(own.orderId))).toBe(false);
  });

  it('a paid order (held for its cancel window, no workflow running) is queued for its refund; a pending one is left to its running workflow', async () => {
    const call = app();
    const paid = await place(call);
    await orders.transition(paid.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-1' });
    const pending = await place(call);
    enqueued = [];
    expect((await call('POST', `/orders/${paid.orderId}/cancel`)).status).toBe(200);
    expect((await call('POST', `/orders/${pending.orderId}/cancel`)).status).toBe(200);
    expect(enqueued).toEqual([paid.orderId]);
    queueDown = true;
    const another = await place(call);
    await orders.transition(another.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-2' });
    logLines = [];
    expect((await call('POST', `/orders/${another.orderId}/cancel`)).status).toBe(200);
    expect(logLines.map(({ level, message }) => [level, message])).toEqual([
      ['info', 'Order cancelled'],
      ['error', 'Cancellation not enqueued; the recovery job will compensate it'],
    ]);
  });

  it('a shipped order is refused with 409 naming its status; a stranger gets 404', async () => {
    const call = app();
    const { orderId } = await place(call);
    await orders.transition(orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-1' });
    await orders.transition(orderId, 'SHIPPED', { trackingNumber: 'TRK-1' });
    [logLines, metricCalls] = [[], []];
    const late = await call('POST', `/orders/${orderId}/cancel`);
    expect(late).toMatchObject({
      status: 409,
      body: { error: 'This order can no longer be cancelled', details: [{ path: 'status', message: 'The order is Shipped; only an order that has not shipped can be cancelled' }] },
    });
    const stranger = await call('POST', `/orders/${orderId}/cancel`, { claims: { sub: randomUUID(), email: 'bo@example.com', email_verified: 'true' } });
    expect(stranger).toMatchObject({ status: 404, body: { error: 'Order not found', details: [{ path: 'orderId', message: `No order ${orderId}` }] } });
    expect((await orders.require(orderId)).status).toBe('SHIPPED');
    expect(metricCalls).toEqual([]);
  });
});

describe('POST /orders/{orderId}/payment', () => {
  const declined = async (call: ReturnType<typeof app>, claims: Claims = OWNER) => {
    const { orderId } = await place(call, claims);
    await orders.transition(orderId, 'PAYMENT_FAILED', { failureReason: 'PaymentDeclinedError' });
    [logLines, metricCalls, enqueued] = [[], [], []];
    return orderId;
  };
  const pay = (call: ReturnType<typeof app>, orderId: string, claims: Claims = OWNER) => call('POST', `/orders/${orderId}/payment`, { claims, body: { paymentMethod: 'paypal' } });

  it('the owner pays a declined order again: PENDING, attempt 2, queued and logged once; a repeat changes and queues nothing', async () => {
    const call = app();
    const orderId = await declined(call);
    expect(await pay(call, orderId)).toMatchObject({ status: 200, body: { orderId, status: 'PENDING', paymentAttempts: 2, paymentMethod: 'paypal' } });
    expect(enqueued).toEqual([orderId]);
    expect(logLines).toEqual([{ level: 'info', message: 'Payment tried again', extra: { orderId, attempt: 2 } }]);
    expect(await pay(call, orderId)).toMatchObject({ status: 200, body: { status: 'PENDING', paymentAttempts: 2 } });
    expect(enqueued).toEqual([orderId]);
    expect(metricCalls).toEqual([]);
  });

  it('a queue that is down does not fail it: 200, logged as an error (the recovery job enqueues a PENDING order)', async () => {
    const call = app();
    const orderId = await declined(call);
    queueDown = true;
    expect(await pay(call, orderId)).toMatchObject({ status: 200, body: { status: 'PENDING' } });
    expect(logLines.map(({ level, message }) => [level, message])).toEqual([
      ['info', 'Payment tried again'],
      ['error', 'Payment retry not enqueued; the recovery job will enqueue it'],
    ]);
  });

  it('staff 403 (even theirs to see), a stranger 404, a deleted account 403, a paid order 409, the attempts used up 409', async () => {
    const call = app();
    const orderId = await declined(call);
    expect(await pay(call, orderId, STAFF)).toMatchObject({ status: 403, body: { details: [{ path: 'orderId' }] } });
    expect(await pay(call, orderId, { sub: randomUUID(), email: 'bo@example.com', email_verified: 'true' })).toMatchObject({ status: 404 });
    const leaving: Claims = { sub: randomUUID(), email: 'leaving@example.com', email_verified: 'true' };
    const theirs = await declined(call, leaving);
    await new DynamoDbClosedAccounts(createDocumentClient(client), IDEMPOTENCY_TABLE.localName).close(leaving.sub, new Date());
    expect(await pay(call, theirs, leaving)).toMatchObject({ status: 403, body: { details: [{ path: 'Authorization' }] } });
    const { orderId: pending } = await place(call);
    expect(await pay(call, pending)).toMatchObject({ status: 200, body: { status: 'PENDING' } }); // already on its way
    await orders.transition(pending, 'PAYMENT_PROCESSED', { transactionId: 'txn-1' });
    await orders.transition(pending, 'CANCELLED');
    expect(await pay(call, pending)).toMatchObject({ status: 409, body: { details: [{ path: 'status', message: expect.stringMatching(/^The order is Cancelled/) }] } });
    for (let i = 0; i < 2; i++) {
      expect((await pay(call, orderId)).status).toBe(200);
      await orders.transition(orderId, 'PAYMENT_FAILED', { failureReason: 'PaymentDeclinedError' });
    }
    expect(await pay(call, orderId)).toMatchObject({ status: 409, body: { error: 'This order cannot be paid again', details: [{ path: 'paymentAttempts' }] } });
  });
});

describe('POST /orders/{orderId}/refund', () => {
  /** A placed order moved on to SHIPPED (and DELIVERED when asked), as the workflow would. */
  const shipped = async (call: ReturnType<typeof app>, delivered = false) => {
    const { orderId } = await place(call);
    await orders.transition(orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-1' });
    await orders.transition(orderId, 'SHIPPED', { trackingNumber: 'TRK-1' });
    if (delivered) await orders.transition(orderId, 'DELIVERED', { deliveryDate: new Date().toISOString() });
    [logLines, metricCalls, enqueued] = [[], [], []];
    return orderId;
  };

  it('staff refund a delivered order: REFUNDED by them, queued for its compensation, logged with their sub; a repeat queues it again until the refund is recorded', async () => {
    const call = app();
    const orderId = await shipped(call, true);
    const refunded = await call('POST', `/orders/${orderId}/refund`, { claims: STAFF, body: { reason: 'Returned' } });
    expect(refunded).toMatchObject({ status: 200, body: { orderId, status: 'REFUNDED', refundStatus: 'pending', refundReason: 'Returned' } });
    expect(enqueued).toEqual([orderId]);
    expect(logLines).toEqual([{ level: 'info', message: 'Order refund requested', extra: { orderId, staffSub: STAFF.sub } }]);
    expect((await orders.require(orderId)).history?.at(-1)).toEqual({ status: 'REFUNDED', at: expect.any(String), actor: { type: 'staff', sub: STAFF.sub } });
    // Without a body too; asked again before the refund is recorded: queued again, not logged again.
    expect(await call('POST', `/orders/${orderId}/refund`, { claims: STAFF })).toMatchObject({ status: 200, body: { status: 'REFUNDED', refundReason: 'Returned' } });
    expect(enqueued).toEqual([orderId, orderId]);
    expect(logLines).toHaveLength(1);
    // Once refunded, a repeat changes and queues nothing.
    await orders.recordRefund(orderId, 'rfnd-1', new Date().toISOString());
    expect(await call('POST', `/orders/${orderId}/refund`, { claims: STAFF })).toMatchObject({ status: 200, body: { refundStatus: 'refunded', refundId: 'rfnd-1' } });
    expect(enqueued).toEqual([orderId, orderId]);
    expect(metricCalls).toEqual([]);
  });

  it('a queue that is down does not fail the refund: 200, logged as an error (the recovery job starts it)', async () => {
    const call = app();
    const orderId = await shipped(call);
    queueDown = true;
    expect(await call('POST', `/orders/${orderId}/refund`, { claims: STAFF })).toMatchObject({ status: 200, body: { status: 'REFUNDED' } });
    expect(logLines.map(({ level, message }) => [level, message])).toEqual([
      ['info', 'Order refund requested'],
      ['error', 'Refund not enqueued; the recovery job will start it'],
    ]);
  });

  it('customers get 403 (their own order) or 404 (another’s); an unshipped order 409; a bad body 400; nothing changes', async () => {
    const call = app();
    const orderId = await shipped(call);
    expect(await call('POST', `/orders/${orderId}/refund`)).toMatchObject({ status: 403, body: { details: [{ path: 'orderId', message: expect.stringMatching(/^Staff only/) }] } });
    const stranger = { sub: randomUUID(), email: 'bo@example.com', email_verified: 'true' };
    expect(await call('POST', `/orders/${orderId}/refund`, { claims: stranger })).toMatchObject({ status: 404 });
    expect(await call('POST', `/orders/${orderId}/refund`, { claims: STAFF, body: { reason: 'x', amount: 5 } })).toMatchObject({ status: 400, body: { details: [{ path: 'amount' }] } });
    expect(await call('POST', `/orders/${orderId}/refund`, { claims: STAFF, body: { reason: ' ' } })).toMatchObject({ status: 400, body: { details: expect.arrayContaining([{ path: 'reason', message: 'Required' }]) } });
    const pending = await place(call);
    expect(await call('POST', `/orders/${pending.orderId}/refund`, { claims: STAFF })).toMatchObject({
      status: 409,
      body: { error: 'This order cannot be refunded', details: [{ path: 'status', message: expect.stringMatching(/^The order is Pending; only a shipped or delivered order/) }] },
    });
    expect((await orders.require(orderId)).status).toBe('SHIPPED');
    expect(enqueued).toEqual([pending.orderId]); // its own POST only
  });
});

describe('GET /orders?orderNumber=', () => {
  it("finds a customer's own order by its number, never another's; staff find anyone's", async () => {
    const call = app();
    const mine = await place(call);
    const theirs = await place(call, { sub: randomUUID(), email: 'bo@example.com', email_verified: 'true' });
    const numberOf = async (orderId: string) => (await orders.require(orderId)).orderNumber!;
    const search = async (orderNumber: string, claims: Claims = OWNER) => (await call('GET', '/orders', { query: { orderNumber }, claims })).body.orders as { orderId: string }[];
    expect((await search(await numberOf(mine.orderId))).map((o) => o.orderId)).toEqual([mine.orderId]);
    expect(await search(await numberOf(theirs.orderId))).toEqual([]);
    expect((await search((await numberOf(theirs.orderId)).toLowerCase(), STAFF)).map((o) => o.orderId)).toEqual([theirs.orderId]);
    expect(await search('0000-0000-0000', STAFF)).toEqual([]);
  });
});

describe('failures', () => {
  /** A repository whose reads fail with `error`. */
  const failing = (error: Error) =>
    Object.assign(Object.create(orders) as OrderRepository, { get: async () => Promise.reject(error), getWithTokenHash: async () => Promise.reject(error), list: async () => Promise.reject(error) });
  const awsError = (fields: Record<string, unknown>) => Object.assign(new Error('service said no'), { $metadata: { httpStatusCode: 500 } }, fields);

  it('an AWS fault or throttling is a 503 with Retry-After, logged and counted', async () => {
    for (const error of [awsError({ $fault: 'server' }), awsError({ $fault: 'client', $retryable: { throttling: true } })]) {
      [logLines, metricCalls] = [[], []];
      const response = await app(failing(error))('GET', `/orders/${randomUUID()}`);
      expect(response).toMatchObject({ status: 503, headers: { 'retry-after': '1' }, body: { error: 'Service temporarily unavailable, please retry', details: [] } });
      expect(metricCalls).toEqual([['DependencyFailures', 'Count', 1]]);
      expect(logLines).toEqual([{ level: 'error', message: 'A downstream AWS service failed', extra: { error } }]);
    }
  });

  it('a cancel that fails for another reason than the order\'s status is a 500, not a 409', async () => {
    const call = app();
    const { orderId } = await place(call);
    const broken = Object.assign(Object.create(orders) as OrderRepository, { transition: async () => Promise.reject(new Error('write failed')) });
    [logLines, metricCalls] = [[], []];
    expect(await app(broken)('POST', `/orders/${orderId}/cancel`)).toMatchObject({ status: 500, body: { error: 'Internal server error' } });
    expect(metricCalls).toEqual([]);
  });

  it('an order id that is not a UUID is a 400 naming it', async () => {
    expect(await app()('GET', '/orders/not-a-uuid')).toMatchObject({ status: 400, body: { error: 'Invalid order id', details: [{ path: 'orderId' }] } });
  });

  it('anything else is a 500 naming nothing, logged and not counted: a client fault, an error without AWS metadata', async () => {
    const errors = [awsError({ $fault: 'client' }), awsError({ $fault: 'client', $retryable: { throttling: false } }), Object.assign(new Error('plain'), { $fault: 'server' })];
    for (const error of errors) {
      [logLines, metricCalls] = [[], []];
      const response = await app(failing(error))('GET', '/orders');
      expect(response).toMatchObject({ status: 500, body: { error: 'Internal server error', details: [] } });
      expect(metricCalls).toEqual([]);
      expect(logLines).toEqual([{ level: 'error', message: 'Unhandled error', extra: { error } }]);
    }
  });
});

describe('answers outside the routes', () => {
  const quiet = { logger: { error: () => undefined } as unknown as Logger, metrics: { addMetric: () => undefined } as unknown as Metrics };
  const refuse = (allowedOrigins: string[] | undefined, method: string, path: string, origin?: string) => {
    const { refuseUnroutable } = mapErrors(new Router(), { ...quiet, allowedOrigins });
    return refuseUnroutable(apiEvent(method, path, { headers: origin ? { origin } : {} }));
  };

  it('refuses a method the router does not know and a path starting with //, as 405 on a known path, else 404', () => {
    const trace = refuse(undefined, 'TRACE', '/orders');
    expect(trace).toMatchObject({ statusCode: 405, headers: { Allow: 'GET, POST', 'Access-Control-Allow-Origin': '*' } });
    expect(JSON.parse(trace!.body)).toEqual({ error: 'Method not allowed', details: [{ path: 'method', message: 'Allowed: GET, POST' }] });
    const slashes = refuse(undefined, 'GET', '//orders');
    expect(slashes).toMatchObject({ statusCode: 404 });
    expect(JSON.parse(slashes!.body)).toEqual({ error: 'Not found', details: [{ path: 'path', message: 'No route //orders' }] });
    expect(refuse(undefined, 'propfind', '/nowhere')).toMatchObject({ statusCode: 404 });
    // What the router takes is left to it.
    for (const method of ['GET', 'post', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) expect(refuse(undefined, method, '/orders')).toBeUndefined();
    expect(refuse(undefined, 'GET', '/orders/x/')).toBeUndefined();
  });

  it("answers CORS for a configured storefront origin only, and for any origin when none is configured", () => {
    const origins = ['http://127.0.0.1:5173'];
    expect(refuse(origins, 'TRACE', '/orders', 'http://127.0.0.1:5173')!.headers).toEqual({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      Allow: 'GET, POST',
      'Access-Control-Allow-Origin': 'http://127.0.0.1:5173',
      Vary: 'Origin',
    });
    expect(refuse(origins, 'TRACE', '/nowhere', 'http://127.0.0.1:5173')!.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'http://127.0.0.1:5173', Vary: 'Origin' });
    expect(refuse(origins, 'TRACE', '/nowhere', 'http://evil.example')!.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    expect(refuse(origins, 'TRACE', '/nowhere')!.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    expect(refuse([], 'TRACE', '/nowhere', 'http://evil.example')!.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*' });
  });

  it('maps the typed errors to their status and body', async () => {
    const call = app();
    expect(await call('GET', '/orders/%20')).toMatchObject({ status: 400, body: { error: 'Invalid order id', details: [{ path: 'orderId', message: 'Must be an order id (UUID)' }] } });
    expect(await call('GET', '/orders/%ZZ')).toMatchObject({ status: 400, body: { error: 'Malformed path', details: [{ path: 'path', message: 'Invalid percent-encoding' }] } });
    expect(await call('GET', '/orders', { query: { customerId: 'someone-else' } })).toMatchObject({ status: 403, body: { error: 'Customers see their own orders only' } });
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { error: 'Not found', details: [{ path: 'path', message: 'No route /nowhere' }] } });
    expect(await call('DELETE', '/orders')).toMatchObject({ status: 405, headers: { allow: 'GET, POST' } });
    const changedPrice = await call('POST', '/orders', { body: orderRequest({ items: [{ productId: 'prod-001', quantity: 1, price: 0.01 }] }) });
    expect(changedPrice.status).toBe(409);
    expect(await call('GET', '/orders', { claims: null })).toMatchObject({ status: 401, body: { error: 'Unauthorized', details: [{ path: 'Authorization', message: 'Sign in: a valid ID token is required' }] } });
  });
});

describe('limits and staff confirmation', () => {
  it('at most the limit of orders a minute per account: then 429 with Retry-After and a JSON error naming the limit; another account is not held up', async () => {
    const call = app(orders, 3);
    const owner = { ...OWNER, sub: randomUUID() };
    for (let i = 0; i < 3; i++) expect((await call('POST', '/orders', { claims: owner, body: orderRequest() })).status).toBe(201);
    const refused = await call('POST', '/orders', { claims: owner, body: orderRequest() });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({ error: 'Too many orders', details: [{ path: 'orders', message: expect.stringMatching(/^At most 3 orders a minute per account; try again in \d+ s$/) }] });
    expect((await call('POST', '/orders', { claims: { ...OWNER, sub: randomUUID() }, body: orderRequest() })).status).toBe(201);
  });

  it('the limiter counts per minute across instances (one counter item), and 0 turns it off', async () => {
    const db = createDocumentClient(client);
    const [a, b] = [new DynamoDbOrderRateLimiter(db, IDEMPOTENCY_TABLE.localName, 2), new DynamoDbOrderRateLimiter(db, IDEMPOTENCY_TABLE.localName, 2)];
    const sub = randomUUID();
    const at = new Date('2026-03-01T10:00:15.000Z');
    expect(await a.admit(sub, at)).toEqual({ allowed: true });
    expect(await b.admit(sub, at)).toEqual({ allowed: true });
    expect(await a.admit(sub, at)).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(await b.admit(sub, new Date('2026-03-01T10:01:00.000Z'))).toEqual({ allowed: true });
    const off = new DynamoDbOrderRateLimiter(db, IDEMPOTENCY_TABLE.localName, 0);
    for (let i = 0; i < 5; i++) expect(await off.admit(sub, at)).toEqual({ allowed: true });
  });

  it("a deleted account's token, still within its lifetime, places no order (403 naming Authorization); others still do", async () => {
    const call = app();
    const closed = { ...OWNER, sub: randomUUID() };
    const accounts = new DynamoDbClosedAccounts(createDocumentClient(client), IDEMPOTENCY_TABLE.localName);
    const deletedAt = new Date();
    await accounts.close(closed.sub, deletedAt);
    const refused = await call('POST', '/orders', { claims: closed, body: orderRequest() });
    expect(refused).toMatchObject({ status: 403, body: { error: 'This account has been deleted', details: [{ path: 'Authorization' }] } });
    expect((await call('POST', '/orders', { claims: { ...OWNER, sub: randomUUID() }, body: orderRequest() })).status).toBe(201);
    // Remembered as long as a token may be valid, then forgotten (TTL; the read checks the expiry too).
    expect(await accounts.isClosed(closed.sub, new Date(deletedAt.getTime() + (CLOSED_ACCOUNTS.keepSeconds - 5) * 1000))).toBe(true);
    expect(await accounts.isClosed(closed.sub, new Date(deletedAt.getTime() + (CLOSED_ACCOUNTS.keepSeconds + 5) * 1000))).toBe(false);
    expect(CLOSED_ACCOUNTS.keepSeconds).toBeGreaterThan(TOKEN_LIFETIMES.idTokenMinutes * 60);
  });

  it('a token still claiming ADMINS after its owner left the group gets no staff powers', async () => {
    const call = app();
    const { orderId } = await place(call);
    const former = { ...STAFF, sub: randomUUID() };
    expect((await call('GET', `/orders/${orderId}`, { claims: former })).status).toBe(404);
    expect((await call('POST', `/orders/${orderId}/cancel`, { claims: former })).status).toBe(404);
    expect((await call('GET', '/orders', { query: { customerId: OWNER.sub }, claims: former })).status).toBe(403);
    expect((await call('GET', `/orders/${orderId}`, { claims: STAFF })).status).toBe(200);
  });
});

describe('guest orders', () => {
  const guestEmail = () => `guest-${randomUUID().slice(0, 8)}@example.com`;
  /** A guest's order: no claims, an e-mail in the body; the token read back from its link. */
  const placeAsGuest = async (call: ReturnType<typeof app>, email = guestEmail(), headers: Record<string, string> = {}) => {
    const response = await call('POST', '/orders', { body: orderRequest({ customerEmail: email }), claims: null, headers });
    expect(response.status).toBe(201);
    const orderUrl = String(response.body.orderUrl);
    const token = new URLSearchParams(orderUrl.split('?')[1]).get(ORDER_TOKEN.query)!;
    return { order: response.body as unknown as Order, orderUrl, token, email };
  };

  it('places an order without an account: the answer links to it with a 256-bit token the order keeps only hashed', async () => {
    const call = app();
    const { order, orderUrl, token, email } = await placeAsGuest(call);
    expect(order).toMatchObject({ customerEmail: email, customerId: guestCustomerIdOf(email), status: 'PENDING', history: [{ status: 'PENDING', actor: { type: 'customer' } }] });
    expect(orderUrl).toBe(`${STOREFRONT_URL}/#/orders/${order.orderId}?token=${token}`);
    expect(token).toMatch(ORDER_TOKEN.pattern);
    expect(order).not.toHaveProperty('orderTokenHash');
    const stored = await orders.getWithTokenHash(order.orderId);
    expect(stored!.orderTokenHash).toBe(hashOrderToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(logLines.some((line) => JSON.stringify(line).includes(token))).toBe(false);
  });

  it('a replayed request (same Idempotency-Key and e-mail) answers the same order and the same link', async () => {
    const call = app();
    const headers = { [IDEMPOTENCY_KEY_HEADER]: `key-${randomUUID()}` };
    const email = guestEmail();
    const first = await placeAsGuest(call, email, headers);
    const again = await call('POST', '/orders', { body: orderRequest({ customerEmail: email }), claims: null, headers });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.orderUrl).toBe(first.orderUrl);
  });

  it('the token opens that order alone, by header or query; none is a 401, a wrong one a 404, a malformed one a 400', async () => {
    const call = app();
    const mine = await placeAsGuest(call);
    const theirs = await placeAsGuest(call);
    const get = (orderId: string, options: { headers?: Record<string, string>; query?: Record<string, string> }) => call('GET', `/orders/${orderId}`, { claims: null, ...options });
    expect(await get(mine.order.orderId, { headers: { [ORDER_TOKEN.header]: mine.token } })).toMatchObject({ status: 200, body: { orderId: mine.order.orderId } });
    expect((await get(mine.order.orderId, { headers: { [ORDER_TOKEN.header.toLowerCase()]: mine.token } })).status).toBe(200);
    expect((await get(mine.order.orderId, { query: { token: mine.token } })).status).toBe(200);
    expect(await get(theirs.order.orderId, { headers: { [ORDER_TOKEN.header]: mine.token } })).toMatchObject({ status: 404, body: { error: 'Order not found' } });
    const flipped = mine.token.slice(0, -1) + (mine.token.endsWith('A') ? 'B' : 'A');
    expect((await get(mine.order.orderId, { headers: { [ORDER_TOKEN.header]: flipped } })).status).toBe(404);
    expect(await get(mine.order.orderId, {})).toMatchObject({ status: 401, body: { details: [{ path: 'Authorization' }] } });
    expect(await get(mine.order.orderId, { headers: { [ORDER_TOKEN.header]: 'short' } })).toMatchObject({ status: 400, body: { details: [{ path: ORDER_TOKEN.header }] } });
    expect(await get(mine.order.orderId, { query: { token: 'x'.repeat(44) } })).toMatchObject({ status: 400, body: { details: [{ path: ORDER_TOKEN.query }] } });
    // A signed-in customer's token does not open an account's order, and another customer sees no guest order.
    const owned = await place(call);
    expect((await get(owned.orderId, { headers: { [ORDER_TOKEN.header]: mine.token } })).status).toBe(404);
    expect((await call('GET', `/orders/${mine.order.orderId}`, { claims: OWNER })).status).toBe(404);
  });

  it('the token cancels the order and pays a declined one again; staff and customers without it cannot', async () => {
    const call = app();
    const guest = await placeAsGuest(call);
    const withToken = { claims: null, headers: { [ORDER_TOKEN.header]: guest.token } };
    expect((await call('POST', `/orders/${guest.order.orderId}/cancel`, { claims: OWNER })).status).toBe(404);
    const cancelled = await call('POST', `/orders/${guest.order.orderId}/cancel`, withToken);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    expect((cancelled.body.history as StatusChange[]).at(-1)!.actor).toEqual({ type: 'customer' });

    const declined = await placeAsGuest(call);
    await orders.transition(declined.order.orderId, 'PAYMENT_FAILED', { failureReason: 'PaymentDeclinedError' });
    const payment = { body: { paymentMethod: 'paypal' } };
    expect((await call('POST', `/orders/${declined.order.orderId}/payment`, { ...payment, claims: STAFF })).status).toBe(403);
    const paid = await call('POST', `/orders/${declined.order.orderId}/payment`, { ...payment, claims: null, headers: { [ORDER_TOKEN.header]: declined.token } });
    expect(paid).toMatchObject({ status: 200, body: { status: 'PENDING', paymentAttempts: 2, paymentMethod: 'paypal' } });
    expect(enqueued.filter((id) => id === declined.order.orderId)).toHaveLength(2);
  });

  it('signing in with the verified e-mail claims its guest orders into My orders; an unverified one claims nothing', async () => {
    const call = app();
    const guest = await placeAsGuest(call);
    const other = await placeAsGuest(call);
    const account: Claims = { sub: randomUUID(), email: guest.email.toUpperCase(), email_verified: 'true' };
    expect(await call('GET', '/orders', { claims: { ...account, email_verified: 'false' } })).toMatchObject({ status: 200, body: { orders: [] } });
    const listed = await call('GET', '/orders', { claims: account });
    expect((listed.body.orders as Order[]).map((o) => [o.orderId, o.customerId])).toEqual([[guest.order.orderId, account.sub]]);
    expect(logLines).toContainEqual({ level: 'info', message: 'Guest orders claimed', extra: { customerSub: account.sub, orderIds: [guest.order.orderId] } });
    // Now the account's: its owner reads it signed in, and the link's token still opens it.
    expect((await call('GET', `/orders/${guest.order.orderId}`, { claims: account })).status).toBe(200);
    expect((await call('GET', `/orders/${guest.order.orderId}`, { claims: null, headers: { [ORDER_TOKEN.header]: guest.token } })).status).toBe(200);
    expect((await orders.get(other.order.orderId))!.customerId).toBe(guestCustomerIdOf(other.email));
    // A second claim (another account with the same e-mail, later) finds nothing left to take.
    expect(await orders.claimGuestOrders(guestCustomerIdOf(guest.email), randomUUID(), new Date().toISOString())).toEqual([]);
  });

  it("counts a guest's orders per minute per e-mail and per address: the viewer's the distribution writes, else the source's", async () => {
    const viewer = `198.51.100.${Math.floor(Math.random() * 200)}`;
    const from = (ip: string) => ({ [VIEWER_IP_HEADER]: ip });
    const trusted = app(orders, 2);
    await placeAsGuest(trusted, guestEmail(), from(viewer));
    await placeAsGuest(trusted, guestEmail(), from(viewer));
    expect(await trusted('POST', '/orders', { body: orderRequest({ customerEmail: guestEmail() }), claims: null, headers: from(viewer) })).toMatchObject({ status: 429 });
    // Another shopper behind the same edge address is not held back.
    await placeAsGuest(trusted, guestEmail(), from(`${viewer}1`));
    // One e-mail from many addresses: two a minute, however the address changes (no flood of order mail to anyone).
    const victim = guestEmail();
    await placeAsGuest(trusted, victim, from(`203.0.113.${Math.floor(Math.random() * 200)}`));
    await placeAsGuest(trusted, victim, from(`203.0.114.${Math.floor(Math.random() * 200)}`));
    expect(await trusted('POST', '/orders', { body: orderRequest({ customerEmail: victim }), claims: null, headers: from('192.0.2.99') })).toMatchObject({ status: 429 });
  });

  it('without the distribution writing it (WAF off), a client-sent viewer address is ignored: the source address counts', async () => {
    const untrusted = app(orders, 2, false);
    const spoofed = (n: number) => ({ [VIEWER_IP_HEADER]: `192.0.2.${n}` });
    // The unit events' source address is fixed: earlier guests' orders from it count too, so the limit is met within three.
    const statuses: number[] = [];
    for (let n = 1; n <= 3; n++) statuses.push((await untrusted('POST', '/orders', { body: orderRequest({ customerEmail: guestEmail() }), claims: null, headers: spoofed(n) })).status);
    expect(statuses).toContain(429);
  });

  it("a guest's Idempotency-Key is at least 32 characters (a replay answers the order's link)", async () => {
    const call = app();
    const short = await call('POST', '/orders', { body: orderRequest({ customerEmail: guestEmail() }), claims: null, headers: { [IDEMPOTENCY_KEY_HEADER]: 'key-1' } });
    expect(short).toMatchObject({ status: 400, body: { details: [{ path: IDEMPOTENCY_KEY_HEADER }] } });
    // An account's key has no such floor (it is scoped to the account).
    expect((await call('POST', '/orders', { body: orderRequest(), headers: { [IDEMPOTENCY_KEY_HEADER]: `k-${randomUUID().slice(0, 4)}` } })).status).toBe(201);
  });

  it("one order's token neither cancels nor pays another", async () => {
    const call = app();
    const mine = await placeAsGuest(call);
    const theirs = await placeAsGuest(call);
    await orders.transition(theirs.order.orderId, 'PAYMENT_FAILED', { failureReason: 'PaymentDeclinedError' });
    const withMine = { claims: null, headers: { [ORDER_TOKEN.header]: mine.token } };
    expect((await call('POST', `/orders/${theirs.order.orderId}/cancel`, withMine)).status).toBe(404);
    expect((await call('POST', `/orders/${theirs.order.orderId}/payment`, { ...withMine, body: { paymentMethod: 'paypal' } })).status).toBe(404);
    expect((await orders.get(theirs.order.orderId))!.status).toBe('PAYMENT_FAILED');
  });

  it("a deleted account's token, still valid for a while, claims no guest order", async () => {
    const call = app();
    const guest = await placeAsGuest(call);
    const closed: Claims = { sub: randomUUID(), email: guest.email, email_verified: 'true' };
    await new DynamoDbClosedAccounts(createDocumentClient(client), IDEMPOTENCY_TABLE.localName).close(closed.sub, new Date());
    expect(await call('GET', '/orders', { claims: closed })).toMatchObject({ status: 200, body: { orders: [] } });
    expect((await orders.get(guest.order.orderId))!.customerId).toBe(guestCustomerIdOf(guest.email));
  });

  it('refuses a guest order naming a customer id (403) or without an e-mail (400)', async () => {
    const call = app();
    expect(await call('POST', '/orders', { body: orderRequest({ customerId: OWNER.sub, customerEmail: guestEmail() }), claims: null })).toMatchObject({ status: 403, body: { details: [{ path: 'customerId' }] } });
    expect(await call('POST', '/orders', { body: orderRequest(), claims: null })).toMatchObject({ status: 400, body: { details: [{ path: 'customerEmail' }] } });
  });
});
