/**
 * process-order's wiring (`wiring.ts`): the steps' context built with every AWS client mocked at the
 * SDK, and the Powertools idempotency table as an in-memory stand-in that keeps DynamoDB's
 * conditional put (a key already claimed and not expired is refused with the record it holds).
 * What it pins is what makes money move exactly once: a charge per order and payment attempt, a
 * refund per order, an e-mail per order and kind, however often a step asks; the charge's record
 * found (never charged) by `findCharge`; the keys every record is stored under; the in-progress
 * records' lifetime from the Lambda context; the settings read at start.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  type PutItemCommandInput,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderEmail } from '../../amplify/domain/notification.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { OrderTokens } from '../../amplify/server/order-token.ts';
import { CANCEL_WINDOW } from '../../amplify/server/settings/pipeline.ts';
import { ENV } from '../../amplify/server/environment.ts';
import { HANDLER_ENV, lambdaContext } from './events.ts';

type Wiring = typeof import('../../amplify/functions/process-order/wiring.ts');

const dynamodb = mockClient(DynamoDBClient);
const documents = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
const secrets = mockClient(SecretsManagerClient);
const scheduler = mockClient(SchedulerClient);
const MOCKS = [dynamodb, documents, sns, ses, secrets, scheduler];

const ORDER_ID = '0f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
const OTHER_ORDER_ID = '7c6b5a49-3827-4165-9f4e-3d2c1b0a9f8e';
const SECRET = 'order-token-secret-for-unit-tests';
const WIRING_ENV: Record<string, string> = {
  ...HANDLER_ENV,
  [ENV.paymentSuccessRate]: '1',
  [ENV.mailFrom]: 'orders@shop.example',
  [ENV.sesConfigurationSet]: 'order-mail',
  [ENV.deliveryScheduleGroup]: 'order-deliveries',
  [ENV.deliverySchedulerRoleArn]: 'arn:aws:iam::123456789012:role/delivery-scheduler',
};
const DAY_SECONDS = 24 * 3600;

let wiring: Wiring;

/** The idempotency table: items by their key (`id`), as DynamoDB stores them (attribute values). */
const table = new Map<string, Record<string, AttributeValue>>();
const keyOf = (key: Record<string, AttributeValue> | undefined) => key!.id!.S!;
const numberOf = (value: AttributeValue | undefined) => (value?.N === undefined ? undefined : Number(value.N));

/** Powertools' key of a record: `<prefix>#<md5, base64, of the JSON of what the key path selects>`. */
const recordKey = (prefix: string, selected: string) => `${prefix}#${createHash('md5').update(JSON.stringify(selected)).digest('base64')}`;

function installIdempotencyTable() {
  dynamodb.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
    const id = keyOf(input.Item);
    const held = table.get(id);
    const now = Date.now();
    const free =
      !held ||
      numberOf(held.expiration)! < now / 1000 ||
      (held.status?.S === 'INPROGRESS' && held.in_progress_expiration !== undefined && numberOf(held.in_progress_expiration)! < now);
    if (!free) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: held });
    table.set(id, { ...input.Item });
    return {};
  });
  dynamodb.on(GetItemCommand).callsFake((input: { Key: Record<string, AttributeValue> }) => ({ Item: table.get(keyOf(input.Key)) }));
  dynamodb.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
    const item = table.get(keyOf(input.Key))!;
    for (const assignment of input.UpdateExpression!.replace(/^SET /, '').split(', ')) {
      const [name, value] = assignment.split(' = ') as [string, string];
      item[input.ExpressionAttributeNames![name]!] = input.ExpressionAttributeValues![value]!;
    }
    return {};
  });
  dynamodb.on(DeleteItemCommand).callsFake((input: { Key: Record<string, AttributeValue> }) => {
    table.delete(keyOf(input.Key));
    return {};
  });
}

const fakeTracer = { captureAWSv3Client: <T>(client: T) => client } as unknown as Tracer;
const fakeMetrics = { addMetric: () => undefined } as unknown as Metrics;
const logger = { error: vi.fn(), warn: vi.fn() };

/**
 * The module as Lambda loads it, fresh (its module-level code, the payment provider and the charge's
 * key prefix, runs inside the test, where StrykerJS can see it), with `env` over the function's environment.
 */
async function load(env: Record<string, string | undefined> = {}): Promise<Wiring> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  wiring = await import('../../amplify/functions/process-order/wiring.ts');
  return wiring;
}

