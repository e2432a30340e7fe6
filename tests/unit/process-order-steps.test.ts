/**
 * process-order's handler against a real local DynamoDB (dynalite in memory) and SNS (fauxqs), as
 * Step Functions calls it: each step, its repeats, and the confirmation e-mail published once even
 * when recording it fails after a successful publish (the Powertools idempotency record answers the
 * retried step).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { orderNumberOf, PAYMENT_DECLINED_REASON } from '../../amplify/domain/order-rules.ts';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';
import { DynamoDbStockLedger } from '../../amplify/server/aws/dynamodb-stock-ledger.ts';
import { reserveOrder } from '../../amplify/server/inventory.ts';
import { IDEMPOTENCY_TABLE, STOCK_TABLE, ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { ENV } from '../../amplify/server/environment.ts';
import { LOCAL_AWS, LOCAL_REGION } from '../../local/shared/aws.ts';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb/dynamodb.ts';
import { lambdaContext } from '../../local/lambda/lambda.ts';
import { startMessaging, type LocalMessaging } from '../../local/messaging/messaging.ts';
import { Outbox } from '../../local/ses/outbox.ts';
import { startLocalSes } from '../../local/ses/ses.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

type ProcessOrder = typeof import('../../amplify/functions/process-order/handler.ts');

let dynamo: LocalDynamo;
let messaging: LocalMessaging;
let client: DynamoDBClient;
let store: DynamoDbOrderRepository;
let processOrder: ProcessOrder;
/** Order ids of the e-mails SNS accepted. */
const published: (string | undefined)[] = [];
const savedEnv = { ...process.env };

/** The handler module as Lambda loads it, with `PAYMENT_SUCCESS_RATE` set. */
async function loadHandler(paymentSuccessRate: string): Promise<ProcessOrder> {
  process.env[ENV.paymentSuccessRate] = paymentSuccessRate;
  vi.resetModules();
  return import('../../amplify/functions/process-order/handler.ts');
}

