/**
 * The floor a handler can approach: a bare `node:http` server, in the same process as the local
 * stack, that makes only the AWS SDK calls the route must make and nothing else (no API Gateway
 * emulator, no authorizer, no router, no validation, no Powertools):
 *
 *   POST /orders       JSON.parse the body; then, as `placeOrder` (amplify/server/place-order.ts)
 *                      makes them for a signed-in customer's new order with an Idempotency-Key (the
 *                      bench always sends one):
 *                        1. together: GetItem (strongly consistent) of the account's closed-account
 *                           item in the idempotency table (`DynamoDbClosedAccounts.isClosed`: none
 *                           is there), and BatchGetItem (strongly consistent) of the stock items of
 *                           the request's products (`checkAvailability`);
 *                        2. a conditional PutItem of the key's record (`DynamoDbOrderKeys.claim`);
 *                        3. a conditional PutItem of an order-sized item under a new key;
 *                        4. UpdateItem `ADD placed :1` on the day's stats item (`countingOrders`,
 *                           `DynamoDbStatsStore.add`, the same item the route counts on);
 *                        5. SendMessage of `{"orderId"}` (to a scratch queue: nothing consumes it);
 *                      201 with the item. No per-account rate limit call: the bench's stack runs
 *                      with the limit off (stack-child.ts), so the route makes none either.
 *   GET /orders/{id}   a strongly consistent GetItem, 200 with the item.
 *
 * Same SDK clients and settings as the handlers (DynamoDBDocumentClient via createDocumentClient,
 * SQSClient), same local services. Listens on 127.0.0.1 only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dayOf, DEFAULT_TIME_ZONE } from '../amplify/domain/stats.ts';
import { ENV } from '../amplify/server/environment.ts';
import { orderMessage } from '../amplify/server/order-message.ts';
import { createDocumentClient } from '../amplify/server/aws/dynamodb-order-items.ts';
import { CLOSED_ACCOUNTS, ORDER_KEYS } from '../amplify/server/settings/api.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, STATS_TABLE, STOCK_TABLE } from '../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../local/shared/aws.ts';

export interface SdkFloor {
  url: string;
  /** Sets the item POST copies: an order the real API stored, so both write the same size. */
  useTemplate(orderId: string): Promise<void>;
  close(): Promise<void>;
}

export interface FloorTables {
  ordersTable: string;
  idempotencyTable: string;
  stockTable: string;
  statsTable: string;
}

export async function startSdkFloor(endpoints: { dynamodb: string; sqs: string }, { ordersTable, idempotencyTable, stockTable, statsTable }: FloorTables): Promise<SdkFloor> {
  const db = createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: endpoints.dynamodb }));
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: endpoints.sqs });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-sdk-floor' }));
  const timeZone = process.env[ENV.shopTimeZone] || DEFAULT_TIME_ZONE;
  /** An order as POST stores it, taken from the first stored order the floor is asked for. */
  let template: Record<string, unknown> | undefined;

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const get = async (orderId: string) =>
    (await db.send(new GetCommand({ TableName: ordersTable, Key: { [ORDERS_TABLE.partitionKey]: orderId }, ConsistentRead: true }))).Item;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const match = /^\/orders\/([^/?]+)/.exec(req.url ?? '');
        if (req.method === 'GET' && match) {
          const item = await get(decodeURIComponent(match[1]!));
          return item ? answer(res, 200, item) : answer(res, 404, { error: 'not found' });
        }
        if (req.method === 'POST' && req.url === '/orders' && template) {
          const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { customerName?: string; items: { productId: string }[] };
          const item = { ...template, orderId: randomUUID(), customerName: request.customerName ?? template.customerName };
          const closedAccountId = CLOSED_ACCOUNTS.idPrefix + createHash('sha256').update(String(template.customerId)).digest('hex');
          const stockKeys = [...new Set(request.items.map((line) => line.productId))].map((productId) => ({ [STOCK_TABLE.partitionKey]: productId, [STOCK_TABLE.sortKey]: STOCK_TABLE.stockEntry }));
          await Promise.all([
            db.send(new GetCommand({ TableName: idempotencyTable, Key: { [IDEMPOTENCY_TABLE.partitionKey]: closedAccountId }, ConsistentRead: true })),
            db.send(new BatchGetCommand({ RequestItems: { [stockTable]: { Keys: stockKeys, ConsistentRead: true } } })),
          ]);
          if (req.headers['idempotency-key']) {
            // As the route's: a hashed id, the order id, a SHA-256 fingerprint and the expiry (TTL).
            const record = {
              [IDEMPOTENCY_TABLE.partitionKey]: `${ORDER_KEYS.idPrefix}${randomBytes(32).toString('hex')}`,
              orderId: item.orderId,
              fingerprint: randomBytes(32).toString('hex'),
              [IDEMPOTENCY_TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) + ORDER_KEYS.expiresAfterSeconds,
            };
            await db.send(new PutCommand({ TableName: idempotencyTable, Item: record, ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': IDEMPOTENCY_TABLE.partitionKey } }));
          }
          await db.send(new PutCommand({ TableName: ordersTable, Item: item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': ORDERS_TABLE.partitionKey } }));
          const day = { [STATS_TABLE.partitionKey]: `${STATS_TABLE.dayPartitionPrefix}${timeZone}`, [STATS_TABLE.sortKey]: dayOf(new Date().toISOString(), timeZone) };
          await db.send(new UpdateCommand({ TableName: statsTable, Key: day, UpdateExpression: 'ADD #c0 :c0', ExpressionAttributeNames: { '#c0': 'placed' }, ExpressionAttributeValues: { ':c0': 1 } }));
          await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: orderMessage(item.orderId) }));
          return answer(res, 201, item);
        }
        answer(res, 404, { error: 'no such route' });
      })().catch((error: Error) => answer(res, 500, { error: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    async useTemplate(orderId: string) {
      template = await get(orderId);
      if (!template) throw new Error(`sdk floor: order ${orderId} not found`);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.destroy();
      sqs.destroy();
    },
  };
}
