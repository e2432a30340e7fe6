/**
 * process-order: the workflow's steps (payment, shipment, notification, the delivery schedule, marking a
 * failed order and compensating a cancelled or unshipped one), each safe to run more than once:
 * status changes are conditional, money and e-mail calls go through Powertools idempotency, and a
 * step that already happened returns what it recorded the first time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { InvalidTransitionError } from '../../domain/errors.ts';
import { bookShipment, SimulatedPaymentProvider, type PaymentResult, type Refund } from '../../domain/fulfilment.ts';
import { renderCompensation, renderConfirmation, type Confirmation } from '../../domain/notification.ts';
import type { Order } from '../../domain/order.ts';
import { hasReached, isOrderId, needsCompensation, PAYMENT_DECLINED_REASON, type OrderStatus } from '../../domain/order-rules.ts';
import { createDocumentClient, OrderStore } from '../../domain/order-store.ts';
import {
  DEFAULT_PAYMENT_SUCCESS_RATE,
  DEFAULT_SHIPMENT_SUCCESS_RATE,
  ENV,
  IDEMPOTENCY_TABLE,
  requireEnv,
} from '../../domain/resources.ts';
import { PROCESS_ORDER_ACTIONS, type ProcessOrderAction } from '../../domain/workflow.ts';
import { createObservability, traced } from '../shared/powertools.ts';
import { scheduleDelivery as createDeliverySchedule, unqualifiedFunctionArn } from './delivery-schedule.ts';

const { logger, metrics, tracer } = createObservability('process-order');
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const store = new OrderStore(createDocumentClient(dynamodb), requireEnv(ENV.ordersTable));
const sns = tracer.captureAWSv3Client(new SNSClient({}));
const topicArn = requireEnv(ENV.topicArn);
const scheduler = tracer.captureAWSv3Client(new SchedulerClient({}));

function rateSetting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a number from 0 to 1`);
  return value;
}
const paymentSuccessRate = rateSetting(ENV.paymentSuccessRate, DEFAULT_PAYMENT_SUCCESS_RATE);
const shipmentSuccessRate = rateSetting(ENV.shipmentSuccessRate, DEFAULT_SHIPMENT_SUCCESS_RATE);

/** The payment provider this function calls (simulated, as in the seed); its ledger counts the calls. */
export const paymentProvider = new SimulatedPaymentProvider({
  successRate: paymentSuccessRate,
  delayMs: Number(process.env[ENV.paymentDelayMs] ?? 0) || 0,
});

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

/**
 * What a step tells the workflow: the `outcome` its Choice states read. `compensate`: the order
 * was cancelled (or its shipment failed) and the compensation step must refund and tell the customer.
 */
export type PaymentOutcome =
  | { outcome: 'approved'; transactionId?: string; paymentDate?: string }
  | { outcome: 'declined' }
  | { outcome: 'compensate' };

/** One idempotency config and persistence layer per wrapped call: each has its own key prefix. */
const idempotencyConfigs: IdempotencyConfig[] = [];
function idempotent<A extends { orderId: string }, R extends Record<string, unknown>>(keyPrefix: string | undefined, fn: (arg: A) => Promise<R>) {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'orderId', expiresAfterSeconds: 7 * 24 * 3600 });
  idempotencyConfigs.push(config);
  return makeIdempotent(fn, {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requireEnv(ENV.idempotencyTable),
      keyAttr: IDEMPOTENCY_TABLE.partitionKey,
      expiryAttr: IDEMPOTENCY_TABLE.ttlAttribute,
      awsSdkV3Client: dynamodb,
    }),
    config,
    keyPrefix,
  });
}

/**
 * One charge per order, even when two executions of the same order overlap (Express workflows do
 * not deduplicate starts): the second call waits for (retries into) the first one's answer.
 */
const chargeOnce = idempotent('payment-charge', async (request: { orderId: string; amount: number }) =>
  ({ ...(await paymentProvider.charge(request)) }) as PaymentResult & Record<string, unknown>,
);
const refundOnce = idempotent('payment-refund', async (request: { orderId: string; transactionId: string; amount: number }) =>
  ({ ...(await paymentProvider.refund(request)) }) as Refund & Record<string, unknown>,
);

/** An order the cancel (or a failed shipment) reached first: the step leaves it to the compensation. */
const lostToCompensation = (error: unknown): boolean =>
  error instanceof InvalidTransitionError && needsCompensation(error.from as OrderStatus);

async function processPayment(orderId: string): Promise<PaymentOutcome> {
  const order = await store.require(orderId);
  // A repeated step after the decline was recorded: the same answer.
  if (order.status === 'PAYMENT_FAILED') return { outcome: 'declined' };
  if (needsCompensation(order.status)) return { outcome: 'compensate' };
  if (hasReached(order.status, 'PAYMENT_PROCESSED')) {
    return { outcome: 'approved', transactionId: order.transactionId, paymentDate: order.paymentDate };
  }
  const payment = await chargeOnce({ orderId, amount: order.totalAmount });
  return recordPayment(orderId, payment);
}

