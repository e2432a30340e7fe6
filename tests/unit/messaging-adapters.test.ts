/**
 * The SQS and SNS adapters of `amplify/server/aws`: the order queue against the local SQS (fauxqs in
 * memory) under a queue URL whose host does not resolve (the client must send to its endpoint), and
 * the mailer against SNS mocked at the SDK (the message attribute SNS's e-mail filter reads, and
 * the message id the e-mail step records).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SnsOrderEvents } from '../../amplify/server/aws/sns-order-events.ts';
import type { OrderEvent } from '../../amplify/server/ports.ts';
import { createQueueClient, SqsOrderQueue } from '../../amplify/server/aws/sqs-order-queue.ts';
import { parseOrderMessage } from '../../amplify/server/order-message.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startMessaging, type LocalMessaging } from '../../local/messaging/messaging.ts';

const ORDER_ID = '0b6e4a3c-1d2f-4e5a-8b7c-9d0e1f2a3b4c';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:order-notifications';

describe('SqsOrderQueue on createQueueClient', () => {
  let messaging: LocalMessaging;
  beforeAll(async () => {
    messaging = await startMessaging(0);
  });
  afterAll(async () => messaging?.stop());

  it('sends one order message to the queue through the configured endpoint, not the queue URL host', async () => {
    // The endpoint as the handlers get it locally: from the environment, not the client's config.
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', messaging.endpoint);
    const client = createQueueClient(LOCAL_AWS);
    const reader = new SQSClient({ ...LOCAL_AWS, endpoint: messaging.endpoint, useQueueUrlAsEndpoint: false });
    try {
      // As in AWS, the queue URL names a host of its own: one that does not exist here.
      const queueUrl = messaging.queueUrl.replace('sqs.us-east-1.127.0.0.1', 'sqs.us-east-1.unresolvable.invalid');
      await new SqsOrderQueue(client, queueUrl).enqueue(ORDER_ID);
      const { Messages = [] } = await reader.send(new ReceiveMessageCommand({ QueueUrl: messaging.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      expect(Messages.map((m) => parseOrderMessage(m.Body ?? ''))).toEqual([{ orderId: ORDER_ID }]);
      await reader.send(new DeleteMessageCommand({ QueueUrl: messaging.queueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    } finally {
      vi.unstubAllEnvs();
      client.destroy();
      reader.destroy();
    }
  });
});

describe('SnsOrderEvents', () => {
  // Installed here, not at file level: the SQS test above starts the local SNS through the real client.
  let sns: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sns = mockClient(SNSClient);
  });
  afterAll(() => sns.restore());
  const event: OrderEvent = {
    eventId: `${ORDER_ID}/order-shipped`,
    type: 'order-shipped',
    orderId: ORDER_ID,
    orderNumber: 'ABCD-EFGH-JKLM',
    status: 'SHIPPED',
    totalAmount: 10,
    occurredAt: '2026-01-01T00:00:00.000Z',
    trackingNumber: 'TRK1',
  };

  it('publishes the event as JSON with its type and order id as String attributes, and returns the message id', async () => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
    const events = new SnsOrderEvents(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN);
    expect(await events.publish(event)).toEqual({ messageId: 'message-1' });
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        TopicArn: TOPIC_ARN,
        Subject: 'Order event: order-shipped ABCD-EFGH-JKLM',
        Message: JSON.stringify(event),
        // SNS refuses an attribute without a data type; filter policies match String values.
        MessageAttributes: { type: { DataType: 'String', StringValue: 'order-shipped' }, orderId: { DataType: 'String', StringValue: ORDER_ID } },
      },
    ]);
  });

  it('returns an empty message id when SNS answers none', async () => {
    sns.reset();
    sns.on(PublishCommand).resolves({});
    const events = new SnsOrderEvents(new SNSClient({ region: 'us-east-1' }), TOPIC_ARN);
    expect(await events.publish(event)).toEqual({ messageId: '' });
  });
});
