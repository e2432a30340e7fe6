/**
 * Local SQS and SNS (fauxqs, in memory) with the queue, dead-letter queue and topic named in
 * `amplify/server/settings/pipeline.ts`, created through the real SQS and SNS APIs. A local-only queue subscribed to the
 * topic stands in for the operator's subscription: it holds the order events (docs/email.md).
 */
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import { NOTIFICATION_TOPIC, ORDER_QUEUE } from '../../amplify/server/settings/pipeline.ts';
import { LOCAL_AWS } from '../shared/aws.ts';
import { guardAwsEndpoint, type Log } from '../shared/http-guard.ts';

export const EVENTS_QUEUE_NAME = 'local-order-events';

export interface LocalMessaging {
  endpoint: string;
  queueUrl: string;
  dlqUrl: string;
  /** Every order event the topic published (nothing reads it but tests and the curious). */
  eventsQueueUrl: string;
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
 * fauxqs on 127.0.0.1 only. Its `startFauxqs` (1.9.2 and 2.x, `dist/app.js`) ignores its `host` option and
 * listens on 0.0.0.0, i.e. on every network the laptop joins; so the app it builds (`buildApp`, the
 * same Fastify app with the same stores) is started here instead, on the loopback address, behind
 * the guard that refuses browsers and foreign Host headers. We use nothing else `startFauxqs` adds
 * (its init file, its helper methods); queues and topics are created through the real APIs.
 */
async function startLoopbackFauxqs(port: number, log: Log): Promise<{ port: number; stop(): Promise<void> }> {
  const app = buildApp({ logger: false, host: '127.0.0.1' });
  await app.listen({ port, host: '127.0.0.1' });
  guardAwsEndpoint(app.server, 'SQS/SNS', log);
  return { port: (app.server.address() as AddressInfo).port, stop: () => app.close() };
}

export async function startMessaging(port = 0, log: Log = () => undefined): Promise<LocalMessaging> {
  const server = await startLoopbackFauxqs(port, log);
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
  const events = await sqs.send(new CreateQueueCommand({ QueueName: EVENTS_QUEUE_NAME }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: await queueArn(sqs, events.QueueUrl!), Attributes: { RawMessageDelivery: 'true' } }));
  sqs.destroy();
  sns.destroy();

  return {
    endpoint,
    queueUrl: queue.QueueUrl!,
    dlqUrl: dlq.QueueUrl!,
    eventsQueueUrl: events.QueueUrl!,
    topicArn: TopicArn!,
    stop: () => server.stop(),
  };
}