/** Records the provider's answer on the order: a decline, or the charge (refunded if the order was cancelled meanwhile). */
async function recordPayment(orderId: string, payment: PaymentResult): Promise<PaymentOutcome> {
  const paymentDate = new Date().toISOString();
  try {
    if (!payment.approved) {
      // A decline is a business outcome, not a failure: it is recorded on the order and the step
      // answers normally (no Lambda error, no failed execution, no alarm).
      const { changed } = await store.transition(orderId, 'PAYMENT_FAILED', { failureReason: PAYMENT_DECLINED_REASON });
      if (changed) metrics.addMetric('PaymentsDeclined', MetricUnit.Count, 1);
      return { outcome: 'declined' };
    }
    const { order: paid, changed } = await store.transition(orderId, 'PAYMENT_PROCESSED', { transactionId: payment.transactionId, paymentDate });
    if (changed) metrics.addMetric('PaymentsProcessed', MetricUnit.Count, 1);
    return { outcome: 'approved', transactionId: paid.transactionId, paymentDate: paid.paymentDate };
  } catch (error) {
    if (!lostToCompensation(error)) throw error;
    // The order was cancelled while the provider was charging: keep the charge on the order so
    // the compensation refunds it.
    if (payment.approved && payment.transactionId) await store.recordLateCharge(orderId, payment.transactionId, paymentDate);
    return { outcome: 'compensate' };
  }
}

async function shipOrder(orderId: string) {
  // A repeated step (a duplicated execution, a recovery restart) books nothing again.
  const current = await store.require(orderId);
  if (hasReached(current.status, 'SHIPPED')) {
    const { trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate } = current;
    return { outcome: 'shipped' as const, trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate };
  }
  if (needsCompensation(current.status)) return { outcome: 'compensate' as const };
  try {
    const { order } = await store.transition(orderId, 'SHIPPED', bookShipment(shipmentSuccessRate));
    const { trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate } = order;
    return { outcome: 'shipped' as const, trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate };
  } catch (error) {
    // Cancelled before it shipped: the booking is not recorded, nothing ships.
    if (lostToCompensation(error)) return { outcome: 'compensate' as const };
    throw error;
  }
}

function emailSender(keyPrefix: string | undefined, render: (order: Order) => Confirmation) {
  return idempotent(keyPrefix, async (order: Order) => {
    const { subject, body } = render(order);
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subject,
        Message: body,
        MessageAttributes: { orderId: { DataType: 'String', StringValue: order.orderId } },
      }),
    );
    return { messageId: MessageId ?? '' };
  });
}

/** Publishes the confirmation at most once per order, even when two attempts overlap. */
const publishConfirmation = emailSender(undefined, renderConfirmation);
/** The cancellation or "could not be shipped and was refunded" e-mail, at most once per order. */
const publishCompensation = emailSender('compensation-email', renderCompensation);

async function sendNotification(orderId: string) {
  const order = await store.require(orderId);
  if (order.notificationSentDate) return { notificationSentDate: order.notificationSentDate };
  await publishConfirmation(order);
  const recorded = await store.recordNotificationSent(orderId, new Date().toISOString());
  metrics.addMetric('NotificationsSent', MetricUnit.Count, 1);
  return { notificationSentDate: recorded.notificationSentDate };
}

/**
 * Creates the order's delivery schedule (once: it is named after the order). Only a shipped order
 * gets one; one already delivered has nothing left to schedule.
 */
async function scheduleDelivery(orderId: string, functionArn: string) {
  const order = await store.require(orderId);
  if (order.status === 'DELIVERED') return { scheduled: false, deliveryDate: order.deliveryDate };
  if (order.status !== 'SHIPPED') throw new InvalidTransitionError(orderId, order.status, 'a delivery schedule');
  const target = {
    groupName: requireEnv(ENV.deliveryScheduleGroup),
    roleArn: requireEnv(ENV.deliverySchedulerRoleArn),
    functionArn: unqualifiedFunctionArn(functionArn),
  };
  const schedule = await createDeliverySchedule(scheduler, target, order);
  if (schedule.created) metrics.addMetric('DeliveriesScheduled', MetricUnit.Count, 1);
  return { scheduled: true, ...schedule };
}

/** Invoked by the order's delivery schedule: SHIPPED -> DELIVERED, once (a repeat returns the same). */
async function confirmDelivery(orderId: string) {
  const { order, changed } = await store.transition(orderId, 'DELIVERED', { deliveryDate: new Date().toISOString() });
  if (changed) metrics.addMetric('OrdersDelivered', MetricUnit.Count, 1);
  return { deliveryDate: order.deliveryDate };
}