async function build(env: Record<string, string | undefined> = {}) {
  return (await load(env)).createStepContext({ logger, metrics: fakeMetrics, tracer: fakeTracer });
}

function order(overrides: Partial<Order> = {}): Order {
  const at = '2026-12-01T10:00:00.000Z';
  return {
    orderId: ORDER_ID,
    orderNumber: 'FHNN-MJ9R-4WB0',
    customerId: 'customer-a',
    customerName: 'Ana García',
    customerEmail: 'ana@example.com',
    orderDate: at,
    updatedAt: at,
    status: 'PAYMENT_PROCESSED',
    totalAmount: 129.99,
    subtotalAmount: 129.99,
    shippingAmount: 0,
    paymentMethod: 'credit_card',
    transactionId: 'txn_1',
    items: [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 1, price: 129.99 }],
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
    ...overrides,
  };
}

const charges = (orderId = ORDER_ID) => wiring.paymentProvider.count(orderId, 'charge');
const refunds = (orderId = ORDER_ID) => wiring.paymentProvider.count(orderId, 'refund');
const puts = () => dynamodb.commandCalls(PutItemCommand).map((call) => call.args[0].input);

afterAll(() => {
  vi.unstubAllEnvs();
  MOCKS.forEach((mock) => mock.restore());
});
beforeEach(() => {
  vi.unstubAllEnvs();
  MOCKS.forEach((mock) => mock.reset());
  table.clear();
  installIdempotencyTable();
  for (const [name, value] of Object.entries(WIRING_ENV)) vi.stubEnv(name, value);
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the charge key', () => {
  it("is the order id for the first payment and '<orderId>#<n>' for the n-th attempt", async () => {
    await load();
    expect(wiring.chargeKeyOf(ORDER_ID, 1)).toBe(ORDER_ID);
    expect(wiring.chargeKeyOf(ORDER_ID, 2)).toBe(`${ORDER_ID}#2`);
    expect(wiring.chargeKeyOf(ORDER_ID, 3)).toBe(`${ORDER_ID}#3`);
    expect(new wiring.NoChargeRecordedError('none').name).toBe('NoChargeRecordedError');
  });
});

describe('the charge', () => {
  it('is made once per order and payment attempt however often the step asks, and answers the first result each time', async () => {
    const { context } = await build();
    const first = await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 });
    expect(first).toEqual({ approved: true, transactionId: expect.stringMatching(/^txn_/) });
    expect(await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 })).toEqual(first);
    // The key is the order and attempt, nothing else: the same attempt never charges again.
    expect(await context.chargeOnce({ orderId: ORDER_ID, amount: 99, attempt: 1 })).toEqual(first);
    expect(charges()).toBe(1);

    // A payment tried again after a decline is a new charge, once too.
    const second = await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 2 });
    expect(second.transactionId).not.toBe(first.transactionId);
    expect(await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 2 })).toEqual(second);
    expect(charges()).toBe(2);

    // Another order is charged on its own.
    await context.chargeOnce({ orderId: OTHER_ORDER_ID, amount: 10, attempt: 1 });
    expect(charges(OTHER_ORDER_ID)).toBe(1);
    expect(charges()).toBe(2);

    // The first attempt's record is keyed by the bare order id (as before retries existed), the n-th by '<orderId>#<n>'.
    expect([...table.keys()].sort()).toEqual(
      [recordKey('payment-charge', ORDER_ID), recordKey('payment-charge', `${ORDER_ID}#2`), recordKey('payment-charge', OTHER_ORDER_ID)].sort(),
    );
    expect(table.get(recordKey('payment-charge', ORDER_ID))?.status?.S).toBe('COMPLETED');
  });

  it('is found by findCharge, which never charges: the recorded answer, or undefined when no charge was made', async () => {
    const { context } = await build();
    expect(await context.findCharge(ORDER_ID, 1)).toBeUndefined();
    // Looking leaves no record behind: the charge itself still happens afterwards, once.
    expect(table.size).toBe(0);
    expect(charges()).toBe(0);

    const paid = await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 });
    expect(await context.findCharge(ORDER_ID, 1)).toEqual(paid);
    expect(await context.findCharge(ORDER_ID, 2)).toBeUndefined();
    expect(charges()).toBe(1);

    const retried = await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 2 });
    expect(await context.findCharge(ORDER_ID, 2)).toEqual(retried);
    expect(charges()).toBe(2);
  });

  it('still in flight is neither charged again nor reported missing: both calls are told it is in progress', async () => {
    const { context, registerLambdaContext } = await build();
    registerLambdaContext(lambdaContext('process-order', 30_000));
    const charge = wiring.paymentProvider.charge.bind(wiring.paymentProvider);
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    vi.spyOn(wiring.paymentProvider, 'charge').mockImplementation(async (request) => {
      const result = await charge(request);
      await answered;
      return result;
    });

    const inFlight = context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 });
    await vi.waitFor(() => expect(charges()).toBe(1));
    await expect(context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 })).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    await expect(context.findCharge(ORDER_ID, 1)).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    answer();
    const paid = await inFlight;
    expect(await context.findCharge(ORDER_ID, 1)).toEqual(paid);
    expect(charges()).toBe(1);
  });

  it("is not reported missing when its record cannot be read: the table's error reaches the step", async () => {
    const { context } = await build();
    dynamodb.on(PutItemCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    await expect(context.findCharge(ORDER_ID, 1)).rejects.toThrow();
    await expect(context.findCharge(ORDER_ID, 1)).rejects.not.toBeInstanceOf(wiring.NoChargeRecordedError);
    await expect(context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 })).rejects.toThrow();
    expect(charges()).toBe(0);
  });
});

