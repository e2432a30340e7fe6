/**
 * The floor a handler can approach: a bare `node:http` server, in the same process as the local
 * stack, that makes only the AWS SDK calls the route must make and nothing else (no API Gateway
 * emulator, no authorizer, no router, no validation, no Powertools):
 *
 *   POST /orders       JSON.parse the body; with an Idempotency-Key (the storefront always sends
 *                      one, and so does the bench), a conditional PutItem of the key's record as
 *                      `DynamoDbOrderKeys.claim` writes it; a conditional PutItem of an order-sized
 *                      item under a new key; SendMessage of `{"orderId"}` (to a scratch queue:
 *                      nothing consumes it); 201 with the item.
 *   GET /orders/{id}   a strongly consistent GetItem, 200 with the item.
 *
 * Same SDK clients and settings as the handlers (DynamoDBDocumentClient via createDocumentClient,
 * SQSClient), same local services. Listens on 127.0.0.1 only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { orderMessage } from '../amplify/server/order-message.ts';
import { createDocumentClient } from '../amplify/server/aws/dynamodb-order-items.ts';
import { IDEMPOTENCY_TABLE, ORDER_KEYS, ORDERS_TABLE } from '../amplify/server/settings.ts';
import { LOCAL_AWS } from '../local/shared/aws.ts';

export interface SdkFloor {
  url: string;
  /** Sets the item POST copies: an order the real API stored, so both write the same size. */
  useTemplate(orderId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSdkFloor(endpoints: { dynamodb: string; sqs: string }, ordersTable: string, idempotencyTable: string): Promise<SdkFloor> {
  const db = createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: endpoints.dynamodb }));
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: endpoints.sqs });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-sdk-floor' }));
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
          const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          const item = { ...template, orderId: randomUUID(), customerName: request.customerName ?? template.customerName };
          if (req.headers['idempotency-key']) {
            const record = { [IDEMPOTENCY_TABLE.partitionKey]: `${ORDER_KEYS.idPrefix}${randomUUID()}`, orderId: item.orderId, fingerprint: randomUUID() };
            await db.send(new PutCommand({ TableName: idempotencyTable, Item: record, ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': IDEMPOTENCY_TABLE.partitionKey } }));
          }
          await db.send(new PutCommand({ TableName: ordersTable, Item: item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': ORDERS_TABLE.partitionKey } }));
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
