/**
 * app-server called as Lambda calls it: API Gateway REST proxy events in, proxy results out, with
 * DynamoDB and SQS mocked at the SDK (aws-sdk-client-mock). No server, no local stack: what is
 * checked is the handler's HTTP contract and the AWS calls it makes.
 */
import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { guestCustomerIdOf } from '../../amplify/server/place-order.ts';
import { ENV } from '../../amplify/server/environment.ts';
import { orderRequest } from '../fixtures.ts';
import { apiEvent, CUSTOMER, HANDLER_ENV, lambdaContext, QUEUE_URL } from './events.ts';
import { captureLogs } from './logs.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
let logs: ReturnType<typeof captureLogs>;
const context = lambdaContext('app-server');

beforeAll(async () => {
  for (const [name, value] of Object.entries(HANDLER_ENV)) vi.stubEnv(name, value);
  ({ handler } = await import('../../amplify/functions/app-server/handler.ts'));
});
afterAll(() => {
  vi.unstubAllEnvs();
  ddb.restore();
  sqs.restore();
});
beforeEach(() => {
  ddb.reset();
  // No item unless a test says otherwise (e.g. the caller's account is not a closed one).
  ddb.on(GetCommand).resolves({});
  // Every product in stock (a stock item per product asked for).
  ddb.on(BatchGetCommand).callsFake(({ RequestItems }) => ({
    Responses: Object.fromEntries(Object.entries(RequestItems as Record<string, { Keys: { productId?: string }[] }>).map(([table, { Keys }]) => [table, Keys.filter((key) => key.productId).map(({ productId }) => ({ productId, available: 100, sold: 0, reservations: {} }))])),
  }));
  sqs.reset();
  logs = captureLogs();
});
afterEach(() => logs.restore());

/** The answer, its JSON body, and its headers by lower-case name (the router may answer in `multiValueHeaders`). */
const call = async (event: APIGatewayProxyEvent) => {
  const result = await handler(event, context);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.join(', ');
  return { statusCode: result.statusCode, headers, json: JSON.parse(result.body) as Record<string, unknown> };
};

describe('POST /orders', () => {
  it('stores the order priced from the catalog, enqueues {orderId} and answers 201 with Location', async () => {
    ddb.on(PutCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    const response = await call(apiEvent('POST', '/orders', { body: orderRequest() }));

    expect(response.statusCode).toBe(201);
    const order = response.json as { orderId: string; customerId: string; customerEmail: string; status: string; totalAmount: number };
    expect(order).toMatchObject({ customerId: CUSTOMER.sub, customerEmail: CUSTOMER.email, status: 'PENDING', totalAmount: 278.48 });
    expect(response.headers.location).toBe(`/orders/${order.orderId}`);
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.args[0].input).toMatchObject({ TableName: 'orders-table', Item: { orderId: order.orderId, totalAmount: 278.48 } });
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ orderId: order.orderId }) },
    ]);
    // At DEBUG: a successful order writes no application log line in the cloud (FUNCTION_LOGGING).
    expect(logs.messages('debug')).toContain('Order created');
    expect(logs.messages('info')).toEqual([]);
  });

  it('still answers 201 when the queue is down, and logs the order for the recovery job', async () => {
    ddb.on(PutCommand).resolves({});
    sqs.on(SendMessageCommand).rejects(new Error('SQS unavailable'));

    const response = await call(apiEvent('POST', '/orders', { body: orderRequest() }));

    expect(response.statusCode).toBe(201);
    expect(logs.messages('error')).toEqual(['Order stored but not enqueued; the recovery job will enqueue it']);
    expect(logs.lines.find((line) => line.level === 'error')!.extra[0]).toMatchObject({ orderId: (response.json as { orderId: string }).orderId });
  });

  it('answers 503 with Retry-After when DynamoDB fails on its side, and logs it', async () => {
    ddb.on(PutCommand).rejects(new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } }));

    const response = await call(apiEvent('POST', '/orders', { body: orderRequest() }));

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(logs.messages('error')).toEqual(['A downstream AWS service failed']);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses a bad item with 400 naming the field, before any AWS call', async () => {
    const response = await call(apiEvent('POST', '/orders', { body: orderRequest({ items: [{ productId: 'prod-001', quantity: 0 }] }) }));

    expect(response.statusCode).toBe(400);
    expect(response.json.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'items.0.quantity' })]));
    expect(ddb.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
    expect(logs.messages('error')).toEqual([]);
  });

  it('without claims or a token it is a guest order, which needs customerEmail (400 naming it)', async () => {
    const response = await call(apiEvent('POST', '/orders', { body: orderRequest(), claims: null }));

    expect(response.statusCode).toBe(400);
    expect(response.json.details).toEqual([{ path: 'customerEmail', message: expect.any(String) }]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 401 naming Authorization for a token it cannot verify (never a guest order)', async () => {
    // The route verifies a token itself (no authorizer runs for a guest's methods): against this app client.
    process.env[ENV.userPoolClientId] = 'unit-app-client';
    try {
      const response = await call(apiEvent('POST', '/orders', { body: orderRequest({ customerEmail: 'ana@example.com' }), claims: null, headers: { Authorization: 'not-a-token' } }));

      expect(response.statusCode).toBe(401);
      expect(response.json.details).toEqual([{ path: 'Authorization', message: expect.any(String) }]);
      expect(ddb.calls()).toHaveLength(0);
    } finally {
      delete process.env[ENV.userPoolClientId];
    }
  });
});

