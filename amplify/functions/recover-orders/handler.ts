/**
 * recover-orders: runs on a schedule (EventBridge, every `RECOVERY.scheduleMinutes`) and drives on
 * the orders that stopped moving (`recoverStuckOrders`): an order whose workflow never started is
 * put on the queue again, one whose execution ended early gets a new execution.
 * The same job runs in the local runtime (`local/stack.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { createQueueClient, SqsOrderQueue } from '../../server/aws/sqs-order-queue.ts';
import { createDocumentClient, DynamoDbOrderRepository } from '../../server/aws/dynamodb-order-repository.ts';
import { emptyRecoveryReport, recoverStuckOrders, type RecoveryReport } from '../../server/recovery.ts';
import { ENV, FUNCTIONS, METRICS, RECOVERY, requireEnv } from '../../server/settings.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';

const { logger, metrics, tracer } = createObservability(FUNCTIONS.recoverOrders.name);
const store = new DynamoDbOrderRepository(createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))), requireEnv(ENV.ordersTable));
const sfn = tracer.captureAWSv3Client(new SFNClient({}));
const stateMachineArn = requireEnv(ENV.stateMachineArn);
const queue = new SqsOrderQueue(tracer.captureAWSv3Client(createQueueClient()), requireEnv(ENV.queueUrl));

const staleAfterMs = RECOVERY.staleAfterMinutes * 60_000;

const enqueue = (orderId: string) => queue.enqueue(orderId);

/** The run's figures, published on every run (zeros too: a continuous series shows the job runs). */
function addReportMetrics(report: RecoveryReport): void {
  metrics.addMetric(METRICS.recovery.examined, MetricUnit.Count, report.examined);
  metrics.addMetric(METRICS.recovery.reenqueued, MetricUnit.Count, report.enqueued.length);
  metrics.addMetric(METRICS.recovery.restarted, MetricUnit.Count, report.restarted.length);
  metrics.addMetric(METRICS.recovery.gaveUp, MetricUnit.Count, report.gaveUp.length);
  metrics.addMetric(METRICS.recovery.stoppedEarly, MetricUnit.Count, report.stoppedEarly ? 1 : 0);
}

export const handler = withObservability({ logger, metrics, tracer }, async (_event: ScheduledEvent, context: Context): Promise<RecoveryReport> => {
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
    // Also when the run failed part-way (e.g. the index query): what it did is still counted
    // (withObservability publishes it).
    addReportMetrics(report);
  }
});
