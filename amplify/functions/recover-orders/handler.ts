/**
 * recover-orders: runs on a schedule (EventBridge, every `RECOVERY.scheduleMinutes`) and drives on
 * the orders that stopped moving (`recoverStuckOrders`): an order whose workflow never started is
 * put on the queue again, one whose execution ended early gets a new execution.
 * The same job runs in the local runtime (`local/stack.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { orderMessage } from '../../domain/order-message.ts';
import { createDocumentClient, OrderStore } from '../../domain/order-store.ts';
import { recoverStuckOrders, type RecoveryReport } from '../../domain/recovery.ts';
import { ENV, FUNCTIONS, RECOVERY, requireEnv } from '../../domain/resources.ts';
import { createObservability } from '../shared/powertools.ts';

const { logger, metrics } = createObservability(FUNCTIONS.recoverOrders.name);
const store = new OrderStore(createDocumentClient(new DynamoDBClient({})), requireEnv(ENV.ordersTable));
const sfn = new SFNClient({});
const stateMachineArn = requireEnv(ENV.stateMachineArn);
// Send to the configured endpoint, not the queue URL's host (as app-server does).
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const queueUrl = requireEnv(ENV.queueUrl);

const staleAfterMs = RECOVERY.staleAfterMinutes * 60_000;

async function enqueue(orderId: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage(orderId) }));
}

export const handler = async (_event: ScheduledEvent, context: Context): Promise<RecoveryReport> => {
  logger.addContext(context);
  try {
    const report = await recoverStuckOrders({
      store,
      sfn,
      stateMachineArn,
      enqueue,
      staleAfterMs,
      onError: (orderId, error) => logger.warn('Could not recover this order now; the next run retries', { orderId, error: error as Error }),
    });
    // Zeros are published too: a continuous series shows the job runs.
    metrics.addMetric('OrdersReenqueued', MetricUnit.Count, report.enqueued.length);
    metrics.addMetric('OrdersRestarted', MetricUnit.Count, report.restarted.length);
    metrics.addMetric('OrdersRecoveryGaveUp', MetricUnit.Count, report.gaveUp.length);
    if (report.gaveUp.length > 0) {
      logger.error('Orders still stuck after every recovery attempt; they need a person', { gaveUp: report.gaveUp });
    }
    logger.info('Recovery run', { ...report });
    return report;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
