/**
 * app-server's handler called with API Gateway REST proxy events (built by the local gateway's
 * `toProxyEvent`, claims as the Cognito authorizer hands them over), against a real local
 * DynamoDB (dynalite in memory), SQS (fauxqs) and user pool (staff confirmed there, `DELETE /me`).
 * Fast: no workflow.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_LIMITS, IDEMPOTENCY_KEY_HEADER, ORDER_TOKEN } from '../../amplify/domain/api.ts';
import { STAFF_GROUP } from '../../amplify/domain/auth.ts';
import { CATALOG } from '../../amplify/domain/catalog.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, STATS_TABLE, STOCK_TABLE } from '../../amplify/server/settings/tables.ts';
import { ORDER_TOKEN_SECRET } from '../../amplify/server/settings/api.ts';
import { ENV } from '../../amplify/server/environment.ts';
import { toProxyEvent } from '../../local/api-gateway/api-gateway.ts';
import { LOCAL_AWS, LOCAL_REGION } from '../../local/shared/aws.ts';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb/dynamodb.ts';
import { ensureUser, signInWithPassword, startLocalCognito, type LocalCognito } from '../../local/cognito/cognito.ts';
import { lambdaContext } from '../../local/lambda/lambda.ts';
import { startMessaging, type LocalMessaging } from '../../local/messaging/messaging.ts';
import { localSecretArn, startLocalSecretsManager } from '../../local/secrets-manager/secrets-manager.ts';
import { orderRequest } from '../fixtures.ts';

type AppServer = typeof import('../../amplify/functions/app-server/handler.ts');

let dynamo: LocalDynamo;
let messaging: LocalMessaging;
let sqs: SQSClient;
let appServer: AppServer;
let pool: LocalCognito;
let secrets: Awaited<ReturnType<typeof startLocalSecretsManager>>;
const poolDir = mkdtempSync(path.join(tmpdir(), 'app-server-pool-'));
const savedEnv = { ...process.env };
const ORIGIN = 'http://localhost:5173';

beforeAll(async () => {
  dynamo = await startDynamo(undefined);
  messaging = await startMessaging(0);
  pool = await startLocalCognito({ dataDir: poolDir, port: 0, deliverMail: () => undefined, allowedOrigins: [] });
  secrets = await startLocalSecretsManager({ dataDir: poolDir, secretNames: [ORDER_TOKEN_SECRET.localName] });
  // The staff member exists in the pool, in ADMINS: app-server confirms that before staff powers.
  await ensureUser(pool.call, pool.userPoolId, pool.clientId, { email: staff.email, password: 'Staff#pass1', staff: true });
  staff.sub = String(JSON.parse(Buffer.from((await signInWithPassword(pool, staff.email, 'Staff#pass1')).IdToken.split('.')[1]!, 'base64url').toString()).sub);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: pool.endpoint,
    [ENV.userPoolId]: pool.userPoolId,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: messaging.endpoint,
    [ENV.ordersTable]: ORDERS_TABLE.localName,
    [ENV.idempotencyTable]: IDEMPOTENCY_TABLE.localName,
    [ENV.stockTable]: STOCK_TABLE.localName,
    [ENV.statsTable]: STATS_TABLE.localName,
    [ENV.queueUrl]: messaging.queueUrl,
    [ENV.allowedOrigins]: ORIGIN,
    [ENV.userPoolClientId]: APP_CLIENT,
    [ENV.orderTokenSecretArn]: localSecretArn(ORDER_TOKEN_SECRET.localName),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    [ENV.storefrontUrl]: ORIGIN,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  appServer = await import('../../amplify/functions/app-server/handler.ts');
  // Every product in stock, as the recovery job's first run leaves it.
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { createDocumentClient } = await import('../../amplify/server/aws/dynamodb-order-items.ts');
  const { DynamoDbStockLedger } = await import('../../amplify/server/aws/dynamodb-stock-ledger.ts');
  const { seedStock } = await import('../../amplify/server/inventory.ts');
  const { CATALOG } = await import('../../amplify/domain/catalog.ts');
  const db = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  await seedStock(new DynamoDbStockLedger(createDocumentClient(db), STOCK_TABLE.localName), CATALOG.map((p) => p.productId));
  db.destroy();
  sqs = new SQSClient({ ...LOCAL_AWS, endpoint: messaging.endpoint });
});
afterAll(async () => {
  process.env = savedEnv;
  sqs?.destroy();
  await messaging?.stop();
  await dynamo?.stop();
  await pool?.stop();
  await secrets?.stop();
  rmSync(poolDir, { recursive: true, force: true });
});

interface Who {
  sub: string;
  email: string;
  staff?: boolean;
  /** The token's app client (`aud`); the storefront's when omitted. */
  aud?: string;
}
const APP_CLIENT = 'storefrontclient123';
const customer: Who = { sub: randomUUID(), email: 'ana@example.com' };
const otherCustomer: Who = { sub: randomUUID(), email: 'bo@example.com' };
const staff: Who = { sub: '(set once the pool has the account)', email: 'handler-staff@example.com', staff: true };

