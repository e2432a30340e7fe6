/** The order queue on SQS: the one place an order message is sent from. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { orderMessage } from '../order-message.ts';
import type { OrderQueue } from '../ports.ts';

/**
 * An SQS client that sends to its configured endpoint rather than the queue URL's host: they
 * agree in AWS, and locally the emulator's queue URLs are not resolvable host names.
 */
export const createQueueClient = (config: ConstructorParameters<typeof SQSClient>[0] = {}) =>
  new SQSClient({ useQueueUrlAsEndpoint: false, ...config });

export class SqsOrderQueue implements OrderQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(orderId: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: orderMessage(orderId) }));
  }
}
