/**
 * What process-order's steps work with (`StepContext`), put together once per Lambda instance:
 * the traced AWS clients (orders table, topic, Scheduler), SES, the simulated payment provider, and
 * Powertools idempotency (DynamoDB persistence layer) around every call that must happen at most
 * once per order: the charge (per payment attempt), the refund and the e-mails (a guest order's
 * with its link's token).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { EMAIL_KINDS, renderEmail, type EmailKind } from '../../domain/notification.ts';
import type { Order } from '../../domain/order.ts';
import { isGuestOrder, orderNumberOf } from '../../domain/order-rules.ts';
import { createDocumentClient } from '../../server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../server/aws/dynamodb-order-repository.ts';
import { DynamoDbStockLedger } from '../../server/aws/dynamodb-stock-ledger.ts';
import { secretString } from '../../server/aws/secrets-manager-secret.ts';
import { statsStoreFromEnv } from '../../server/aws/dynamodb-stats-store.ts';
import { countingOrders } from '../../server/counting-orders.ts';
import { publishingOrders } from '../../server/publishing-orders.ts';
import { eventsPublisherFromEnv } from '../../server/aws/appsync-events-publisher.ts';
import { SesMailer } from '../../server/aws/ses-mailer.ts';
import { OrderTokens } from '../../server/order-token.ts';
import { SnsOrderEvents } from '../../server/aws/sns-order-events.ts';
import { SimulatedPaymentProvider, type PaymentResult } from '../../server/simulated-partners.ts';
import { CANCEL_WINDOW } from '../../server/settings/pipeline.ts';
import { IDEMPOTENCY_TABLE } from '../../server/settings/tables.ts';
import { DEFAULT_PAYMENT_SUCCESS_RATE, DEFAULT_SHIPMENT_SUCCESS_RATE, ENV, METRICS, requireEnv } from '../../server/environment.ts';
import { scheduleDelivery as createDeliverySchedule, scheduleShipment, unqualifiedFunctionArn } from './delivery-schedule.ts';
import type { StepContext } from './steps/context.ts';

/** A number setting, or `fallback` when unset; a blank value is refused (`Number('')` is 0: no payment would pass). */
function numberSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') throw new Error(`${name} is set but blank: leave it unset for its default`);
  return Number(raw);
}