beforeAll(async () => {
  dynamo = await startDynamo(undefined);
  messaging = await startMessaging(0, () => undefined);
  outbox = new Outbox(mkdtempSync(path.join(tmpdir(), 'orders-steps-')));
  ses = await startLocalSes({ outbox, onMail: (mail) => void published.push(mail.orderId) });
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: messaging.endpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    [ENV.mailFrom]: 'orders@shop.example',
    [ENV.storefrontUrl]: 'http://127.0.0.1:5173/',
    [ENV.ordersTable]: ORDERS_TABLE.localName,
    [ENV.idempotencyTable]: IDEMPOTENCY_TABLE.localName,
    [ENV.stockTable]: STOCK_TABLE.localName,
    [ENV.statsTable]: 'stats',
    [ENV.topicArn]: messaging.topicArn,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  store = new DynamoDbOrderRepository(createDocumentClient(client), ORDERS_TABLE.localName);
  processOrder = await loadHandler('1');
});
afterAll(async () => {
  process.env = savedEnv;
  client?.destroy();
  await messaging?.stop();
  await ses?.stop();
  rmSync(path.dirname(outbox.dir), { recursive: true, force: true });
  await dynamo?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const step = (action: string, orderId: string, extra: Record<string, unknown> = {}, handler = processOrder.handler) =>
  handler({ action, orderId, ...extra }, lambdaContext('process-order', 30)) as Promise<Record<string, unknown>>;

async function newOrder(): Promise<Order> {
  const orderId = randomUUID();
  const now = new Date().toISOString();
  const order: Order = {
    orderId,
    orderNumber: orderNumberOf(orderId),
    customerId: 'customer-a',
    customerName: 'Ana García',
    customerEmail: 'ana@example.com',
    orderDate: now,
    updatedAt: now,
    status: 'PENDING',
    totalAmount: 129.99,
    subtotalAmount: 129.99,
    shippingAmount: 0,
    paymentMethod: 'credit_card',
    items: [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 1, price: 129.99 }],
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
  };
  await store.create(order);
  // The workflow's first step: its units are held before any payment (the payment step requires it).
  expect(await reserveOrder(new DynamoDbStockLedger(createDocumentClient(client), STOCK_TABLE.localName), order)).toEqual({ outcome: 'reserved' });
  return order;
}

const mailsOf = (orderId: string) => published.filter((id) => id === orderId).length;
let ses: Awaited<ReturnType<typeof startLocalSes>>;
let outbox: Outbox;

describe('the confirmation e-mail', () => {
  it('goes out once when recording it fails after a successful publish and the step is retried', async () => {
    const { orderId } = await newOrder();
    await step('process_payment', orderId);
    await step('arrange_shipment', orderId);

    // The first attempt publishes, then the update that records the e-mail fails (once).
    const send = DynamoDBDocumentClient.prototype.send;
    let failures = 0;
    vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) {
      const recordsMail = command instanceof UpdateCommand && String(command.input.UpdateExpression).includes('notificationSentDate');
      if (recordsMail && failures++ === 0) return Promise.reject(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
      return (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as typeof send);

    // Confirmed (sent and recorded), then shipped (sent, its record fails).
    await expect(step('send_notification', orderId)).rejects.toThrow('Service unavailable');
    expect(mailsOf(orderId)).toBe(2);
    expect((await store.require(orderId)).notificationSentDate).toBeUndefined();

    // Step Functions retries the step: the e-mail is not sent again, and now it is recorded.
    const retried = await step('send_notification', orderId);
    expect(failures).toBe(2);
    expect(mailsOf(orderId)).toBe(2);
    const recorded = (await store.require(orderId)).notificationSentDate;
    expect(recorded).toEqual(expect.any(String));
    expect(retried).toEqual({ notificationSentDate: recorded, emailsSent: ['order-confirmed', 'order-shipped'] });

    // A rerun later (recovery) answers with the recorded date and sends nothing.
    expect(await step('send_notification', orderId)).toEqual({ notificationSentDate: recorded, emailsSent: ['order-confirmed', 'order-shipped'] });
    expect(mailsOf(orderId)).toBe(2);
  });

  it('two overlapping attempts send one e-mail', async () => {
    const { orderId } = await newOrder();
    await step('process_payment', orderId);
    await step('arrange_shipment', orderId);
    const attempts = await Promise.allSettled([step('send_notification', orderId), step('send_notification', orderId)]);
    expect(attempts.some((a) => a.status === 'fulfilled')).toBe(true);
    expect(mailsOf(orderId)).toBe(2); // confirmed and shipped, once each
  });
});

describe('the steps', () => {
  it('pay, ship, notify and deliver, each repeat answering what the first recorded', async () => {
    const { orderId } = await newOrder();
    const paid = await step('process_payment', orderId);
    expect(paid).toEqual({ outcome: 'approved', transactionId: expect.any(String), paymentDate: expect.any(String) });
    expect(await step('process_payment', orderId)).toEqual(paid);
    const stored = await store.require(orderId);
    expect(stored).toMatchObject({ status: 'PAYMENT_PROCESSED', transactionId: paid.transactionId, paymentDate: paid.paymentDate });

    const shipped = await step('arrange_shipment', orderId);
    expect(shipped).toEqual({
      outcome: 'shipped',
      trackingNumber: expect.any(String),
      estimatedDeliveryDays: expect.any(Number),
      estimatedDeliveryDate: expect.any(String),
      shipmentDate: expect.any(String),
    });
    expect(await step('arrange_shipment', orderId)).toEqual(shipped);
    // A payment step rerun after shipment: the same transaction.
    expect(await step('process_payment', orderId)).toEqual(paid);

    const notified = await step('send_notification', orderId);
    expect(notified.notificationSentDate).toEqual(expect.any(String));
    const delivered = await step('confirm_delivery', orderId);
    expect(delivered).toEqual({ deliveryDate: expect.any(String) });
    expect(await step('confirm_delivery', orderId)).toEqual(delivered);
    const { outcome: _shippedOutcome, ...shipment } = shipped;
    expect(await store.require(orderId)).toMatchObject({ status: 'DELIVERED', ...shipment, ...delivered, transactionId: paid.transactionId });
    // Confirmed, shipped, delivered: each once, to the order's customer only.
    expect(outbox.list().filter((m) => m.orderId === orderId).map((m) => [m.kind, m.to]).sort()).toEqual([
      ['order-confirmed', 'ana@example.com'],
      ['order-delivered', 'ana@example.com'],
      ['order-shipped', 'ana@example.com'],
    ]);
  });

  it('marks a failed order with its reason, once', async () => {
    const pending = await newOrder();
    expect(await step('mark_payment_failed', pending.orderId, { reason: 'States.Timeout' })).toEqual({ status: 'PAYMENT_FAILED' });
    expect(await step('mark_payment_failed', pending.orderId, { reason: 'Other' })).toEqual({ status: 'PAYMENT_FAILED' });
    expect(await store.require(pending.orderId)).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'States.Timeout' });
    // A declined order's repeated payment step answers "declined" again.
    expect(await step('process_payment', pending.orderId)).toEqual({ outcome: 'declined' });

    const paid = await newOrder();
    await step('process_payment', paid.orderId);
    expect(await step('mark_shipment_failed', paid.orderId)).toEqual({ status: 'SHIPMENT_FAILED' });
    expect(await store.require(paid.orderId)).toMatchObject({ status: 'SHIPMENT_FAILED', failureReason: 'Unknown' });
  });

  it('a charge whose recording failed through every retry is recorded by mark_payment_failed, not left PAYMENT_FAILED with the money taken', async () => {
    const { orderId } = await newOrder();
    // Every attempt of the payment step: the provider's answer arrives, recording it on the order fails.
    const send = DynamoDBDocumentClient.prototype.send;
    let broken = true;
    vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) {
      const recordsCharge = command instanceof UpdateCommand && command.input.ExpressionAttributeValues?.[':to'] === 'PAYMENT_PROCESSED';
      if (broken && recordsCharge) return Promise.reject(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
      return (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as typeof send);
    for (let attempt = 0; attempt < 4; attempt++) await expect(step('process_payment', orderId)).rejects.toThrow('Service unavailable');
    expect(processOrder.paymentProvider.count(orderId, 'charge')).toBe(1);
    expect((await store.require(orderId)).status).toBe('PENDING');

    broken = false;
    expect(await step('mark_payment_failed', orderId, { reason: 'ServiceUnavailable' })).toEqual({ status: 'PAYMENT_PROCESSED', chargeRecovered: true });
    const order = await store.require(orderId);
    expect(order).toMatchObject({ status: 'PAYMENT_PROCESSED', transactionId: expect.stringMatching(/^txn_/) });
    expect(order.failureReason).toBeUndefined();
    // Still one charge; the workflow goes on to the shipment with it.
    expect(processOrder.paymentProvider.count(orderId, 'charge')).toBe(1);
    expect(await step('process_payment', orderId)).toMatchObject({ outcome: 'approved', transactionId: order.transactionId });
  });

  it('records a declined payment on the order and answers normally', async () => {
    const declining = await loadHandler('0');
    const { orderId } = await newOrder();
    expect(await step('process_payment', orderId, {}, declining.handler)).toEqual({ outcome: 'declined' });
    expect(await store.require(orderId)).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: PAYMENT_DECLINED_REASON });
    expect(await step('process_payment', orderId, {}, declining.handler)).toEqual({ outcome: 'declined' });
  });

  it('refuses a payment success rate outside 0..1 at start', async () => {
    await expect(loadHandler('1.5')).rejects.toThrow(ENV.paymentSuccessRate);
    await expect(loadHandler('-0.1')).rejects.toThrow(ENV.paymentSuccessRate);
    await expect(loadHandler('x')).rejects.toThrow(ENV.paymentSuccessRate);
  });

  it('refuses input that is not a step of an order', async () => {
    const orderId = randomUUID();
    for (const event of [null, {}, { action: 'refund', orderId }, { action: 'process_payment', orderId: 'x' }, { action: 'mark_payment_failed', orderId, reason: 'r'.repeat(257) }, { action: 'mark_payment_failed', orderId, reason: 5 }]) {
      await expect(processOrder.handler(event, lambdaContext('process-order', 30))).rejects.toMatchObject({ name: 'InvalidStepInputError' });
    }
    expect(processOrder.parseStepInput({ action: 'mark_payment_failed', orderId: orderId.toUpperCase(), reason: 'r'.repeat(256) })).toEqual({
      action: 'mark_payment_failed',
      orderId,
      reason: 'r'.repeat(256),
    });
    // An order that does not exist is the store's error, not a success.
    await expect(step('process_payment', orderId)).rejects.toMatchObject({ name: 'OrderNotFoundError' });
  });
});

