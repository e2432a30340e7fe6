/**
 * The local mailbox: every message the notification topic delivers is written to
 * `<dataDir>/outbox/` as one text file (headers, a blank line, the body), as an e-mail
 * subscription would receive it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Message } from '@aws-sdk/client-sqs';
import { canonicalOrderId } from '../amplify/domain/order-rules.ts';

export interface MailMessage {
  id: string;
  orderId: string;
  subject: string;
  body: string;
  sentAt: string;
}

/** An SNS -> SQS delivery (not raw): the SNS envelope, as JSON in the SQS body. */
interface SnsEnvelope {
  MessageId: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Value: string }>;
}

export class Outbox {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'outbox');
    mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Writes one delivered SNS message; returns the mail for printing, or a refusal (nothing written)
   * when the message is not a notification about an order. The file name is made only of the
   * time, the validated order id and a generated id, so no message can choose where it is written.
   */
  deliver(message: Message): MailMessage | { refused: string } {
    let envelope: SnsEnvelope;
    try {
      envelope = JSON.parse(message.Body ?? '') as SnsEnvelope;
    } catch {
      return { refused: `message ${message.MessageId} is not an SNS notification` };
    }
    const orderId = canonicalOrderId(envelope?.MessageAttributes?.orderId?.Value);
    if (!orderId || typeof envelope.Message !== 'string') {
      return { refused: `message ${message.MessageId} names no valid order id (${JSON.stringify(envelope?.MessageAttributes?.orderId?.Value)?.slice(0, 80)})` };
    }
    const mail: MailMessage = {
      id: randomUUID(),
      orderId,
      subject: headerValue(envelope.Subject ?? '(no subject)'),
      body: envelope.Message,
      sentAt: new Date().toISOString(),
    };
    const file = `${mail.sentAt.replace(/[:.]/g, '-')}_${orderId}_${mail.id}.txt`;
    writeFileSync(
      path.join(this.dir, file),
      `Subject: ${mail.subject}\nDate: ${mail.sentAt}\nOrder-Id: ${mail.orderId}\nMessage-Id: ${mail.id}\n\n${mail.body}`,
      { flag: 'wx' },
    );
    return mail;
  }

  /** Every mail in the outbox, newest first. */
  list(): MailMessage[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .reverse()
      .map((file) => parseMail(readFileSync(path.join(this.dir, file), 'utf8')));
  }
}

/** One header line's value: line breaks and other controls (a forged header line) become spaces. */
const headerValue = (value: string) => value.replace(/[\p{Cc}\u2028\u2029\u0085]+/gu, ' ').slice(0, 998);

function parseMail(text: string): MailMessage {
  const split = text.indexOf('\n\n');
  const headers: Record<string, string | undefined> = Object.fromEntries(
    text
      .slice(0, split)
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return {
    id: headers['Message-Id'] ?? '',
    orderId: headers['Order-Id'] ?? '',
    subject: headers.Subject ?? '',
    sentAt: headers.Date ?? '',
    body: text.slice(split + 2),
  };
}