function rateSetting(name: string, fallback: number): number {
  const value = numberSetting(name, fallback);
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a number from 0 to 1`);
  return value;
}

/** The payment provider this function calls (simulated, as in the original design); its ledger counts the calls. */
export const paymentProvider = new SimulatedPaymentProvider({
  successRate: rateSetting(ENV.paymentSuccessRate, DEFAULT_PAYMENT_SUCCESS_RATE),
  delayMs: Number(process.env[ENV.paymentDelayMs] ?? 0) || 0,
});

/** The key prefix of the charge's idempotency records (`chargeOnce`, read by `findCharge`). */
const CHARGE_KEY_PREFIX = 'payment-charge';

/**
 * The idempotency key of an order's charge: the order id for its first payment (as every order
 * had before retries existed, so a charge recorded then is still found), `<orderId>#<n>` for the
 * n-th attempt after a decline.
 */
export const chargeKeyOf = (orderId: string, attempt: number): string => (attempt > 1 ? `${orderId}#${attempt}` : orderId);

export class NoChargeRecordedError extends Error {
  override readonly name = 'NoChargeRecordedError';
}

/**
 * The steps' context, and `registerLambdaContext`, which each invocation calls first: Powertools
 * idempotency then keeps an in-progress record no longer than the invocation's remaining time.
 */
export function createStepContext({ logger, metrics, tracer }: { logger: Pick<Logger, 'error' | 'warn'>; metrics: Metrics; tracer: Pick<Tracer, 'captureAWSv3Client'> }) {
  const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
  const documents = createDocumentClient(dynamodb);
  // Every status change a step makes is counted on its day, once (issue 27; counting-orders.ts).
  const counted = countingOrders(new DynamoDbOrderRepository(documents, requireEnv(ENV.ordersTable)), statsStoreFromEnv(documents), logger, metrics);
  // ... and published on the order's live channels after it is stored (issue 26), when configured.
  const live = eventsPublisherFromEnv();
  const orders = live ? publishingOrders(counted, live, logger, () => metrics.addMetric(METRICS.liveUpdates.publishFailed, MetricUnit.Count, 1)) : counted;
  const stock = new DynamoDbStockLedger(documents, requireEnv(ENV.stockTable));
  const events = new SnsOrderEvents(tracer.captureAWSv3Client(new SNSClient({})), requireEnv(ENV.topicArn));
  // No sender (a deployment without MAIL_FROM): the order events go out, no customer e-mail.
  const mailFrom = process.env[ENV.mailFrom];
  const mailer = mailFrom ? new SesMailer(tracer.captureAWSv3Client(new SESv2Client({})), { from: mailFrom, configurationSet: process.env[ENV.sesConfigurationSet] || undefined }) : undefined;
  const storefrontUrl = process.env[ENV.storefrontUrl] ?? '';
  // A guest order's e-mails link to it with its token, derived from the secret (read at the first one).
  const secrets = tracer.captureAWSv3Client(new SecretsManagerClient({}));
  const orderTokens = new OrderTokens(() => secretString(secrets, requireEnv(ENV.orderTokenSecretArn))());
  const orderLinkToken = async (order: Order) => (isGuestOrder(order) ? orderTokens.tokenFor(order.orderId) : undefined);
  const scheduler = tracer.captureAWSv3Client(new SchedulerClient({}));
  const { shipmentSuccessRate, cancelWindowSeconds, deliveryWaitMs } = stepSettings();
  const scheduleGroup = () => ({ groupName: requireEnv(ENV.deliveryScheduleGroup), roleArn: requireEnv(ENV.deliverySchedulerRoleArn) });

  const { idempotent, registerLambdaContext } = idempotentCalls(dynamodb);

  /**
   * `chargeOnce`'s idempotency record (same key prefix and key), read through the same Powertools
   * wrapper around a function that never charges: no record, the function runs, throws, and
   * Powertools removes the record it had claimed. A charge still in flight answers
   * IdempotencyAlreadyInProgressError, which the step retries.
   */
  const recordedCharge = idempotent(
    CHARGE_KEY_PREFIX,
    async (_request: { orderId: string; chargeKey: string }): Promise<PaymentResult> => {
      throw new NoChargeRecordedError('No charge was made for this order');
    },
    'chargeKey',
  );
  const charge = idempotent(CHARGE_KEY_PREFIX, async (request: { orderId: string; chargeKey: string; amount: number }) => ({ ...(await paymentProvider.charge(request)) }), 'chargeKey');

  const { publishEvent, sendEmailOnce } = eventsAndEmails(idempotent, events, mailer, async (kind, order) => renderEmail(kind, order, storefrontUrl, await orderLinkToken(order)));

  const context: StepContext = {
    orders,
    stock,
    metrics,
    // One charge per order and attempt, even when two executions of the same order overlap (Express
    // workflows do not deduplicate starts): the second call waits for (retries into) the first one's answer.
    chargeOnce: ({ orderId, amount, attempt }) => charge({ orderId, chargeKey: chargeKeyOf(orderId, attempt), amount }),
    findCharge: async (orderId, attempt) => {
      try {
        return await recordedCharge({ orderId, chargeKey: chargeKeyOf(orderId, attempt) });
      } catch (error) {
        if (error instanceof NoChargeRecordedError) return undefined;
        throw error;
      }
    },
    refundOnce: idempotent('payment-refund', async (request: { orderId: string; transactionId: string; amount: number }) => ({
      ...(await paymentProvider.refund(request)),
    })),
    publishEvent,
    sendEmailOnce,
    // Read when a schedule is made (not at load): only the delivery step needs them.
    createDeliverySchedule: (order, functionArn) => createDeliverySchedule(scheduler, { ...scheduleGroup(), functionArn: unqualifiedFunctionArn(functionArn) }, order),
    createShipmentSchedule: (order, stateMachineArn) => scheduleShipment(scheduler, { ...scheduleGroup(), stateMachineArn }, order),
    shipmentSuccessRate,
    deliveryWaitMs,
    cancelWindowSeconds,
  };

  return { context, registerLambdaContext };
}

/** The settings the steps read at start: the carrier's success rate, the cancel window, the local clock's delivery wait. */
function stepSettings() {
  const shipmentSuccessRate = rateSetting(ENV.shipmentSuccessRate, DEFAULT_SHIPMENT_SUCCESS_RATE);
  const cancelWindowSeconds = numberSetting(ENV.cancelWindowSeconds, CANCEL_WINDOW.cloudDefaultSeconds);
  if (!Number.isInteger(cancelWindowSeconds) || cancelWindowSeconds < 0 || cancelWindowSeconds > CANCEL_WINDOW.maxSeconds) {
    throw new Error(`${ENV.cancelWindowSeconds} must be a whole number of seconds from 0 to ${CANCEL_WINDOW.maxSeconds}`);
  }
  const deliveryWait = process.env[ENV.deliveryWaitMs];
  const deliveryWaitMs = deliveryWait === undefined || deliveryWait === '' ? undefined : Number(deliveryWait);
  if (deliveryWaitMs !== undefined && !(Number.isSafeInteger(deliveryWaitMs) && deliveryWaitMs >= 0)) {
    throw new Error(`${ENV.deliveryWaitMs} must be a whole number of milliseconds >= 0`);
  }
  return { shipmentSuccessRate, cancelWindowSeconds, deliveryWaitMs };
}

type Idempotent = <A extends { orderId: string }, R>(keyPrefix: string | undefined, fn: (arg: A) => Promise<R>, keyPath?: string) => (arg: A) => Promise<R>;

/**
 * Powertools idempotency for the steps' calls: `idempotent` wraps one (its own key prefix; its key
 * the argument's `orderId`, or `keyPath`), and `registerLambdaContext`, which each invocation calls
 * first, keeps an in-progress record no longer than the invocation's remaining time.
 */
function idempotentCalls(dynamodb: DynamoDBClient): { idempotent: Idempotent; registerLambdaContext: (lambdaContext: Context) => void } {
  const idempotencyConfigs: IdempotencyConfig[] = [];
  function idempotent<A extends { orderId: string }, R>(keyPrefix: string | undefined, fn: (arg: A) => Promise<R>, keyPath = 'orderId'): (arg: A) => Promise<R> {
    const config = new IdempotencyConfig({ eventKeyJmesPath: keyPath, expiresAfterSeconds: 7 * 24 * 3600 });
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

  const registerLambdaContext = (lambdaContext: Context) => {
    for (const config of idempotencyConfigs) config.registerLambdaContext(lambdaContext);
  };
  return { idempotent, registerLambdaContext };
}

/**
 * The order events (SNS) and the customer's e-mails (SES, when there is a sender), each once per
 * order and kind as below.
 */
function eventsAndEmails(idempotent: Idempotent, events: SnsOrderEvents, mailer: SesMailer | undefined, render: (kind: EmailKind, order: Order) => Promise<Parameters<SesMailer['send']>[0]>) {
  /** Per kind, one idempotent call (its own key prefix): each happens at most once per order. */
  const perKind = <R>(prefix: string, fn: (kind: EmailKind, order: Order) => Promise<R>) => {
    const calls = Object.fromEntries(EMAIL_KINDS.map((kind) => [kind, idempotent(`${prefix}-${kind}`, (order: Order) => fn(kind, order))]));
    return (kind: EmailKind, order: Order) => calls[kind]!(order);
  };
  // The operator's order events are at least once, as SNS delivers them anyway: a subscriber drops
  // a repeat by its eventId. With a sender no idempotency record is needed (two writes per event
  // saved): the e-mail's record (`emailsSent`) marks the kind done. Without one nothing is
  // recorded, so each event keeps an idempotency record of its own, or every later step would
  // publish every kind due so far again.
  const publish = (type: EmailKind, order: Order) =>
    events.publish({
      eventId: `${order.orderId}/${type}`,
      type,
      orderId: order.orderId,
      orderNumber: order.orderNumber ?? orderNumberOf(order.orderId),
      status: order.status,
      totalAmount: order.totalAmount,
      occurredAt: new Date().toISOString(),
      trackingNumber: order.trackingNumber,
      refundId: order.refundId,
    });
  const publishEvent = mailer ? publish : perKind('event', publish);
  const sendEmailOnce = mailer ? perKind('email', async (kind, order) => mailer.send(await render(kind, order))) : undefined;
  return { publishEvent, sendEmailOnce };
}