describe('the order events', () => {
  /** The types of the order's events the topic delivered to its (raw) SQS subscription so far. */
  const eventsQueued: { orderId: string; type: string }[] = [];
  async function eventTypes(orderId: string): Promise<string[]> {
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: messaging.endpoint });
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: messaging.eventsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (Messages.length === 0) break;
      for (const m of Messages) {
        eventsQueued.push(JSON.parse(m.Body!) as { orderId: string; type: string });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: messaging.eventsQueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    sqs.destroy();
    return eventsQueued.filter((e) => e.orderId === orderId).map((e) => e.type).sort();
  }

  it('without a sender (no MAIL_FROM) go out once per kind however many steps notify: nothing else marks a kind done', async () => {
    delete process.env[ENV.mailFrom];
    try {
      const handler = (await loadHandler('1')).handler;
      const { orderId } = await newOrder();
      await step('process_payment', orderId, {}, handler);
      await step('send_notification', orderId, {}, handler);
      await step('arrange_shipment', orderId, {}, handler);
      for (let i = 0; i < 3; i++) await step('send_notification', orderId, {}, handler);
      expect(await eventTypes(orderId)).toEqual(['order-confirmed', 'order-shipped']);
      expect((await store.require(orderId)).emailsSent).toBeUndefined();
    } finally {
      process.env[ENV.mailFrom] = 'orders@shop.example';
    }
  });

  it('with a sender go out with their e-mails, recorded once (at least once by eventId: no record of their own)', async () => {
    const { orderId } = await newOrder();
    await step('process_payment', orderId);
    await step('arrange_shipment', orderId);
    for (let i = 0; i < 3; i++) await step('send_notification', orderId);
    expect(await eventTypes(orderId)).toEqual(['order-confirmed', 'order-shipped']);
    expect((await store.require(orderId)).emailsSent).toEqual(['order-confirmed', 'order-shipped']);
  });
});
