/**
 * recover-orders: runs on a schedule (EventBridge, every `RECOVERY.scheduleMinutes`) and drives on
 * the orders that stopped moving (`recoverStuckOrders`): an order still PENDING is put on the
 * queue again, any other gets a new execution of the (Express, idempotent) workflow; a SHIPPED
 * order whose delivery schedule is gone gets it back from that execution.
 * The local runtime (`local/stack/stack.ts`) runs this handler too: at start-up, then periodically.
 * How overdue an order must be is a setting (`recoveryStaleAfterMs`); a run invoked with its own
 * (`RecoveryRunDetail` in the event's `detail`) uses that one.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { CATALOG } from '../../domain/catalog.ts';
import { createDocumentClient } from '../../server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../server/aws/dynamodb-order-repository.ts';
import { DynamoDbStockLedger } from '../../server/aws/dynamodb-stock-ledger.ts';
import { lowStock, seedStock, settleStaleReservations } from '../../server/inventory.ts';
import { SfnWorkflowStarter } from '../../server/aws/sfn-workflow-starter.ts';
import { createQueueClient, SqsOrderQueue } from '../../server/aws/sqs-order-queue.ts';
import { emptyRecoveryReport, recoverStuckOrders, type RecoveryReport, type RecoveryRunDetail } from '../../server/recovery.ts';
import { FUNCTIONS } from '../../server/settings/functions.ts';
import { RECOVERY, recoveryStaleAfterMs } from '../../server/settings/recovery.ts';
import { ENV, METRICS, requireEnv } from '../../server/environment.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';

const { logger, metrics, tracer } = createObservability(FUNCTIONS.recoverOrders.name);
const db = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const store = new DynamoDbOrderRepository(db, requireEnv(ENV.ordersTable));
const stock = new DynamoDbStockLedger(db, requireEnv(ENV.stockTable));
const productIds = CATALOG.map((product) => product.productId);
const workflow = new SfnWorkflowStarter(tracer.captureAWSv3Client(new SFNClient({})), requireEnv(ENV.stateMachineArn));
const queue = new SqsOrderQueue(tracer.captureAWSv3Client(createQueueClient()), requireEnv(ENV.queueUrl));

/** The run's figures, published on every run (zeros too: a continuous series shows the job runs). */
function addReportMetrics(report: RecoveryReport): void {
  metrics.addMetric(METRICS.recovery.examined, MetricUnit.Count, report.examined);
  metrics.addMetric(METRICS.recovery.reenqueued, MetricUnit.Count, report.enqueued.length);
  metrics.addMetric(METRICS.recovery.restarted, MetricUnit.Count, report.restarted.length);
  metrics.addMetric(METRICS.recovery.gaveUp, MetricUnit.Count, report.gaveUp.length);
  metrics.addMetric(METRICS.recovery.stoppedEarly, MetricUnit.Count, report.stoppedEarly ? 1 : 0);
}

/**
 * The stock's part of a run: seeds the products that have no stock yet (the cloud's one-time seed
 * is the first run), settles the reservations of orders that stopped moving (released, or sold if
 * the order shipped), and publishes the low-stock figures. Its own failure is logged and leaves the
 * orders' recovery alone; the next run tries again.
 */
async function recoverStock(staleAfterMs: number) {
  const seeded = await seedStock(stock, productIds);
  if (seeded.length > 0) logger.info('Stock seeded', { products: seeded });
  const settled = await settleStaleReservations(stock, store, productIds, new Date(Date.now() - staleAfterMs).toISOString());
  metrics.addMetric(METRICS.stock.reservationsSettled, MetricUnit.Count, settled.released + settled.sold);
  if (settled.released + settled.sold > 0) logger.warn('Reservations of orders that stopped moving settled', { ...settled });
  const low = lowStock((await stock.levels(productIds)).values());
  metrics.addMetric(METRICS.stock.lowStockProducts, MetricUnit.Count, low.length);
  // One figure per low product, only while it is low (a metric costs per month it is published in).
  for (const level of low) {
    const single = metrics.singleMetric();
    single.addDimension(METRICS.stock.productDimension, level.productId);
    single.addMetric(METRICS.stock.stockAvailable, MetricUnit.Count, level.available);
  }
  return { seeded: seeded.length, ...settled, lowStock: low.map((level) => level.productId) };
}

export const handler = withObservability({ logger, metrics, tracer }, async (event: ScheduledEvent<RecoveryRunDetail | undefined>, context: Context): Promise<RecoveryReport> => {
  // Stop starting new orders well before the timeout: the run then always ends by itself and
  // publishes what it did; the next run continues with what is left.
  const remainingMs = context.getRemainingTimeInMillis?.() ?? FUNCTIONS.recoverOrders.timeoutSeconds * 1000;
  const deadline = Date.now() + remainingMs - RECOVERY.stopBeforeTimeoutSeconds * 1000;
  // Read on every run (a bad value fails the run loudly, before it touches any order).
  const staleAfterMs = recoveryStaleAfterMs(event.detail?.staleAfterMs);
  const report = emptyRecoveryReport();
  try {
    await recoverStuckOrders(
      {
        store,
        workflow,
        queue,
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
    // Out of time: the stock waits for the next run too.
    const stockReport = report.stoppedEarly ? undefined : await recoverStock(staleAfterMs).catch((error: unknown) => {
      logger.warn('Could not look at the stock now; the next run retries', { error: error as Error });
      return undefined;
    });
    logger.info('Recovery run', { ...report, stock: stockReport });
    return report;
  } finally {
    // Also when the run failed part-way (e.g. the index query): what it did is still counted
    // (withObservability publishes it).
    addReportMetrics(report);
  }
});
