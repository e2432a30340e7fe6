/**
 * process-order: the workflow's steps (payment, shipment, notification, delivery and marking a
 * failed order), each safe to run more than once: status changes are conditional and a step that
 * already happened returns what it recorded the first time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { arrangeShipment, simulatePayment } from '../../server/fulfilment.ts';
import { renderConfirmation } from '../../domain/notification.ts';
import type { Order } from '../../domain/order.ts';
import { hasReached, isOrderId, PAYMENT_DECLINED_REASON } from '../../domain/order-rules.ts';
import { createDocumentClient, DynamoDbOrderRepository } from '../../server/aws/dynamodb-order-repository.ts';
import { DEFAULT_PAYMENT_SUCCESS_RATE, ENV, FUNCTIONS, IDEMPOTENCY_TABLE, requireEnv } from '../../server/settings.ts';
import { PROCESS_ORDER_ACTIONS, type ProcessOrderAction } from '../../server/workflow.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';

const { logger, metrics, tracer } = createObservability(FUNCTIONS.processOrder.name);
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const store = new DynamoDbOrderRepository(createDocumentClient(dynamodb), requireEnv(ENV.ordersTable));
const sns = tracer.captureAWSv3Client(new SNSClient({}));
const topicArn = requireEnv(ENV.topicArn);
const paymentSuccessRate = Number(process.env[ENV.paymentSuccessRate] ?? DEFAULT_PAYMENT_SUCCESS_RATE);
if (!(paymentSuccessRate >= 0 && paymentSuccessRate <= 1)) throw new Error(`${ENV.paymentSuccessRate} must be a number from 0 to 1`);

export interface StepInput {
  action: ProcessOrderAction;
  orderId: string;
  /** The error that sent the workflow to a mark_*_failed step. */
  reason?: string;
}

export class InvalidStepInputError extends Error {
  override readonly name = 'InvalidStepInputError';
}

/**
 * The workflow's Task parameters. Checked by hand rather than with zod: the input comes from our
 * own state machine, and zod would be ~40% of this function's bundle (docs/performance.md).
 */
export function parseStepInput(event: unknown): StepInput {
  const input = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const { action, orderId, reason } = input;
  const valid =
    PROCESS_ORDER_ACTIONS.includes(action as ProcessOrderAction) &&
    isOrderId(orderId) &&
    (reason === undefined || (typeof reason === 'string' && reason.length <= 256));
  if (!valid) throw new InvalidStepInputError(`Invalid step input: ${JSON.stringify(event)?.slice(0, 300)}`);
  return { action: action as ProcessOrderAction, orderId: (orderId as string).toLowerCase(), reason: reason as string | undefined };
}

/** The payment step's answer; the workflow's `PaymentApproved` choice reads `approved`. */
export type PaymentOutcome = { approved: true; transactionId?: string; paymentDate?: string } | { approved: false };

async function processPayment(orderId: string): Promise<PaymentOutcome> {
  const order = await store.require(orderId);
  // A repeated step after the decline was recorded: the same answer.
  if (order.status === 'PAYMENT_FAILED') return { approved: false };
  if (!hasReached(order.status, 'PAYMENT_PROCESSED')) {
    // A real provider would be called with the order id as its idempotency key; the simulated
    // one approves or declines, and the conditional transition records the charge once.
    const payment = simulatePayment(paymentSuccessRate);
    if (!payment.approved) {
      // A decline is a business outcome, not a failure: it is recorded on the order and the step
      // answers normally (no Lambda error, no failed execution, no alarm).
      const { changed } = await store.transition(orderId, 'PAYMENT_FAILED', { failureReason: PAYMENT_DECLINED_REASON });
      if (changed) metrics.addMetric('PaymentsDeclined', MetricUnit.Count, 1);
      return { approved: false };
    }
    const { order: paid, changed } = await store.transition(orderId, 'PAYMENT_PROCESSED', {
      transactionId: payment.transactionId,
      paymentDate: new Date().toISOString(),
    });
    if (changed) metrics.addMetric('PaymentsProcessed', MetricUnit.Count, 1);
    return { approved: true, transactionId: paid.transactionId, paymentDate: paid.paymentDate };
  }
  return { approved: true, transactionId: order.transactionId, paymentDate: order.paymentDate };
}

async function shipOrder(orderId: string) {
  const { order } = await store.transition(orderId, 'SHIPPED', arrangeShipment());
  const { trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate } = order;
  return { trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate };
}

const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'orderId', expiresAfterSeconds: 7 * 24 * 3600 });

/** Publishes the confirmation at most once per order, even when two attempts overlap. */
const publishConfirmation = makeIdempotent(
  async (order: Order) => {
    const { subject, body } = renderConfirmation(order);
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subject,
        Message: body,
        MessageAttributes: { orderId: { DataType: 'String', StringValue: order.orderId } },
      }),
    );
    return { messageId: MessageId ?? '' };
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requireEnv(ENV.idempotencyTable),
      keyAttr: IDEMPOTENCY_TABLE.partitionKey,
      expiryAttr: IDEMPOTENCY_TABLE.ttlAttribute,
      awsSdkV3Client: dynamodb,
    }),
    config: idempotencyConfig,
  },
);

async function sendNotification(orderId: string) {
  const order = await store.require(orderId);
  if (order.notificationSentDate) return { notificationSentDate: order.notificationSentDate };
  await publishConfirmation(order);
  const recorded = await store.recordNotificationSent(orderId, new Date().toISOString());
  metrics.addMetric('NotificationsSent', MetricUnit.Count, 1);
  return { notificationSentDate: recorded.notificationSentDate };
}

async function confirmDelivery(orderId: string) {
  const { order } = await store.transition(orderId, 'DELIVERED', { deliveryDate: new Date().toISOString() });
  return { deliveryDate: order.deliveryDate };
}

async function markFailed(orderId: string, status: 'PAYMENT_FAILED' | 'SHIPMENT_FAILED', reason = 'Unknown') {
  const { order, changed } = await store.transition(orderId, status, { failureReason: reason });
  if (changed) metrics.addMetric(status === 'PAYMENT_FAILED' ? 'OrdersPaymentFailed' : 'OrdersShipmentFailed', MetricUnit.Count, 1);
  return { status: order.status };
}

export async function runStep({ action, orderId, reason }: StepInput) {
  switch (action) {
    case 'process_payment':
      return processPayment(orderId);
    case 'arrange_shipment':
      return shipOrder(orderId);
    case 'send_notification':
      return sendNotification(orderId);
    case 'confirm_delivery':
      return confirmDelivery(orderId);
    case 'mark_payment_failed':
      return markFailed(orderId, 'PAYMENT_FAILED', reason);
    case 'mark_shipment_failed':
      return markFailed(orderId, 'SHIPMENT_FAILED', reason);
  }
}

export const handler = withObservability({ logger, metrics, tracer }, async (event: unknown, context: Context) => {
  logger.addContext(context);
  idempotencyConfig.registerLambdaContext(context);
  const input = parseStepInput(event);
  try {
    const result = await runStep(input);
    logger.info('Step done', { action: input.action, orderId: input.orderId });
    return result;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
});
