/**
 * The customer's e-mail through Amazon SES (v2 API, `SendEmail`): simple content with a text and
 * an HTML part, from `MAIL_FROM`, with the deployment's configuration set (bounce and complaint
 * events) and the order id and kind as message tags (the events name the order by them).
 *
 * Interim transport: `@aws-sdk/client-sesv2` is not installed yet, so the request is the one that
 * client sends (REST-JSON `POST /v2/email/outbound-emails`), signed with the SDK's own SigV4 signer
 * and credential chain, at `AWS_ENDPOINT_URL_SESV2` when set (the local stand-in) as the SDK would.
 * Replace `post` with `SESv2Client.send(new SendEmailCommand(input))` once the client is a dependency.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import http from 'node:http';
import https from 'node:https';
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
  region?: string;
  /** Default: `AWS_ENDPOINT_URL_SESV2`, else SES's regional endpoint. */
  endpoint?: string;
}

export class SesMailer implements CustomerMailer {
  private readonly region: string;
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;

  constructor(private readonly options: SesMailerOptions) {
    this.region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.endpoint = new URL(options.endpoint ?? process.env.AWS_ENDPOINT_URL_SESV2 ?? `https://email.${this.region}.amazonaws.com`);
    this.signer = new SignatureV4({ service: 'ses', region: this.region, credentials: defaultProvider(), sha256: Sha256 });
  }

  /** The `SendEmail` input, as `@aws-sdk/client-sesv2` takes it. */
  input(email: OrderEmail) {
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
    const answer = await this.post('/v2/email/outbound-emails', this.input(email));
    return { messageId: String(answer.MessageId ?? '') };
  }

  private async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const url = new URL(path, this.endpoint);
    const payload = JSON.stringify(body);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json' },
      body: payload,
    });
    let response: { status: number; errorType?: string; text: string };
    try {
      response = await request(url, signed.headers, payload);
    } catch (error) {
      throw new EmailSendError(`SES could not be reached: ${(error as Error).message}`, { cause: error });
    }
    let answer: Record<string, unknown> = {};
    try {
      answer = response.text ? (JSON.parse(response.text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    if (response.status >= 200 && response.status < 300) return answer;
    const type = (response.errorType ?? String(answer.__type ?? '')).split(':')[0]!.split('#').pop()!;
    const message = `SES ${response.status} ${type}: ${String(answer.message ?? answer.Message ?? '')}`;
    throw REJECTIONS.has(type) ? new EmailRejectedError(message) : new EmailSendError(message);
  }
}

/** One HTTP(S) request as the SDK's Node handler makes it (no browser fetch headers), 10 s at most. */
function request(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; errorType?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const errorType = res.headers['x-amzn-errortype'];
        resolve({ status: res.statusCode ?? 0, errorType: typeof errorType === 'string' ? errorType : undefined, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}
