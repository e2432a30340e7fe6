/**
 * Receives from a local queue and hands each batch to a consumer, as Lambda's SQS event source
 * does: messages the consumer reports as failed are left to reappear after the visibility timeout
 * (and, past the redrive policy's receive count, go to the dead-letter queue); the rest are deleted.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  /** Returns the ids of the messages that failed. */
  consume: (messages: Message[]) => Promise<string[]>;
  onError: (error: unknown) => void;
}

export interface Poller {
  stop(): Promise<void>;
}

/**
 * Queues whose pollers are paused, by URL: the bench pauses the order queue while it loads
 * `POST /orders`, so that figure measures the API and not the workflow (which the pipeline figure
 * owns). Module state, because the stack that owns the pollers runs in the same process.
 */
const paused = new Set<string>();
const between = new Map<string, () => Promise<void>>();

/** Stops receiving from `queueUrl` after the receive in flight; resolves once that one is handled. */
export async function pausePolling(queueUrl: string): Promise<void> {
  paused.add(queueUrl);
  await between.get(queueUrl)?.();
}

export function resumePolling(queueUrl: string): void {
  paused.delete(queueUrl);
}

export function startPoller(options: PollerOptions): Poller {
  const { sqs, queueUrl } = options;
  const abort = new AbortController();
  let turn: Promise<void> = Promise.resolve();
  let endTurn = () => undefined as void;
  between.set(queueUrl, () => turn);
  const loop = (async () => {
    while (!abort.signal.aborted) {
      endTurn();
      if (paused.has(queueUrl)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      turn = new Promise<void>((resolve) => (endTurn = resolve));
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
            VisibilityTimeout: options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        if (Messages.length === 0) continue;
        const failed = new Set(await options.consume(Messages));
        const done = Messages.filter((m) => !failed.has(m.MessageId!));
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
        }
      } catch (error) {
        if (abort.signal.aborted) break;
        options.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
      endTurn();
      between.delete(queueUrl);
    },
  };
}