describe('GET /orders', () => {
  it("queries the customer's own orders through the CustomerIndex", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });

    const response = await call(apiEvent('GET', '/orders'));

    expect(response.statusCode).toBe(200);
    expect(response.json.orders).toEqual([]);
    // First the guest orders placed with the account's verified e-mail (none here), then the account's own.
    const [guestQuery, query] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(guestQuery).toMatchObject({ TableName: 'orders-table', IndexName: 'CustomerIndex', ExpressionAttributeValues: { ':pk': guestCustomerIdOf(CUSTOMER.email) } });
    expect(query).toMatchObject({ TableName: 'orders-table', IndexName: 'CustomerIndex' });
    expect(Object.values(query!.ExpressionAttributeValues ?? {})).toContain(CUSTOMER.sub);
  });

  it("refuses another customer's id with 403", async () => {
    const response = await call(apiEvent('GET', '/orders', { query: { customerId: '7d8f0c1e-0000-4000-8000-000000000002' } }));

    expect(response.statusCode).toBe(403);
    expect(response.json.details).toEqual([expect.objectContaining({ path: 'customerId' })]);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('GET /orders/{orderId}', () => {
  const orderId = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';

  it("answers 404, as for a missing order, when the order is someone else's", async () => {
    ddb.on(GetCommand).resolves({ Item: { orderId, customerId: 'someone-else', status: 'PENDING' } });

    const response = await call(apiEvent('GET', `/orders/${orderId}`));

    expect(response.statusCode).toBe(404);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ TableName: 'orders-table', Key: { orderId } });
  });

  it('refuses an id that is not a UUID with 400, without reading the table', async () => {
    const response = await call(apiEvent('GET', '/orders/not-an-id'));

    expect(response.statusCode).toBe(400);
    expect(response.json.details).toEqual([expect.objectContaining({ path: 'orderId' })]);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('routing', () => {
  it('answers GET /health without credentials', async () => {
    const response = await call(apiEvent('GET', '/health', { claims: null }));
    expect(response.statusCode).toBe(200);
    expect(response.json.status).toBe('ok');
  });

  it('answers 405 with Allow for a known path and 404 for an unknown one', async () => {
    const wrongMethod = await call(apiEvent('DELETE', '/orders'));
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, POST');

    const unknown = await call(apiEvent('GET', '/nothing-here'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json.details).toEqual([{ path: 'path', message: 'No route /nothing-here' }]);
  });
});