describe('the refund', () => {
  it('is made once per order however often the compensation asks, and answers the first refund each time', async () => {
    const { context } = await build();
    const first = await context.refundOnce({ orderId: ORDER_ID, transactionId: 'txn_1', amount: 129.99 });
    expect(first).toEqual({ refundId: expect.stringMatching(/^rfnd_/), refundDate: expect.any(String) });
    expect(await context.refundOnce({ orderId: ORDER_ID, transactionId: 'txn_1', amount: 129.99 })).toEqual(first);
    // Keyed by the order alone: one refund per order.
    expect(await context.refundOnce({ orderId: ORDER_ID, transactionId: 'txn_other', amount: 1 })).toEqual(first);
    expect(refunds()).toBe(1);

    await context.refundOnce({ orderId: OTHER_ORDER_ID, transactionId: 'txn_2', amount: 10 });
    expect(refunds(OTHER_ORDER_ID)).toBe(1);
    expect([...table.keys()].sort()).toEqual([recordKey('payment-refund', ORDER_ID), recordKey('payment-refund', OTHER_ORDER_ID)].sort());
    // A refund is not a charge: the charge of the order is still to be found as not made.
    expect(await context.findCharge(ORDER_ID, 1)).toBeUndefined();
    expect(charges()).toBe(0);
  });

  it('that failed is tried again (no record of a refund that was not made)', async () => {
    const { context } = await build();
    const refund = wiring.paymentProvider.refund.bind(wiring.paymentProvider);
    const provider = vi.spyOn(wiring.paymentProvider, 'refund').mockRejectedValueOnce(new Error('Provider unavailable')).mockImplementation(refund);
    await expect(context.refundOnce({ orderId: ORDER_ID, transactionId: 'txn_1', amount: 129.99 })).rejects.toThrow('Provider unavailable');
    expect(table.size).toBe(0);
    expect(await context.refundOnce({ orderId: ORDER_ID, transactionId: 'txn_1', amount: 129.99 })).toEqual({ refundId: expect.stringMatching(/^rfnd_/), refundDate: expect.any(String) });
    expect(provider).toHaveBeenCalledTimes(2);
    expect(refunds()).toBe(1);
  });
});

