/**
 * recover-orders: runs on a schedule (EventBridge, every `RECOVERY.scheduleMinutes`) and drives on
 * the orders that stopped moving (`recoverStuckOrders`): an order still PENDING is put on the
 * queue again, any other gets a new execution of the (Express, idempotent) workflow; a SHIPPED
 * order whose delivery schedule is gone gets it back from that execution.
 * The same job runs in the local runtime (`local/stack.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { orderMessage } from '../../domain/order-message.ts';
import { createDocumentClient, OrderStore } from '../../domain/order-store.ts';
import { emptyRecoveryReport, recoverStuckOrders, type RecoveryReport } from '../../domain/recovery.ts';
import { ENV, FUNCTIONS, RECOVERY, requireEnv } from '../../domain/resources.ts';
import { createObservability, traced } from '../shared/powertools.ts';

const { logger, metrics, tracer } = createObservability(FUNCTIONS.recoverOrders.name);
const store = new OrderStore(createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))), requireEnv(ENV.ordersTable));
const sfn = tracer.captureAWSv3Client(new SFNClient({}));
const stateMachineArn = requireEnv(ENV.stateMachineArn);
// Send to the configured endpoint, not the queue URL's host (as app-server does).
const sqs = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
const queueUrl = requireEnv(ENV.queueUrl);

const staleAfterMs = RECOVERY.staleAfterMinutes * 60_000;

async function enqueue(orderId: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage(orderId) }));
}

/** The run's figures, published on every run (zeros too: a continuous series shows the job runs). */
function addReportMetrics(report: RecoveryReport): void {
  metrics.addMetric('OrdersExamined', MetricUnit.Count, report.examined);
  metrics.addMetric('OrdersReenqueued', MetricUnit.Count, report.enqueued.length);
  metrics.addMetric('OrdersRestarted', MetricUnit.Count, report.restarted.length);
  metrics.addMetric('OrdersRecoveryGaveUp', MetricUnit.Count, report.gaveUp.length);
  metrics.addMetric('RecoveryStoppedEarly', MetricUnit.Count, report.stoppedEarly ? 1 : 0);
}

export const handler = traced(tracer, async (_event: ScheduledEvent, context: Context): Promise<RecoveryReport> => {
  logger.addContext(context);
  // Stop starting new orders well before the timeout: the run then always ends by itself and
  // publishes what it did; the next run continues with what is left.
  const remainingMs = context.getRemainingTimeInMillis?.() ?? FUNCTIONS.recoverOrders.timeoutSeconds * 1000;
  const deadline = Date.now() + remainingMs - RECOVERY.stopBeforeTimeoutSeconds * 1000;
  const report = emptyRecoveryReport();
  try {
    await recoverStuckOrders(
      {
        store,
        sfn,
        stateMachineArn,
        enqueue,
        staleAfterMs,
        pageSize: RECOVERY.pageSize,
        deadline,
        onError: (orderId, error) => logger.warn('Could not recover this order now; the next run retries', { orderId, error: error as Error }),
      },
      report,
    );
    if (report.gaveUp.length > 0) {
      logger.error('Orders still stuck after every recovery attempt; they need a person', { gaveUp: report.gaveUp });
    }
    if (report.stoppedEarly) logger.warn('Recovery run stopped at its deadline; the next run continues', { examined: report.examined });
    logger.info('Recovery run', { ...report });
    return report;
  } finally {
    // Also when the run failed part-way (e.g. the index query): what it did is still counted.
    addReportMetrics(report);
    metrics.publishStoredMetrics();
  }
});
