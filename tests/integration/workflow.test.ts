/**
 * The deployed workflow definition, run by the local Step Functions interpreter with the real
 * process-order handler against the real local DynamoDB and SNS. Faults are injected around the
 * handler (taskHook), as a failing Lambda or downstream service would produce them.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { WORKFLOW_DEFINITION } from '../../amplify/server/workflow.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { CONFIRM_DELIVERY_INVOCATION } from '../../local/stack/stack.ts';
import { orderRequest } from '../fixtures.ts';
import { api, kindsOf, mailsFor, postOrder, startTestStack, waitForFinal } from '../helpers/stack.ts';

type Fault = (stateName: string, input: any, invoke: (input: unknown) => Promise<unknown>) => Promise<unknown>;
let fault: Fault | undefined;
const attempts = new Map<string, number>();

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({
    taskHook: (stateName, input, invoke) => {
      const key = `${(input as { orderId: string }).orderId}:${stateName}`;
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      return fault ? fault(stateName, input, invoke) : invoke(input);
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});
beforeEach(() => {
  fault = undefined;
});

async function placeAndFinish(expectedMails: number) {
  const { status, body } = await postOrder(stack, orderRequest());
  expect(status).toBe(201);
  const order = await waitForFinal(stack, body.orderId);
  await stack.stepFunctions.idle();
  const execution = stack.stepFunctions.list().find((e) => e.name === order.orderId)!;
  const mails = await mailsFor(stack, order.orderId, expectedMails);
  const tries = (state: string) => attempts.get(`${order.orderId}:${state}`) ?? 0;
  return { order, execution, mails, tries };
}

/** The order's `emailsSent` once it holds `count` kinds (recorded just after each send), or as it is after 5 s. */
async function recordedEmails(orderId: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const sent = ((await api(stack, `/orders/${orderId}`)).body.emailsSent ?? []) as string[];
    if (sent.length >= count || Date.now() > deadline) return sent;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('order workflow definition', () => {
  it('is valid Amazon States Language', () => {
    const { isValid, errorsText } = aslValidator(WORKFLOW_DEFINITION as never);
    expect(errorsText()).toBe('');
    expect(isValid).toBe(true);
  });

  it("keeps the seed's retries and 30 s timeouts", () => {
    const states = WORKFLOW_DEFINITION.States as Record<string, any>;
    const retryAll = (name: string) => states[name].Retry.find((r: any) => r.ErrorEquals.includes('States.ALL'));
    expect(retryAll('ProcessPayment')).toMatchObject({ MaxAttempts: 3, BackoffRate: 2 });
    expect(retryAll('ArrangeShipment').MaxAttempts).toBe(2);
    expect(retryAll('SendNotification').MaxAttempts).toBe(2);
    for (const name of ['ProcessPayment', 'ArrangeShipment', 'SendNotification']) expect(states[name].TimeoutSeconds).toBe(30);
  });
});

describe('order workflow run locally', () => {
  it('takes an order to DELIVERED and sends one confirmation e-mail', async () => {
    const { order, execution, mails, tries } = await placeAndFinish(3);
    expect(order.status).toBe('DELIVERED');
    expect(order).toMatchObject({
      transactionId: expect.stringMatching(/^txn_/),
      trackingNumber: expect.stringMatching(/^TRK/),
      estimatedDeliveryDays: expect.any(Number),
      deliveryDate: expect.any(String),
      notificationSentDate: expect.any(String),
    });
    expect(execution.status).toBe('SUCCEEDED');
    // The execution ended once the delivery was scheduled; the schedule confirmed it later, once.
    expect(JSON.parse(execution.output!).delivery).toMatchObject({ scheduled: true, created: true, scheduleName: `deliver-${order.orderId}` });
    expect(Date.parse(order.deliveryDate!)).toBeGreaterThan(Date.parse(execution.stopDate!));
    expect(tries(CONFIRM_DELIVERY_INVOCATION)).toBe(1);
    // One confirmed, one shipped (the seed's confirmation), one delivered, each to the customer, each linking to the order.
    expect(kindsOf(mails)).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
    for (const mail of mails) {
      expect(mail.to).toBe(stack.customer.email);
      expect(mail.text).toContain(`/#/orders/${order.orderId}`);
      expect(mail.html).toContain(`href="http://127.0.0.1:5173/#/orders/${order.orderId}"`);
    }
    const shipped = mails.find((m) => m.kind === 'order-shipped')!;
    expect(shipped.subject).toBe(`Order Confirmation - ${orderNumberOf(order.orderId)}`);
    expect(shipped.text).toContain(`Tracking Number: ${order.trackingNumber}`);
    expect(shipped.text).toContain('Estimated Delivery: ');
    expect(await recordedEmails(order.orderId, 3)).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
  });

  it('marks SHIPMENT_FAILED after the shipment step exhausts its retries, then refunds', async () => {
    fault = async (state, input, invoke) => {
      if (state === 'ArrangeShipment') throw Object.assign(new Error('Carrier unavailable'), { name: 'CarrierUnavailableError' });
      return invoke(input);
    };
    const { order, execution, mails, tries } = await placeAndFinish(2);
    expect(order.status).toBe('SHIPMENT_FAILED');
    expect(order.failureReason).toBe('CarrierUnavailableError');
    expect(order.transactionId).toBeDefined();
    expect(tries('ArrangeShipment')).toBe(3); // 1 + 2 retries
    expect(tries('Compensate')).toBe(1);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'ShipmentFailed', retries: 2 });
    // The charge is refunded and the customer told so (tests/integration/workflow-refund.test.ts has the details).
    expect(kindsOf(mails)).toEqual(['order-confirmed', 'order-refunded']);
    expect(mails.find((m) => m.kind === 'order-refunded')!.subject).toBe(`Order Refunded - ${orderNumberOf(order.orderId)}`);
  });

  it('still delivers when the notification fails, and the delivery sends the shipped e-mail it missed', async () => {
    fault = async (state, input, invoke) => {
      if (state === 'SendNotification') throw new Error('SNS unavailable');
      return invoke(input);
    };
    const { order, execution, mails, tries } = await placeAndFinish(3);
    expect(order.status).toBe('DELIVERED');
    expect(tries('SendNotification')).toBe(3);
    expect(execution.status).toBe('SUCCEEDED');
    expect(kindsOf(mails)).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
    expect(await recordedEmails(order.orderId, 3)).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
  });

  it('retries a payment whose answer was lost and charges it once', async () => {
    const transactionIds: string[] = [];
    fault = async (state, input, invoke) => {
      if (state !== 'ProcessPayment') return invoke(input);
      const result = (await invoke(input)) as { transactionId: string };
      transactionIds.push(result.transactionId);
      if (transactionIds.length < 3) throw Object.assign(new Error('Task timed out'), { name: 'States.Timeout' });
      return result;
    };
    const { order, execution, tries } = await placeAndFinish(1);
    expect(order.status).toBe('DELIVERED');
    expect(tries('ProcessPayment')).toBe(3);
    expect(execution.retries).toBe(2);
    expect(new Set(transactionIds)).toEqual(new Set([order.transactionId]));
    // Counted at the provider, not by ids: one charge across the three attempts.
    const { paymentProvider } = await import('../../amplify/functions/process-order/handler.ts');
    expect(paymentProvider.count(order.orderId, 'charge')).toBe(1);
  });

  it('a payment step that keeps failing (not a decline) marks PAYMENT_FAILED and fails the execution', async () => {
    fault = async (state, input, invoke) => {
      if (state === 'ProcessPayment') throw Object.assign(new Error('Provider unreachable'), { name: 'PaymentProviderUnavailable' });
      return invoke(input);
    };
    const { order, execution, tries } = await placeAndFinish(0);
    expect(order).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'PaymentProviderUnavailable' });
    expect(order.transactionId).toBeUndefined();
    // The seed's three retries, then the real failure is a failed execution (it counts for the alarm).
    expect(tries('ProcessPayment')).toBe(4);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'PaymentFailed' });
  });

  it('a charge whose recording keeps failing is recorded by MarkPaymentFailed, and the order is shipped and delivered', async () => {
    const { paymentProvider } = await import('../../amplify/functions/process-order/handler.ts');
    // The provider charges; every write of PAYMENT_PROCESSED fails until the payment step has given up.
    let recordingFails = true;
    const send = DynamoDBDocumentClient.prototype.send;
    const spy = vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) {
      const recordsCharge = command instanceof UpdateCommand && command.input.ExpressionAttributeValues?.[':to'] === 'PAYMENT_PROCESSED';
      if (recordingFails && recordsCharge) return Promise.reject(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
      return (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as typeof send);
    fault = async (state, input, invoke) => {
      if (state === 'MarkPaymentFailed') recordingFails = false;
      return invoke(input);
    };
    try {
      const { order, execution, tries } = await placeAndFinish(1);
      expect(order).toMatchObject({ status: 'DELIVERED', transactionId: expect.stringMatching(/^txn_/) });
      expect(order.failureReason).toBeUndefined();
      expect(tries('ProcessPayment')).toBe(4);
      expect(tries('MarkPaymentFailed')).toBe(1);
      expect(paymentProvider.count(order.orderId, 'charge')).toBe(1);
      expect(paymentProvider.count(order.orderId, 'refund')).toBe(0);
      expect(execution.status).toBe('SUCCEEDED');
    } finally {
      spy.mockRestore();
    }
  });

  it('two executions of the same order at once (Express does not deduplicate starts) charge, ship and e-mail once', async () => {
    const { paymentProvider } = await import('../../amplify/functions/process-order/handler.ts');
    // Held at the payment until both executions have started, so they really overlap.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    fault = async (state, input, invoke) => {
      if (state === 'ProcessPayment') await released;
      return invoke(input);
    };
    const { body } = await postOrder(stack, orderRequest());
    const orderId = body.orderId as string;
    const deadline = Date.now() + 10_000;
    while (!stack.stepFunctions.list().some((e) => e.name === orderId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stack.stepFunctions.startExecution({ stateMachineArn: stack.stepFunctions.stateMachineArn, name: `${orderId}-dup`, input: JSON.stringify({ orderId }) });
    release();
    const order = await waitForFinal(stack, orderId);
    await stack.stepFunctions.idle();
    expect(order.status).toBe('DELIVERED');
    expect(paymentProvider.count(orderId, 'charge')).toBe(1);
    const executions = stack.stepFunctions.list().filter((e) => e.name.startsWith(orderId));
    expect(executions).toHaveLength(2);
    // Both executions saw the one shipment the order records.
    for (const execution of executions.filter((e) => e.status === 'SUCCEEDED')) {
      expect(JSON.parse(execution.output!).shipment.trackingNumber).toBe(order.trackingNumber);
    }
    expect(kindsOf(await mailsFor(stack, orderId, 4, 1000))).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
  });

  it('a message delivered twice starts the workflow twice (Express), and the order is still charged, shipped, e-mailed and delivered once', async () => {
    const { paymentProvider } = await import('../../amplify/functions/process-order/handler.ts');
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.endpoints.sqs });
    // The order's own message plus the same message sent twice more, before its first execution ran.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    fault = async (state, input, invoke) => {
      if (state === 'ProcessPayment') await released;
      return invoke(input);
    };
    const { body } = await postOrder(stack, orderRequest());
    const orderId = body.orderId as string;
    const message = { QueueUrl: stack.names.queueUrl, MessageBody: JSON.stringify({ orderId }) };
    await sqs.send(new SendMessageCommand(message));
    await sqs.send(new SendMessageCommand(message));
    const deadline = Date.now() + 10_000;
    while (stack.stepFunctions.list().filter((e) => e.name === orderId).length < 3) {
      if (Date.now() > deadline) throw new Error('order-starter did not start three executions within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    release();
    const order = await waitForFinal(stack, orderId);
    await stack.stepFunctions.idle();
    sqs.destroy();

    expect(order.status).toBe('DELIVERED');
    const executions = stack.stepFunctions.list().filter((e) => e.name === orderId);
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    // Charged once, shipped once (every execution saw the one tracking number), e-mailed once.
    expect(paymentProvider.count(orderId, 'charge')).toBe(1);
    for (const execution of executions) expect(JSON.parse(execution.output!).shipment.trackingNumber).toBe(order.trackingNumber);
    expect(kindsOf(await mailsFor(stack, orderId, 4, 1000))).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
    // One delivery schedule (the others met it: ConflictException), fired once.
    expect(executions.filter((e) => JSON.parse(e.output!).delivery.created === true)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(attempts.get(`${orderId}:${CONFIRM_DELIVERY_INVOCATION}`)).toBe(1);
  });
});
