/**
 * The local mailbox: every message the notification topic delivers is written to
 * `<dataDir>/outbox/` as one text file (headers, a blank line, the body), as an e-mail
 * subscription would receive it.
 *
 * The local topic and queues live in memory, while SNS keeps what it accepted. So each accepted
 * publish is first recorded under `<dataDir>/outbox/pending/` (before the publisher is answered)
 * and settled once its mail is written; what a killed process left pending is written at the next
 * start. A kill between the two writes can send one e-mail twice, never none (at least once, as SNS).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Message } from '@aws-sdk/client-sqs';
import type { MailRecord } from '../amplify/domain/notification.ts';
import { canonicalOrderId } from '../amplify/domain/order-rules.ts';

export type MailMessage = MailRecord;

/** An SNS -> SQS delivery (not raw): the SNS envelope, as JSON in the SQS body. */
interface SnsEnvelope {
  MessageId: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Value: string }>;
}

/** A publish the notification topic accepted, as its subscriber will get it. */
export interface PublishedNotification {
  messageId: string;
  subject?: string;
  message: string;
  orderId?: string;
}

/** SNS message ids are UUIDs; only those name a pending file. */
const SNS_MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Outbox {
  readonly dir: string;
  private readonly pendingDir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'outbox');
    this.pendingDir = path.join(this.dir, 'pending');
    mkdirSync(this.pendingDir, { recursive: true });
  }

  /** Records an accepted publish; synchronous, so it is on disk before the publisher hears back. */
  recordPublished(notification: PublishedNotification): void {
    if (!SNS_MESSAGE_ID.test(notification.messageId)) throw new Error(`Unexpected SNS message id ${notification.messageId}`);
    const file = path.join(this.pendingDir, `${notification.messageId}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(notification));
    renameSync(`${file}.tmp`, file);
  }

  /** Writes the mails of publishes a stopped process accepted but never delivered. */
  deliverPending(): (MailMessage | { refused: string })[] {
    return readdirSync(this.pendingDir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => {
        const notification = JSON.parse(readFileSync(path.join(this.pendingDir, file), 'utf8')) as PublishedNotification;
        const result = this.write(notification.messageId, notification.orderId, notification.subject, notification.message);
        this.settle(notification.messageId);
        return result;
      });
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
    const result = this.write(message.MessageId, envelope?.MessageAttributes?.orderId?.Value, envelope?.Subject, envelope?.Message);
    if (typeof envelope?.MessageId === 'string') this.settle(envelope.MessageId);
    return result;
  }

  /**
   * An e-mail of the user pool (a verification code). Cognito sends these itself, not through the
   * order topic; the file name is the time and a generated id only.
   */
  deliverAccountMail(mail: { to: string; subject: string; body: string }): MailMessage {
    const written: MailMessage = {
      id: randomUUID(),
      orderId: '',
      subject: headerValue(mail.subject),
      body: mail.body,
      sentAt: new Date().toISOString(),
    };
    const file = `${written.sentAt.replace(/[:.]/g, '-')}_account_${written.id}.txt`;
    writeFileSync(
      path.join(this.dir, file),
      `Subject: ${written.subject}\nDate: ${written.sentAt}\nTo: ${headerValue(mail.to)}\nMessage-Id: ${written.id}\n\n${written.body}`,
      { flag: 'wx' },
    );
    return written;
  }

  private write(messageId: string | undefined, rawOrderId: unknown, subject: unknown, body: unknown): MailMessage | { refused: string } {
    const orderId = canonicalOrderId(rawOrderId);
    if (!orderId || typeof body !== 'string') {
      return { refused: `message ${messageId} names no valid order id (${JSON.stringify(rawOrderId)?.slice(0, 80)})` };
    }
    const mail: MailMessage = {
      id: randomUUID(),
      orderId,
      subject: headerValue(typeof subject === 'string' ? subject : '(no subject)'),
      body,
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

  private settle(snsMessageId: string): void {
    if (!SNS_MESSAGE_ID.test(snsMessageId)) return;
    rmSync(path.join(this.pendingDir, `${snsMessageId}.json`), { force: true });
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