describe('the idempotency records', () => {
  it('live in the idempotency table under its key attribute for 7 days, in progress no longer than the invocation', async () => {
    const { context, registerLambdaContext } = await build();
    registerLambdaContext(lambdaContext('process-order', 30_000));
    const before = Date.now();
    await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 });
    await context.refundOnce({ orderId: ORDER_ID, transactionId: 'txn_1', amount: 129.99 });
    await context.sendEmailOnce!('order-confirmed', order());
    const after = Date.now();

    expect(puts()).toHaveLength(3);
    for (const put of puts()) {
      expect(put.TableName).toBe(HANDLER_ENV[ENV.idempotencyTable]);
      expect(Object.keys(put.Item!).sort()).toEqual(['expiration', 'id', 'in_progress_expiration', 'status']);
      const expiry = numberOf(put.Item!.expiration)!;
      expect(expiry).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 7 * DAY_SECONDS);
      expect(expiry).toBeLessThanOrEqual(Math.ceil(after / 1000) + 7 * DAY_SECONDS);
      // A record left in progress by a crash frees its key when the invocation could have run no longer.
      const inProgressUntil = numberOf(put.Item!.in_progress_expiration)!;
      expect(inProgressUntil).toBeGreaterThanOrEqual(before + 30_000);
      expect(inProgressUntil).toBeLessThanOrEqual(after + 30_000);
    }
  });

  it('left in progress by an invocation that ended frees the charge for the next one, which charges once', async () => {
    const { context, registerLambdaContext } = await build();
    registerLambdaContext(lambdaContext('process-order', 10_000));
    // The first invocation's call to the provider never answers (the Lambda timed out).
    const provider = vi.spyOn(wiring.paymentProvider, 'charge').mockImplementationOnce(() => new Promise(() => undefined));
    void context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 });
    await vi.waitFor(() => expect(table.size).toBe(1));
    await expect(context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 })).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);

    // The timed-out invocation's record expired in progress: the next invocation charges.
    const record = table.get(recordKey('payment-charge', ORDER_ID))!;
    record.in_progress_expiration = { N: String(Date.now() - 1) };
    registerLambdaContext(lambdaContext('process-order', 30_000));
    expect(await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 })).toEqual({ approved: true, transactionId: expect.stringMatching(/^txn_/) });
    expect(provider).toHaveBeenCalledTimes(2);
    expect(table.get(recordKey('payment-charge', ORDER_ID))?.status?.S).toBe('COMPLETED');
  });
});

describe('the e-mails (a sender is set)', () => {
  it('each kind goes out once per order, from the sender, with the configuration set; the order events each time (no record of their own)', async () => {
    const { context } = await build();
    const paid = order();
    await context.sendEmailOnce!('order-confirmed', paid);
    await context.sendEmailOnce!('order-confirmed', paid);
    await context.sendEmailOnce!('order-shipped', order({ status: 'SHIPPED', trackingNumber: 'TRK1' }));
    await context.sendEmailOnce!('order-confirmed', order({ orderId: OTHER_ORDER_ID, orderNumber: undefined }));

    const sent = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(sent.map((input) => [input.EmailTags?.find((tag) => tag.Name === 'orderId')?.Value, input.EmailTags?.find((tag) => tag.Name === 'kind')?.Value])).toEqual([
      [ORDER_ID, 'order-confirmed'],
      [ORDER_ID, 'order-shipped'],
      [OTHER_ORDER_ID, 'order-confirmed'],
    ]);
    const expected = renderEmail('order-confirmed', paid, WIRING_ENV[ENV.storefrontUrl]!, undefined);
    expect(sent[0]).toMatchObject({
      FromEmailAddress: 'orders@shop.example',
      ConfigurationSetName: 'order-mail',
      Destination: { ToAddresses: ['ana@example.com'] },
      Content: { Simple: { Subject: { Data: expected.subject }, Body: { Text: { Data: expected.text }, Html: { Data: expected.html } } } },
    });
    // A signed-in customer's order: no token, the secret is never read.
    expect(secrets.calls()).toHaveLength(0);
    expect([...table.keys()].sort()).toEqual(
      [recordKey('email-order-confirmed', ORDER_ID), recordKey('email-order-shipped', ORDER_ID), recordKey('email-order-confirmed', OTHER_ORDER_ID)].sort(),
    );

    // With a sender, the events are at least once: each call publishes, and writes no idempotency record.
    const records = table.size;
    await context.publishEvent('order-confirmed', paid);
    await context.publishEvent('order-confirmed', paid);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(table.size).toBe(records);
  });

  it("a guest order's e-mail links to the order with its token, from the deployment's secret", async () => {
    const { context } = await build();
    const guest = order({ customerId: 'guest-4f1c2a', customerEmail: 'guest@example.com' });
    await context.sendEmailOnce!('order-confirmed', guest);
    const token = await new OrderTokens(async () => SECRET).tokenFor(ORDER_ID);
    const expected = renderEmail('order-confirmed', guest, WIRING_ENV[ENV.storefrontUrl]!, token);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Content?.Simple?.Body?.Text?.Data).toBe(expected.text);
    expect(input.Content?.Simple?.Body?.Text?.Data).toContain(token);
    expect(input.Destination).toEqual({ ToAddresses: ['guest@example.com'] });
    expect(secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([{ SecretId: HANDLER_ENV[ENV.orderTokenSecretArn] }]);
  });

  it('go out without a configuration set when none is set, and link to no storefront when none is set', async () => {
    const { context } = await build({ [ENV.sesConfigurationSet]: '', [ENV.storefrontUrl]: undefined });
    await context.sendEmailOnce!('order-confirmed', order());
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.ConfigurationSetName).toBeUndefined();
    expect(input.Content?.Simple?.Body?.Text?.Data).toBe(renderEmail('order-confirmed', order(), '', undefined).text);
  });

  it('an e-mail SES refused is not recorded as sent: the next attempt sends it', async () => {
    const { context } = await build();
    ses.on(SendEmailCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'ses-2' });
    await expect(context.sendEmailOnce!('order-confirmed', order())).rejects.toThrow();
    await context.sendEmailOnce!('order-confirmed', order());
    await context.sendEmailOnce!('order-confirmed', order());
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
  });
});

