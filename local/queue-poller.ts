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

export function startPoller(options: PollerOptions): Poller {
  const { sqs, queueUrl } = options;
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
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
    },
  };
}
