/**
 * Local SQS and SNS (fauxqs, in memory) with the queue, dead-letter queue and topic of
 * `resources.ts`, created through the real SQS and SNS APIs. A local-only queue subscribed to the
 * topic stands in for the customer's mailbox.
 */
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { NOTIFICATION_TOPIC, ORDER_QUEUE } from '../amplify/domain/resources.ts';
import { LOCAL_AWS } from './aws.ts';

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

export async function startMessaging(port = 0): Promise<LocalMessaging> {
  const server = await startFauxqs({ port, logger: false, host: '127.0.0.1' });
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