describe('the order events', () => {
  it('carry the order: its event id per order and kind, number, status, amount, tracking number and refund', async () => {
    const { context } = await build();
    const before = Date.now();
    await context.publishEvent('order-refunded', order({ status: 'SHIPMENT_FAILED', trackingNumber: 'TRK9', refundId: 'rfnd_1' }));
    await context.publishEvent('order-confirmed', order({ orderId: OTHER_ORDER_ID, orderNumber: undefined }));
    const [refunded, confirmed] = sns.commandCalls(PublishCommand).map((call) => JSON.parse(call.args[0].input.Message!) as Record<string, unknown>);
    expect(refunded).toEqual({
      eventId: `${ORDER_ID}/order-refunded`,
      type: 'order-refunded',
      orderId: ORDER_ID,
      orderNumber: 'FHNN-MJ9R-4WB0',
      status: 'SHIPMENT_FAILED',
      totalAmount: 129.99,
      occurredAt: expect.any(String),
      trackingNumber: 'TRK9',
      refundId: 'rfnd_1',
    });
    expect(Date.parse(refunded!.occurredAt as string)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(refunded!.occurredAt as string)).toBeLessThanOrEqual(Date.now());
    // An order stored before order numbers existed: its number derived from its id.
    expect(confirmed).toMatchObject({ eventId: `${OTHER_ORDER_ID}/order-confirmed`, orderNumber: orderNumberOf(OTHER_ORDER_ID) });
  });

  it('without a sender (no MAIL_FROM): no e-mail at all, and each kind is published once per order (its own record)', async () => {
    const { context } = await build({ [ENV.mailFrom]: undefined });
    expect(context.sendEmailOnce).toBeUndefined();
    await context.publishEvent('order-confirmed', order());
    await context.publishEvent('order-confirmed', order());
    await context.publishEvent('order-shipped', order({ status: 'SHIPPED' }));
    await context.publishEvent('order-shipped', order({ status: 'SHIPPED' }));
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.MessageAttributes?.type?.StringValue)).toEqual(['order-confirmed', 'order-shipped']);
    expect([...table.keys()].sort()).toEqual([recordKey('event-order-confirmed', ORDER_ID), recordKey('event-order-shipped', ORDER_ID)].sort());
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('the schedules', () => {
  it("target the function (unqualified) and the workflow, in the deployment's group with its role, read when a schedule is made", async () => {
    const { context } = await build({ [ENV.deliveryScheduleGroup]: undefined, [ENV.deliverySchedulerRoleArn]: undefined });
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:process-order';
    expect(() => context.createDeliverySchedule({ orderId: ORDER_ID, estimatedDeliveryDate: '2030-01-02T00:00:00.000Z' }, `${functionArn}:live`)).toThrow(ENV.deliveryScheduleGroup);

    vi.stubEnv(ENV.deliveryScheduleGroup, 'order-deliveries');
    vi.stubEnv(ENV.deliverySchedulerRoleArn, 'arn:aws:iam::123456789012:role/delivery-scheduler');
    await context.createDeliverySchedule({ orderId: ORDER_ID, estimatedDeliveryDate: '2030-01-02T00:00:00.000Z' }, `${functionArn}:live`);
    await context.createShipmentSchedule({ orderId: ORDER_ID, cancellableUntil: '2030-01-01T00:00:00.000Z' }, 'arn:aws:states:us-east-1:123456789012:stateMachine:order-workflow');
    const [delivery, shipment] = scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
    expect(delivery).toMatchObject({
      GroupName: 'order-deliveries',
      Target: { Arn: functionArn, RoleArn: 'arn:aws:iam::123456789012:role/delivery-scheduler', Input: JSON.stringify({ action: 'confirm_delivery', orderId: ORDER_ID }) },
    });
    expect(shipment).toMatchObject({
      GroupName: 'order-deliveries',
      Target: { Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:order-workflow', RoleArn: 'arn:aws:iam::123456789012:role/delivery-scheduler' },
    });
  });
});

describe('the settings read at start', () => {
  it('the shipment success rate: 1 unless set, any number from 0 to 1, nothing else', async () => {
    expect((await build()).context.shipmentSuccessRate).toBe(1);
    for (const [value, rate] of [['0', 0], ['0.25', 0.25], ['1', 1]] as const) expect((await build({ [ENV.shipmentSuccessRate]: value })).context.shipmentSuccessRate).toBe(rate);
    for (const value of ['1.01', '-0.1', 'often']) {
      await expect(build({ [ENV.shipmentSuccessRate]: value })).rejects.toThrow(`${ENV.shipmentSuccessRate} must be a number from 0 to 1`);
    }
  });

  it('the payment provider: the success rate and the delay it answers after', async () => {
    await expect(load({ [ENV.paymentSuccessRate]: '2' })).rejects.toThrow(`${ENV.paymentSuccessRate} must be a number from 0 to 1`);
    expect((await load({ [ENV.paymentSuccessRate]: '0.5' })).paymentProvider.successRate).toBe(0.5);
    // Without a delay set (or with a bad one), the provider answers (how fast is the bench's to say).
    for (const delay of [undefined, 'soon']) {
      const { context } = await build({ [ENV.paymentDelayMs]: delay });
      await expect(context.refundOnce({ orderId: ORDER_ID, transactionId: 'txn_1', amount: 1 })).resolves.toBeDefined();
      table.clear();
    }
    // With one, never sooner (a timer never fires early, however busy the machine).
    const { context } = await build({ [ENV.paymentDelayMs]: '300' });
    const started = performance.now();
    await context.chargeOnce({ orderId: ORDER_ID, amount: 129.99, attempt: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it.each([ENV.paymentSuccessRate, ENV.shipmentSuccessRate, ENV.cancelWindowSeconds])('a blank %s is refused at start, never read as 0 (every payment declined, every shipment failed, no cancel window)', async (name) => {
    await expect(build({ [name]: '' })).rejects.toThrow(`${name} is set but blank`);
    await expect(build({ [name]: ' ' })).rejects.toThrow(`${name} is set but blank`);
  });

  it('the cancel window: an hour unless set, whole seconds from 0 to a week, nothing else', async () => {
    expect((await build()).context.cancelWindowSeconds).toBe(CANCEL_WINDOW.cloudDefaultSeconds);
    for (const value of [0, 20, CANCEL_WINDOW.maxSeconds]) expect((await build({ [ENV.cancelWindowSeconds]: String(value) })).context.cancelWindowSeconds).toBe(value);
    for (const value of ['-1', '1.5', String(CANCEL_WINDOW.maxSeconds + 1), 'soon']) {
      await expect(build({ [ENV.cancelWindowSeconds]: value })).rejects.toThrow(`${ENV.cancelWindowSeconds} must be a whole number of seconds from 0 to ${CANCEL_WINDOW.maxSeconds}`);
    }
  });

  it('the steps read and write the orders and stock tables, and hand on the metrics', async () => {
    const { context } = await build();
    documents.on(GetCommand).resolves({ Item: order() });
    documents.on(BatchGetCommand).resolves({ Responses: { [HANDLER_ENV[ENV.stockTable]!]: [] } });
    expect(context.metrics).toBe(fakeMetrics);
    await context.orders.require(ORDER_ID);
    await context.stock.levels(['prod-001']);
    expect(documents.commandCalls(GetCommand)[0]!.args[0].input.TableName).toBe(HANDLER_ENV[ENV.ordersTable]);
    expect(Object.keys(documents.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!)).toEqual([HANDLER_ENV[ENV.stockTable]]);
  });
});