async function call(method: string, target: string, options: { body?: unknown; headers?: Record<string, string>; as?: Who | null } = {}) {
  const headers: Record<string, string> = { Origin: ORIGIN, ...options.headers };
  const body = options.body === undefined ? '' : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const req = { method, url: target, httpVersion: '1.1', rawHeaders: Object.entries(headers).flat(), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), socket: {} };
  const event: APIGatewayProxyEvent = toProxyEvent(req as unknown as http.IncomingMessage, Buffer.from(body));
  const as = options.as === undefined ? customer : options.as;
  if (as) {
    event.requestContext.authorizer = {
      claims: { sub: as.sub, email: as.email, email_verified: 'true', 'cognito:groups': as.staff ? `other,${STAFF_GROUP}` : '', aud: as.aud ?? APP_CLIENT },
    };
  }
  const result = (await appServer.handler(event, lambdaContext('app-server', 30))) as APIGatewayProxyResult;
  // Header names as a client reads them: case-insensitive (here: lower case).
  const headersOut = Object.fromEntries(Object.entries({ ...result.headers, ...result.multiValueHeaders }).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v])) as Record<string, unknown>;
  return { status: result.statusCode, headers: headersOut, body: result.body ? JSON.parse(result.body) : undefined };
}

async function queued(): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: messaging.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages);
}

describe('the app client', () => {
  it('an ID token the pool issued to another app client is refused like no token (the authorizer trusts the whole pool)', async () => {
    const other = await call('GET', '/orders', { as: { ...customer, aud: 'someotherclient' } });
    expect(other.status).toBe(401);
    expect(other.body.details).toEqual([{ path: 'Authorization', message: 'Sign in: a valid ID token is required' }]);
    const placed = await call('POST', '/orders', { as: { ...customer, aud: 'someotherclient' }, body: orderRequest(), headers: { [IDEMPOTENCY_KEY_HEADER]: randomUUID() } });
    expect(placed.status).toBe(401);
    expect((await call('GET', '/orders')).status).toBe(200);
  });
});

