/**
 * The local mailbox loses no e-mail the topic accepted: the local topic and queues are in memory,
 * so a publish is recorded on disk before the publisher is answered, settled when its mail is
 * written, and written at the next start if the process died in between.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../local/aws.ts';
import { startMessaging, type LocalMessaging } from '../local/messaging.ts';
import { Outbox } from '../local/outbox.ts';

const orderId = '0b6f3c2e-8f4d-4c1a-9e7b-5a2d1c3b4e5f';
let dataDir = '';
let messaging: LocalMessaging | undefined;

afterEach(async () => {
  await messaging?.stop();
  messaging = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function publishConfirmation(outbox: Outbox): Promise<{ sns: SNSClient; messageId: string }> {
  messaging = await startMessaging(0, () => undefined, (published) => outbox.recordPublished(published));
  const sns = new SNSClient({ ...LOCAL_AWS, endpoint: messaging.endpoint });
  const { MessageId } = await sns.send(
    new PublishCommand({
      TopicArn: messaging.topicArn,
      Subject: 'Order Confirmation',
      Message: 'Dear Ana',
      MessageAttributes: { orderId: { DataType: 'String', StringValue: orderId } },
    }),
  );
  return { sns, messageId: MessageId! };
}

const pendingFiles = () => readdirSync(path.join(dataDir, 'outbox', 'pending'));

describe('local outbox durability', () => {
  it('has an accepted publish on disk when Publish returns, and writes it at the next start if it was never delivered', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    const { sns, messageId } = await publishConfirmation(new Outbox(dataDir));
    sns.destroy();
    expect(pendingFiles()).toEqual([`${messageId}.json`]);

    await messaging!.stop(); // the in-memory topic and queue are gone, as after a kill
    messaging = undefined;
    const next = new Outbox(dataDir);
    const delivered = next.deliverPending();
    expect(delivered).toEqual([expect.objectContaining({ orderId, subject: 'Order Confirmation', body: 'Dear Ana' })]);
    expect(next.list()).toHaveLength(1);
    expect(pendingFiles()).toEqual([]);
    expect(next.deliverPending()).toEqual([]); // once
  });

  it('settles the record when the subscription delivers the mail, so nothing is written twice', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    const outbox = new Outbox(dataDir);
    const { sns } = await publishConfirmation(outbox);
    sns.destroy();
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: messaging!.endpoint });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: messaging!.outboxQueueUrl, WaitTimeSeconds: 1 }));
    sqs.destroy();
    expect(Messages).toHaveLength(1);
    expect(outbox.deliver(Messages[0]!)).toEqual(expect.objectContaining({ orderId }));
    expect(pendingFiles()).toEqual([]);
    expect(new Outbox(dataDir).deliverPending()).toEqual([]);
    expect(outbox.list()).toHaveLength(1);
  });
});
