/** Order events on the notification topic (SNS), for the operator's subscription and integrations. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OrderEvent, OrderEventPublisher } from '../ports.ts';

export class SnsOrderEvents implements OrderEventPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(event: OrderEvent): Promise<{ messageId: string }> {
    const { MessageId } = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // An e-mail subscription shows the subject; SNS subjects are ASCII, at most 100 characters.
        Subject: `Order event: ${event.type} ${event.orderNumber}`,
        Message: JSON.stringify(event),
        // For subscription filter policies (e.g. only `order-refunded`).
        MessageAttributes: {
          type: { DataType: 'String', StringValue: event.type },
          orderId: { DataType: 'String', StringValue: event.orderId },
        },
      }),
    );
    return { messageId: MessageId ?? '' };
  }
}