export class NoChargeRecordedError extends Error {
  override readonly name = 'NoChargeRecordedError';
}

/**
 * The provider's answer to this order's charge, if it answered: `chargeOnce`'s idempotency record
 * (same key prefix and key), read through the same Powertools wrapper around a function that never
 * charges. No record: the function runs, throws, and Powertools removes the record it had claimed.
 * A charge still in flight answers IdempotencyAlreadyInProgressError, which the step retries.
 */
const recordedCharge = idempotent('payment-charge', async (_request: { orderId: string }): Promise<PaymentResult & Record<string, unknown>> => {
  throw new NoChargeRecordedError('No charge was made for this order');
});

async function findRecordedCharge(orderId: string): Promise<PaymentResult | undefined> {
  try {
    return await recordedCharge({ orderId });
  } catch (error) {
    if (error instanceof NoChargeRecordedError) return undefined;
    throw error;
  }
}

/**
 * After the payment step failed through its retries. If the provider did charge (only recording it
 * failed), the order is not marked PAYMENT_FAILED with the money taken: the charge is recorded as
 * the payment step would have, and the order goes on to shipment (or, cancelled meanwhile, to the
 * refund). Otherwise the order is PAYMENT_FAILED.
 */
async function settleFailedPayment(orderId: string, reason?: string) {
  const charge = await findRecordedCharge(orderId);
  if (charge?.approved) {
    const outcome = await recordPayment(orderId, charge);
    return { status: outcome.outcome === 'compensate' ? 'CANCELLED' : 'PAYMENT_PROCESSED', chargeRecovered: true };
  }
  return markFailed(orderId, 'PAYMENT_FAILED', reason);
}

async function markFailed(orderId: string, status: 'PAYMENT_FAILED' | 'SHIPMENT_FAILED', reason = 'Unknown') {
  try {
    const { order, changed } = await store.transition(orderId, status, { failureReason: reason });
    if (changed) metrics.addMetric(status === 'PAYMENT_FAILED' ? 'OrdersPaymentFailed' : 'OrdersShipmentFailed', MetricUnit.Count, 1);
    return { status: order.status };
  } catch (error) {
    // Cancelled meanwhile: the cancellation stands, and its compensation runs next.
    if (lostToCompensation(error)) return { status: (error as InvalidTransitionError).from };
    throw error;
  }
}

/**
 * Gives back what a cancelled or unshipped order took: refunds a charge (once: the provider's
 * refund is idempotent and the first refund recorded wins), then e-mails the customer (once) and
 * takes the order out of the open-orders index.
 */
async function compensate(orderId: string) {
  let order = await store.require(orderId);
  if (!needsCompensation(order.status)) throw new InvalidTransitionError(orderId, order.status, 'a compensation');
  if (order.transactionId && !order.refundId) {
    const refund = await refundOnce({ orderId, transactionId: order.transactionId, amount: order.totalAmount });
    order = await store.recordRefund(orderId, refund.refundId, refund.refundDate);
    metrics.addMetric('PaymentsRefunded', MetricUnit.Count, 1);
  }
  if (!order.compensationSentDate) {
    await publishCompensation(order);
    order = await store.recordCompensation(orderId, new Date().toISOString());
  }
  return { status: order.status, refundId: order.refundId };
}

/** What a step knows of the invocation: the function's own ARN (the delivery schedule's target). */
export interface StepContext {
  functionArn: string;
}

export async function runStep({ action, orderId, reason }: StepInput, context?: StepContext) {
  switch (action) {
    case 'process_payment':
      return processPayment(orderId);
    case 'arrange_shipment':
      return shipOrder(orderId);
    case 'send_notification':
      return sendNotification(orderId);
    case 'schedule_delivery':
      if (!context) throw new InvalidStepInputError('schedule_delivery needs the invocation context');
      return scheduleDelivery(orderId, context.functionArn);
    case 'confirm_delivery':
      return confirmDelivery(orderId);
    case 'mark_payment_failed':
      return settleFailedPayment(orderId, reason);
    case 'mark_shipment_failed':
      return markFailed(orderId, 'SHIPMENT_FAILED', reason);
    case 'compensate':
      return compensate(orderId);
  }
}

export const handler = traced(tracer, async (event: unknown, context: Context) => {
  logger.addContext(context);
  for (const config of idempotencyConfigs) config.registerLambdaContext(context);
  const input = parseStepInput(event);
  try {
    const result = await runStep(input, { functionArn: context.invokedFunctionArn });
    logger.info('Step done', { action: input.action, orderId: input.orderId });
    return result;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
});
