/**
 * The customer's e-mail through Amazon SES (v2 API, `SendEmail`): simple content with a text and
 * an HTML part, from `MAIL_FROM`, with the deployment's configuration set (bounce and complaint
 * events) and the order id and kind as message tags (the events name the order by them). The
 * client honours `AWS_ENDPOINT_URL_SESV2` (the local stand-in) as every SDK client does.
 */
import { SendEmailCommand, type SendEmailCommandInput, type SESv2Client, SESv2ServiceException } from '@aws-sdk/client-sesv2';
import type { OrderEmail } from '../../domain/notification.ts';
import type { CustomerMailer } from '../ports.ts';

/** An answer SES gives for this message whatever how often it is sent (e.g. an unverified recipient in the SES sandbox). */
export class EmailRejectedError extends Error {
  override readonly name = 'EmailRejectedError';
}

/** Any other failure (throttling, a 5xx, the network): worth another try. */
export class EmailSendError extends Error {
  override readonly name = 'EmailSendError';
}

/** SES v2 errors that repeat for the same message: never retried. */
const REJECTIONS = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'NotFoundException', 'AccountSuspendedException', 'SendingPausedException']);

export interface SesMailerOptions {
  from: string;
  configurationSet?: string;
}

export class SesMailer implements CustomerMailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly options: SesMailerOptions,
  ) {}

  /** The `SendEmail` input. */
  input(email: OrderEmail): SendEmailCommandInput {
    return {
      FromEmailAddress: this.options.from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: this.options.configurationSet,
      EmailTags: [
        { Name: 'orderId', Value: email.orderId },
        { Name: 'kind', Value: email.kind },
      ],
    };
  }

  async send(email: OrderEmail): Promise<{ messageId: string }> {
    try {
      const { MessageId } = await this.ses.send(new SendEmailCommand(this.input(email)));
      return { messageId: MessageId ?? '' };
    } catch (error) {
      const message = `SES: ${(error as Error).name}: ${(error as Error).message}`;
      if (error instanceof SESv2ServiceException && REJECTIONS.has(error.name)) throw new EmailRejectedError(message, { cause: error });
      throw new EmailSendError(message, { cause: error });
    }
  }
}