describe('public routes', () => {
  it('GET /health and /products answer without a caller', async () => {
    const health = await call('GET', '/health', { as: null });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', time: expect.any(String) });
    expect(health.headers['access-control-allow-origin']).toBe(ORIGIN);
    const products = await call('GET', '/products', { as: null });
    expect(products.body.products).toHaveLength(CATALOG.length);
    expect(products.body.products[0]).not.toHaveProperty('priceCents');
    expect(products.body.products[0].price).toBe(CATALOG[0]!.priceCents / 100);
  });

  it('answers 404 for an unknown path, 405 with Allow for a wrong method, and other methods and // paths the same way', async () => {
    const missing = await call('GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.details).toEqual([{ path: 'path', message: 'No route /nope' }]);
    expect(missing.headers['access-control-allow-origin']).toBe(ORIGIN);
    const wrong = await call('DELETE', '/orders');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    expect(wrong.body.details[0]).toEqual({ path: 'method', message: 'Allowed: GET, POST' });
    expect((await call('TRACE', '/orders')).status).toBe(405);
    expect((await call('PROPFIND', '/nope')).status).toBe(404);
    expect((await call('GET', '//health')).status).toBe(404);
    // Another site gets no CORS header on these answers.
    const foreign = await call('GET', '/nope', { headers: { Origin: 'http://evil.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('POST /orders', () => {
  it('stores the order for the caller and enqueues it; a replayed key answers the same order, marked replayed', async () => {
    const before = await queued();
    const key = { [IDEMPOTENCY_KEY_HEADER]: `key-${randomUUID()}` };
    const created = await call('POST', '/orders', { body: orderRequest(), headers: key });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/orders/${created.body.orderId}`);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    expect(created.body).toMatchObject({ customerId: customer.sub, customerEmail: customer.email, status: 'PENDING', totalAmount: 278.48 });
    expect(await queued()).toBe(before + 1);
    const replayed = await call('POST', '/orders', { body: orderRequest(), headers: key });
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(created.body);

    const reused = await call('POST', '/orders', { body: orderRequest({ customerName: 'Mallory' }), headers: key });
    expect(reused.status).toBe(422);
    expect(reused.body.details).toEqual([{ path: IDEMPOTENCY_KEY_HEADER, message: 'Use a new key for a different order' }]);
  });

  it('refuses a guest without an e-mail (400), another customer (403), a changed price (409) and a bad body (400)', async () => {
    const anonymous = await call('POST', '/orders', { body: orderRequest(), as: null });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.details).toEqual([{ path: 'customerEmail', message: 'Required for a guest order: its updates are sent there' }]);
    expect((await call('POST', '/orders', { body: orderRequest({ customerId: otherCustomer.sub }) })).status).toBe(403);
    const changed = await call('POST', '/orders', { body: orderRequest({ items: [{ productId: 'prod-001', quantity: 1, price: 1 }] }) });
    expect(changed.status).toBe(409);
    expect(changed.body.details[0].path).toBe('items.0.price');
    const invalid = await call('POST', '/orders', { body: orderRequest({ items: [] }) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details[0].path).toBe('items');
    expect((await call('POST', '/orders', { body: '{' })).status).toBe(400);
    expect((await call('POST', '/orders', { body: 'x'.repeat(API_LIMITS.maxBodyBytes + 1) })).status).toBe(413);
  });
});

describe('GET /orders and /orders/{orderId}', () => {
  let mine: string;
  let theirs: string;
  beforeAll(async () => {
    mine = (await call('POST', '/orders', { body: orderRequest() })).body.orderId;
    theirs = (await call('POST', '/orders', { body: orderRequest(), as: { ...otherCustomer } })).body.orderId;
  });

  it('shows an order to its owner and staff; to anyone else it is missing', async () => {
    expect((await call('GET', `/orders/${mine}`)).body.orderId).toBe(mine);
    expect((await call('GET', `/orders/${mine.toUpperCase()}`)).body.orderId).toBe(mine);
    expect((await call('GET', `/orders/${mine}`, { as: staff })).status).toBe(200);
    const hidden = await call('GET', `/orders/${theirs}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.details).toEqual([{ path: 'orderId', message: `No order ${theirs}` }]);
    expect((await call('GET', `/orders/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', '/orders/not-an-id')).status).toBe(400);
    expect((await call('GET', `/orders/${mine}`, { as: null })).status).toBe(401);
  });

  it("lists a customer's own orders, pages with a nextToken bound to the caller, never the counts", async () => {
    const first = await call('GET', '/orders?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.orders.every((o: { customerId: string }) => o.customerId === customer.sub)).toBe(true);
    expect(first.body).not.toHaveProperty('counts');
    expect(first.body.nextToken).toEqual(expect.any(String));
    const second = await call('GET', `/orders?limit=1&nextToken=${encodeURIComponent(first.body.nextToken)}`);
    expect(second.status).toBe(200);
    expect(second.body.orders[0].orderId).not.toBe(first.body.orders[0].orderId);
    // Another caller cannot use it.
    expect((await call('GET', `/orders?limit=1&nextToken=${encodeURIComponent(first.body.nextToken)}`, { as: otherCustomer })).status).toBe(400);
    expect((await call('GET', `/orders?customerId=${otherCustomer.sub}`)).status).toBe(403);
    expect((await call('GET', `/orders?customerId=${customer.sub}`)).status).toBe(200);
    expect((await call('GET', '/orders?limit=0')).status).toBe(400);
  });

  it('gives staff every order with the counts on the first page only', async () => {
    const all = await call('GET', '/orders?limit=100', { as: staff });
    const ids = all.body.orders.map((o: { orderId: string }) => o.orderId);
    expect(ids).toEqual(expect.arrayContaining([mine, theirs]));
    expect(all.body.counts.PENDING).toBe(ids.length);
    const filtered = await call('GET', `/orders?customerId=${otherCustomer.sub}`, { as: staff });
    expect(filtered.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([theirs]);
    expect(filtered.body.counts.PENDING).toBe(1);
    const paged = await call('GET', '/orders?limit=1', { as: staff });
    const next = await call('GET', `/orders?limit=1&nextToken=${encodeURIComponent(paged.body.nextToken)}`, { as: staff });
    expect(next.body).not.toHaveProperty('counts');
  });
});

describe("every AWS call app-server makes is one its role allows (tests/helpers/iam.ts)", () => {
  it('creates, reads, lists (customer, status, every order, by number), counts, cancels, refunds and pays again with only those actions', async () => {
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const { iamAction, APP_SERVER_ACTIONS } = await import('../helpers/iam.ts');
    const calls = new Map<string, Set<string>>();
    const record = (resource: string, action: string) => calls.set(resource, (calls.get(resource) ?? new Set()).add(action));
    type Command = { constructor: { name: string }; input: { TableName?: string; IndexName?: string; RequestItems?: Record<string, unknown> } };
    // Recorded, then sent as usual (the real calls reach dynalite and fauxqs).
    const dynamoSendOriginal = DynamoDBDocumentClient.prototype.send;
    const dynamoSend = vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const { constructor, input } = args[0] as Command;
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0];
      const resource =
        table === IDEMPOTENCY_TABLE.localName ? 'idempotencyTable' : table === STOCK_TABLE.localName ? 'stockTable' : table === STATS_TABLE.localName ? 'statsTable' : input.IndexName ? 'ordersIndexes' : 'ordersTable';
      record(resource, iamAction('dynamodb', constructor.name));
      return (dynamoSendOriginal as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    // The user pool's IAM actions go out as signed JSON requests (X-Amz-Target names the action).
    const fetchOriginal = globalThis.fetch;
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(((input: string | URL, init?: RequestInit) => {
      const target = (init?.headers as Record<string, string> | undefined)?.['x-amz-target'];
      if (String(input).startsWith(pool.endpoint) && target) record('userPool', `cognito-idp:${target.split('.')[1]}`);
      return fetchOriginal(input, init);
    }) as typeof fetch);
    const secretsSendOriginal = SecretsManagerClient.prototype.send;
    const secretsSend = vi.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation(function (this: unknown, ...args: unknown[]) {
      record('tokenSecret', `secretsmanager:${(args[0] as Command).constructor.name.replace(/Command$/, '')}`);
      return (secretsSendOriginal as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    const sqsSendOriginal = SQSClient.prototype.send;
    const sqsSend = vi.spyOn(SQSClient.prototype, 'send').mockImplementation(function (this: unknown, ...args: unknown[]) {
      record('queue', iamAction('sqs', (args[0] as Command).constructor.name));
      return (sqsSendOriginal as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    try {
      const created = await call('POST', '/orders', { body: orderRequest(), headers: { [IDEMPOTENCY_KEY_HEADER]: `key-${randomUUID()}` } });
      expect(created.status).toBe(201);
      const { orderId, orderNumber } = created.body as { orderId: string; orderNumber: string };
      expect((await call('GET', `/orders/${orderId}`)).status).toBe(200);
      expect((await call('GET', '/orders')).status).toBe(200);
      expect((await call('GET', '/orders?status=PENDING')).status).toBe(200);
      expect((await call('GET', '/orders', { as: staff })).status).toBe(200);
      expect((await call('GET', '/orders?status=PENDING', { as: staff })).status).toBe(200);
      expect((await call('GET', `/orders?orderNumber=${orderNumber}`, { as: staff })).status).toBe(200);
      expect((await call('POST', `/orders/${orderId}/cancel`)).status).toBe(200);
      // A return: staff refund an order the workflow shipped (moved on here as it would).
      const returned = (await call('POST', '/orders', { body: orderRequest() })).body as { orderId: string };
      const { DynamoDbOrderRepository } = await import('../../amplify/server/aws/dynamodb-order-repository.ts');
      const { createDocumentClient } = await import('../../amplify/server/aws/dynamodb-order-items.ts');
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const repository = new DynamoDbOrderRepository(createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint })), ORDERS_TABLE.localName);
      await repository.transition(returned.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-1' });
      await repository.transition(returned.orderId, 'SHIPPED', { trackingNumber: 'TRK-1' });
      expect((await call('POST', `/orders/${returned.orderId}/refund`, { as: staff })).status).toBe(200);
      // A declined order paid again.
      const declined = (await call('POST', '/orders', { body: orderRequest() })).body as { orderId: string };
      await repository.transition(declined.orderId, 'PAYMENT_FAILED', { failureReason: 'PaymentDeclinedError' });
      expect((await call('POST', `/orders/${declined.orderId}/payment`, { body: { paymentMethod: 'paypal' } })).status).toBe(200);
      // The catalog with its stock, and staff's stock change and history.
      expect((await call('GET', '/products')).status).toBe(200);
      expect((await call('PUT', '/products/prod-002/stock', { as: staff, body: { delta: -1, reason: 'Damaged in the warehouse' } })).status).toBe(200);
      expect((await call('GET', '/products/prod-002/stock', { as: staff })).status).toBe(200);
      // A guest's order, read with its link's token.
      const guest = await call('POST', '/orders', { body: orderRequest({ customerEmail: 'guest@example.com' }), as: null });
      expect(guest.status).toBe(201);
      const token = new URLSearchParams(String(guest.body.orderUrl).split('?')[1]).get(ORDER_TOKEN.query)!;
      expect((await call('GET', `/orders/${guest.body.orderId}`, { headers: { [ORDER_TOKEN.header]: token }, as: null })).status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      expect((await call('GET', `/stats?from=${today}&to=${today}`, { as: staff })).status).toBe(200);
      const leaving = { sub: randomUUID(), email: 'leaving@example.com' };
      expect((await call('GET', '/me/export', { as: leaving })).status).toBe(200);
      expect((await call('DELETE', '/me', { as: leaving })).status).toBe(204);
    } finally {
      dynamoSend.mockRestore();
      sqsSend.mockRestore();
      secretsSend.mockRestore();
      fetchSpy.mockRestore();
    }
    const allowed: Record<string, readonly string[]> = APP_SERVER_ACTIONS;
    for (const [resource, actions] of calls) expect([...actions].filter((a) => !allowed[resource]!.includes(a)), resource).toEqual([]);
    // The flows above do reach every kind of resource the role names.
    expect([...calls.keys()].sort()).toEqual(Object.keys(APP_SERVER_ACTIONS).sort());
  });
});
