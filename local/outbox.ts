/**
 * The local mailbox: every message the notification topic delivers is written to
 * `<dataDir>/outbox/` as one text file (headers, a blank line, the body), as an e-mail
 * subscription would receive it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Message } from '@aws-sdk/client-sqs';

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

  /** Writes one delivered SNS message; returns the mail for printing. */
  deliver(message: Message): MailMessage {
    const envelope = JSON.parse(message.Body!) as SnsEnvelope;
    const mail: MailMessage = {
      id: envelope.MessageId,
      orderId: envelope.MessageAttributes?.orderId?.Value ?? 'unknown',
      subject: envelope.Subject ?? '(no subject)',
      body: envelope.Message,
      sentAt: envelope.Timestamp,
    };
    const file = `${mail.sentAt.replace(/[:.]/g, '-')}_${mail.orderId}_${mail.id}.txt`;
    writeFileSync(
      path.join(this.dir, file),
      `Subject: ${mail.subject}\nDate: ${mail.sentAt}\nOrder-Id: ${mail.orderId}\nMessage-Id: ${mail.id}\n\n${mail.body}`,
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
