/**
 * process-order: the workflow's Task states call it with `{ action, orderId }`; it dispatches to
 * the step modules in `steps/` (payment, shipment, delivery schedule, notification, compensation);
 * the order's delivery schedule calls it with `confirm_delivery`. Each
 * step is safe to run more than once: status changes are conditional, money and e-mail calls go
 * through Powertools idempotency (wired here), and a step that already happened returns what it
 * recorded the first time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { renderCompensation, renderConfirmation, type Confirmation } from '../../domain/notification.ts';
import type { Order } from '../../domain/order.ts';
import { isOrderId } from '../../domain/order-rules.ts';
import { createDocumentClient, DynamoDbOrderRepository } from '../../server/aws/dynamodb-order-repository.ts';
import { SnsMailer } from '../../server/aws/sns-mailer.ts';
import { SimulatedPaymentProvider, type PaymentResult } from '../../server/simulated-partners.ts';
import {
  DEFAULT_PAYMENT_SUCCESS_RATE,
  DEFAULT_SHIPMENT_SUCCESS_RATE,
  ENV,
  FUNCTIONS,
  IDEMPOTENCY_TABLE,
  requireEnv,
} from '../../server/settings.ts';
import { PROCESS_ORDER_ACTIONS, type ProcessOrderAction } from '../../server/workflow.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';
import { scheduleDelivery as createDeliverySchedule, unqualifiedFunctionArn } from './delivery-schedule.ts';
import { compensate } from './steps/compensation.ts';
import type { StepContext } from './steps/context.ts';
import { scheduleDelivery } from './steps/delivery.ts';
import { sendNotification } from './steps/notification.ts';
import { markFailed, processPayment, settleFailedPayment } from './steps/payment.ts';
import { confirmDelivery, shipOrder } from './steps/shipment.ts';

const { logger, metrics, tracer } = createObservability(FUNCTIONS.processOrder.name);
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const orders = new DynamoDbOrderRepository(createDocumentClient(dynamodb), requireEnv(ENV.ordersTable));
const mailer = new SnsMailer(tracer.captureAWSv3Client(new SNSClient({})), requireEnv(ENV.topicArn));
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
 * The workflow's Task parameters. Checked by hand rather than with a schema library: the input
 * comes from our own state machine, and none is needed in this function's bundle.
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

/** One idempotency config and persistence layer per wrapped call: each has its own key prefix. */
const idempotencyConfigs: IdempotencyConfig[] = [];
function idempotent<A extends { orderId: string }, R>(keyPrefix: string | undefined, fn: (arg: A) => Promise<R>): (arg: A) => Promise<R> {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'orderId', expiresAfterSeconds: 7 * 24 * 3600 });
  idempotencyConfigs.push(config);
  // Powertools stores the answer as a record: the results here are plain objects.
  return makeIdempotent(fn as (arg: A) => Promise<R & Record<string, unknown>>, {
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

export class NoChargeRecordedError extends Error {
  override readonly name = 'NoChargeRecordedError';
}

/**
 * `chargeOnce`'s idempotency record (same key prefix and key), read through the same Powertools
 * wrapper around a function that never charges: no record, the function runs, throws, and
 * Powertools removes the record it had claimed. A charge still in flight answers
 * IdempotencyAlreadyInProgressError, which the step retries.
 */
const recordedCharge = idempotent('payment-charge', async (_request: { orderId: string }): Promise<PaymentResult> => {
  throw new NoChargeRecordedError('No charge was made for this order');
});

/** An e-mail rendered from the order, sent at most once per order and key prefix. */
const emailOnce = (keyPrefix: string | undefined, render: (order: Order) => Confirmation) =>
  idempotent(keyPrefix, async (order: Order) => mailer.send({ orderId: order.orderId, ...render(order) }));

const context: StepContext = {
  orders,
  metrics,
  // One charge per order, even when two executions of the same order overlap (Express workflows
  // do not deduplicate starts): the second call waits for (retries into) the first one's answer.
  chargeOnce: idempotent('payment-charge', async (request: { orderId: string; amount: number }) => ({ ...(await paymentProvider.charge(request)) })),
  findCharge: async (orderId) => {
    try {
      return await recordedCharge({ orderId });
    } catch (error) {
      if (error instanceof NoChargeRecordedError) return undefined;
      throw error;
    }
  },
  refundOnce: idempotent('payment-refund', async (request: { orderId: string; transactionId: string; amount: number }) => ({
    ...(await paymentProvider.refund(request)),
  })),
  // The confirmation keeps the key it always had (no prefix): orders in flight keep their record.
  sendConfirmation: emailOnce(undefined, renderConfirmation),
  sendCompensation: emailOnce('compensation-email', renderCompensation),
  // Read when a schedule is made (not at load): only the delivery step needs them.
  createDeliverySchedule: (order, functionArn) =>
    createDeliverySchedule(
      scheduler,
      { groupName: requireEnv(ENV.deliveryScheduleGroup), roleArn: requireEnv(ENV.deliverySchedulerRoleArn), functionArn: unqualifiedFunctionArn(functionArn) },
      order,
    ),
  shipmentSuccessRate,
};

/** What a step knows of its invocation: the function's own ARN (the delivery schedule's target). */
export interface Invocation {
  functionArn: string;
}

/** Each action of the workflow's Task states, and the step module that does it. */
const STEPS: Record<ProcessOrderAction, (input: StepInput, invocation: Invocation) => Promise<unknown>> = {
  process_payment: ({ orderId }) => processPayment(context, orderId),
  arrange_shipment: ({ orderId }) => shipOrder(context, orderId),
  send_notification: ({ orderId }) => sendNotification(context, orderId),
  schedule_delivery: ({ orderId }, { functionArn }) => scheduleDelivery(context, orderId, functionArn),
  confirm_delivery: ({ orderId }) => confirmDelivery(context, orderId),
  mark_payment_failed: ({ orderId, reason }) => settleFailedPayment(context, orderId, reason),
  mark_shipment_failed: ({ orderId, reason }) => markFailed(context, orderId, 'SHIPMENT_FAILED', reason),
  compensate: ({ orderId }) => compensate(context, orderId),
};

export const runStep = (input: StepInput, invocation: Invocation) => STEPS[input.action](input, invocation);

export const handler = withObservability({ logger, metrics, tracer }, async (event: unknown, context: Context) => {
  for (const config of idempotencyConfigs) config.registerLambdaContext(context);
  const input = parseStepInput(event);
  const result = await runStep(input, { functionArn: context.invokedFunctionArn });
  logger.debug('Step done', { action: input.action, orderId: input.orderId });
  return result;
});
