/**
 * The local SES (v2 API) and its outbox: the process-order's SES adapter, unchanged, sends to it;
 * each e-mail is on disk (one `From:`, one `To:` line) before SES answers, so a restart loses none;
 * what SES would refuse (header injection through an address, unsigned requests, raw content) is
 * refused with SES's error shape and writes nothing.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderEmail } from '../../amplify/domain/notification.ts';
import { EmailRejectedError, SesMailer } from '../../amplify/server/aws/ses-mailer.ts';
import { Outbox } from '../../local/ses/outbox.ts';
import { SEND_EMAIL_PATH, startLocalSes } from '../../local/ses/ses.ts';
import { storedOrder } from '../fixtures.ts';

let dataDir = '';
let ses: Awaited<ReturnType<typeof startLocalSes>> | undefined;
afterEach(async () => {
  await ses?.stop();
  ses = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start() {
  dataDir ||= mkdtempSync(path.join(tmpdir(), 'orders-ses-'));
  const outbox = new Outbox(dataDir);
  ses = await startLocalSes({ outbox });
  const mailer = new SesMailer(new SESv2Client({ region: 'us-east-1', endpoint: ses.endpoint }), { from: 'Shop <orders@shop.example>', configurationSet: 'local' });
  return { outbox, mailer };
}
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

describe('the local SES', () => {
  it('records what the SES adapter sends, to the order customer, and keeps it across a restart', async () => {
    const order = storedOrder('2026-01-02T03:04:05.000Z', { status: 'SHIPPED', trackingNumber: 'TRK1', customerEmail: 'ana@example.com' });
    const { outbox, mailer } = await start();
    const email = renderEmail('order-shipped', order, 'http://127.0.0.1:5173/');
    const { messageId } = await mailer.send(email);
    const [file] = readdirSync(outbox.dir);
    const text = readFileSync(path.join(outbox.dir, file!), 'utf8');
    expect(text.match(/^To: .*$/gm)).toEqual(['To: ana@example.com']);
    expect(text.match(/^From: .*$/gm)).toEqual(['From: Shop <orders@shop.example>']);
    await ses!.stop();
    ses = undefined;
    const again = await start();
    expect(again.outbox.list()).toEqual([
      { id: messageId, orderId: order.orderId, kind: 'order-shipped', from: 'Shop <orders@shop.example>', to: 'ana@example.com', subject: email.subject, text: email.text, html: email.html, sentAt: expect.any(String) },
    ]);
  });

  it('refuses an address carrying a header line, an unsigned request and raw content, writing nothing', async () => {
    const { outbox, mailer } = await start();
    const order = storedOrder('2026-01-02T03:04:05.000Z', { status: 'DELIVERED' });
    for (const to of ['ana@example.com\r\nBcc: all@example.com', 'ana@example.com\nX: y']) {
      await expect(mailer.send({ ...renderEmail('order-delivered', order, 'http://x/'), to })).rejects.toBeInstanceOf(EmailRejectedError);
    }
    // (fetch marks itself as a browser, which the stand-in refuses first: also a 403.)
    const unsigned = await fetch(new URL(SEND_EMAIL_PATH, ses!.endpoint), { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(readdirSync(outbox.dir)).toEqual([]);
    // A subject with a line break stays one header line.
    await mailer.send({ ...renderEmail('order-delivered', order, 'http://x/'), subject: 'Hi\r\nBcc: all@example.com' });
    const [file] = readdirSync(outbox.dir);
    expect(readFileSync(path.join(outbox.dir, file!), 'utf8')).not.toMatch(/^Bcc:/m);
  });
});
