/**
 * Local SQS and SNS (fauxqs, in memory) with the queue, dead-letter queue and topic of
 * `resources.ts`, created through the real SQS and SNS APIs. A local-only queue subscribed to the
 * topic stands in for the customer's mailbox.
 */
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import { NOTIFICATION_TOPIC, ORDER_QUEUE } from '../amplify/server/settings.ts';
import { LOCAL_AWS } from './aws.ts';
import { guardAwsEndpoint, type Log } from './http-guard.ts';
import type { PublishedNotification } from './outbox.ts';

export const OUTBOX_QUEUE_NAME = 'local-outbox';

export interface LocalMessaging {
  endpoint: string;
  queueUrl: string;
  dlqUrl: string;
  outboxQueueUrl: string;
  topicArn: string;
  stop(): Promise<void>;
}

/** The order queue's attributes as the SQS API takes them. */
export function orderQueueAttributes(deadLetterArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(ORDER_QUEUE.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(ORDER_QUEUE.retentionPeriodSeconds),
    ReceiveMessageWaitTimeSeconds: String(ORDER_QUEUE.receiveWaitTimeSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: ORDER_QUEUE.maxReceiveCount }),
  };
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes!.QueueArn!;
}

/**
 * fauxqs on 127.0.0.1 only. Its `startFauxqs` (1.9.2, `dist/app.js`) ignores its `host` option and
 * listens on 0.0.0.0, i.e. on every network the laptop joins; so the app it builds (`buildApp`, the
 * same Fastify app with the same stores) is started here instead, on the loopback address, behind
 * the guard that refuses browsers and foreign Host headers. We use nothing else `startFauxqs` adds
 * (its init file, its helper methods); queues and topics are created through the real APIs.
 */
async function startLoopbackFauxqs(port: number, log: Log, onPublished?: (n: PublishedNotification) => void): Promise<{ port: number; stop(): Promise<void> }> {
  const app = buildApp({ logger: false, host: '127.0.0.1' });
  if (onPublished) {
    // Runs after fauxqs accepted a Publish and before the publisher is answered (SNS's query
    // protocol: a form body, an XML answer carrying the message id).
    app.addHook('onSend', async (request: { body: unknown }, reply: { statusCode: number }, payload: unknown) => {
      const form = request.body as Record<string, string> | undefined;
      const messageId = typeof payload === 'string' && /<MessageId>([^<]+)<\/MessageId>/.exec(payload)?.[1];
      if (form?.Action !== 'Publish' || reply.statusCode !== 200 || !messageId) return payload;
      const attribute = Object.keys(form).find((key) => /^MessageAttributes\.entry\.\d+\.Name$/.test(key) && form[key] === 'orderId');
      // Throws if it cannot be recorded: then the publish fails and the sender retries.
      onPublished({
        messageId,
        subject: form.Subject,
        message: form.Message ?? '',
        orderId: attribute ? form[attribute.replace(/Name$/, 'Value.StringValue')] : undefined,
      });
      return payload;
    });
  }
  await app.listen({ port, host: '127.0.0.1' });
  guardAwsEndpoint(app.server, 'SQS/SNS', log);
  return { port: (app.server.address() as AddressInfo).port, stop: () => app.close() };
}

/** `onPublished` hears every publish the topic accepts, before the publisher is answered. */
export async function startMessaging(port = 0, log: Log = () => undefined, onPublished?: (n: PublishedNotification) => void): Promise<LocalMessaging> {
  const server = await startLoopbackFauxqs(port, log, onPublished);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint });
  const sns = new SNSClient({ ...LOCAL_AWS, endpoint });

  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: ORDER_QUEUE.deadLetter.localName,
      Attributes: { MessageRetentionPeriod: String(ORDER_QUEUE.deadLetter.retentionPeriodSeconds) },
    }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: ORDER_QUEUE.localName, Attributes: orderQueueAttributes(await queueArn(sqs, dlq.QueueUrl!)) }),
  );
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: NOTIFICATION_TOPIC.localName }));
  const outbox = await sqs.send(new CreateQueueCommand({ QueueName: OUTBOX_QUEUE_NAME }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: await queueArn(sqs, outbox.QueueUrl!) }));
  sqs.destroy();
  sns.destroy();

  return {
    endpoint,
    queueUrl: queue.QueueUrl!,
    dlqUrl: dlq.QueueUrl!,
    outboxQueueUrl: outbox.QueueUrl!,
    topicArn: TopicArn!,
    stop: () => server.stop(),
  };
}
