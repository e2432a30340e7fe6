/**
 * The local mailbox: every e-mail the local SES (local/ses/ses.ts) accepts, and the user pool's
 * verification codes, written to `<dataDir>/outbox/` as one message file (`.eml`: one `From:`,
 * one `To:` line, then a multipart/alternative text and HTML body), before the sender is answered,
 * so nothing accepted is lost across a restart. File names are made only of the time, the
 * validated order id and a generated id: no message can choose where it is written.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isEmailKind, type MailRecord } from '../../amplify/domain/notification.ts';
import { canonicalOrderId } from '../../amplify/domain/order-rules.ts';

export type MailMessage = MailRecord;

/** What a sender hands the outbox: the tags name the order and the kind (both checked here). */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  orderId?: unknown;
  kind?: unknown;
}

/** One header line's value: line breaks and other controls (a forged header line) become spaces. */
export const headerValue = (value: string) => value.replace(/[\p{Cc}\u2028\u2029\u0085]+/gu, ' ').slice(0, 998);

export class Outbox {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'outbox');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Writes one e-mail; synchronous, so it is on disk before the sender hears back. */
  write(mail: OutgoingMail): MailMessage {
    const orderId = canonicalOrderId(mail.orderId) ?? '';
    const written: MailMessage = {
      id: randomUUID(),
      orderId,
      kind: orderId && isEmailKind(mail.kind) ? mail.kind : 'account',
      from: headerValue(mail.from),
      to: headerValue(mail.to),
      subject: headerValue(mail.subject),
      text: mail.text,
      html: mail.html ?? '',
      sentAt: new Date().toISOString(),
    };
    const file = `${written.sentAt.replace(/[:.]/g, '-')}_${orderId || 'account'}_${written.id}.eml`;
    // Written whole under a temporary name, then renamed: a reader of the folder never sees half a message.
    const partial = path.join(this.dir, `.${written.id}.partial`);
    writeFileSync(partial, format(written), { flag: 'wx' });
    renameSync(partial, path.join(this.dir, file));
    return written;
  }

  /** Every mail in the outbox, newest first. */
  list(): MailMessage[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .reverse()
      .map((file) => parseMail(readFileSync(path.join(this.dir, file), 'utf8')));
  }
}

/** The boundary is the message's own generated id: no body can contain it by chance. */
const boundaryOf = (id: string) => `==part-${id}==`;

function format(mail: MailMessage): string {
  const boundary = boundaryOf(mail.id);
  const headers = [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Subject: ${mail.subject}`,
    `Date: ${mail.sentAt}`,
    `Message-Id: ${mail.id}`,
    ...(mail.orderId ? [`X-Order-Id: ${mail.orderId}`] : []),
    `X-Kind: ${mail.kind}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const parts = [`--${boundary}\nContent-Type: text/plain; charset=UTF-8\n\n${mail.text}`];
  if (mail.html) parts.push(`--${boundary}\nContent-Type: text/html; charset=UTF-8\n\n${mail.html}`);
  return `${headers.join('\n')}\n\n${parts.join('\n')}\n--${boundary}--\n`;
}

function parseMail(text: string): MailMessage {
  const split = text.indexOf('\n\n');
  const headers: Record<string, string | undefined> = Object.fromEntries(
    text
      .slice(0, split)
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const id = headers['Message-Id'] ?? '';
  const boundary = boundaryOf(id);
  const part = (type: string) => {
    const start = text.indexOf(`--${boundary}\nContent-Type: ${type}; charset=UTF-8\n\n`);
    if (start < 0) return '';
    const from = text.indexOf('\n\n', start) + 2;
    return text.slice(from, text.indexOf(`\n--${boundary}`, from));
  };
  const kind = headers['X-Kind'];
  return {
    id,
    orderId: headers['X-Order-Id'] ?? '',
    kind: isEmailKind(kind) ? kind : 'account',
    from: headers.From ?? '',
    to: headers.To ?? '',
    subject: headers.Subject ?? '',
    sentAt: headers.Date ?? '',
    text: part('text/plain'),
    html: part('text/html'),
  };
}
