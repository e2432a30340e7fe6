/** Customer e-mail through the notification topic (SNS; its e-mail subscription delivers it). */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Mail, Mailer } from '../ports.ts';

export class SnsMailer implements Mailer {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async send({ orderId, subject, body }: Mail): Promise<{ messageId: string }> {
    const { MessageId } = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: body,
        MessageAttributes: { orderId: { DataType: 'String', StringValue: orderId } },
      }),
    );
    return { messageId: MessageId ?? '' };
  }
}
