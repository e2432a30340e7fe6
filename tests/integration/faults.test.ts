/**
 * Faults in the AWS services the handlers call, injected by the local stack's proxies: the order
 * ends in the right state, nothing is lost and nothing happens twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_DEAD_LETTERS_PATH } from '../../local/api-gateway/api-gateway.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, mailsFor, postOrder, startTestStack, waitForFinal } from '../helpers/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({ instrument: true });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});
beforeEach(() => {
  for (const proxy of Object.values(stack.services!)) proxy.clearFaults();
});

describe('when DynamoDB fails', () => {
  it('answers 503 without storing anything, and a retry with the same key places the order once', async () => {
    const key = { 'Idempotency-Key': `dynamo-down-${Date.now()}` };
    const customer = await createUser(stack);
    const sends = stack.services!.sqs.count('SendMessage');
    stack.services!.dynamodb.inject('PutItem', 100); // more than the SDK's own retries
    const failed = await postOrder(stack, orderRequest(), key, customer);
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatch(/retry/i);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect((await api(stack, '/orders', {}, customer)).body.orders).toHaveLength(0);
    expect(stack.services!.sqs.count('SendMessage')).toBe(sends);

    stack.services!.dynamodb.clearFaults();
    const retried = await postOrder(stack, orderRequest(), key, customer);
    expect(retried.status).toBe(201);
    expect((await waitForFinal(stack, retried.body.orderId, 30_000, customer)).status).toBe('DELIVERED');
    expect((await api(stack, '/orders', {}, customer)).body.orders).toHaveLength(1);
  });

  it('retries a throttled status update inside the SDK and still delivers', async () => {
    stack.services!.dynamodb.inject('UpdateItem', 2, 400, 'ProvisionedThroughputExceededException');
    const { body } = await postOrder(stack, orderRequest());
    const order = await waitForFinal(stack, body.orderId);
    expect(order.status).toBe('DELIVERED');
    expect(stack.services!.dynamodb.stats.get('UpdateItem')!.faults).toBe(2);
    expect(await mailsFor(stack, order.orderId, 3)).toHaveLength(3);
  });
});

describe('when Step Functions refuses to start an execution', () => {
  it('leaves the message on the queue and starts the workflow on redelivery', async () => {
    stack.services!.sfn.inject('StartExecution', 5); // more than the SDK's own retries: the invocation fails
    const { body } = await postOrder(stack, orderRequest());
    const order = await waitForFinal(stack, body.orderId);
    expect(order.status).toBe('DELIVERED');
    expect(stack.services!.sfn.stats.get('StartExecution')!.faults).toBe(5);
    expect(stack.stepFunctions.list().filter((e) => e.name === order.orderId)).toHaveLength(1);
  });
});

describe('when SNS fails', () => {
  it('delivers the order; each customer e-mail still goes out once, none is recorded while its event is not published', async () => {
    stack.services!.sns.inject('Publish', 1000);
    const { body } = await postOrder(stack, orderRequest());
    const order = await waitForFinal(stack, body.orderId);
    expect(order.status).toBe('DELIVERED');
    expect(order.emailsSent).toBeUndefined();
    const mails = await mailsFor(stack, order.orderId, 4, 1500);
    expect(mails.map((m) => m.kind).sort()).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
    stack.services!.sns.clearFaults();
  });
});

describe('when SES fails', () => {
  it('delivers the order; a later step sends what is still due, each kind once', async () => {
    stack.services!.sesv2.inject('SendEmail', 3, 500, 'InternalFailure');
    const { body } = await postOrder(stack, orderRequest());
    const order = await waitForFinal(stack, body.orderId);
    expect(order.status).toBe('DELIVERED');
    const mails = await mailsFor(stack, order.orderId, 3);
    expect(mails.map((m) => m.kind).sort()).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
    expect(mails.every((m) => m.to === stack.customer.email)).toBe(true);
  });
});

describe('a poison message', () => {
  // Five receives, each followed by the local visibility timeout: give a loaded machine room.
  it('ends in the dead-letter queue after 5 receives, and is visible there', { timeout: 120_000 }, async () => {
    const { GetQueueAttributesCommand, SendMessageCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    const { LOCAL_AWS } = await import('../../local/shared/aws.ts');
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.endpoints.sqs });
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.names.queueUrl, MessageBody: 'not an order message' }));
    // Wait for it without receiving it (a look from the DLQ would count as a receive).
    const deadline = Date.now() + 100_000;
    for (;;) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: stack.names.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      if (Attributes.ApproximateNumberOfMessages !== '0') break;
      if (Date.now() > deadline) throw new Error('The poison message did not reach the dead-letter queue in 100 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    sqs.destroy();
    const dead = await api(stack, LOCAL_DEAD_LETTERS_PATH); // one look: one more receive
    expect(dead.body.count).toBe(1);
    expect(dead.body.messages[0].body).toBe('not an order message');
    // ApproximateReceiveCount read from the dead-lettered message: order-starter received it 5
    // times; the stand-in (fauxqs) counts the 6th receive, the one that moves it to the
    // DLQ, and our look adds one.
    expect(dead.body.messages[0].receiveCount).toBe(5 + 1 + 1);
  });
});
