/**
 * The parts `startLocalStack` (local/stack.ts) puts together: the handlers' environment (what Lambda
 * and the cloud definition give each function), the handlers loaded as Lambda invokes them, the
 * counting proxies of `instrument`, the order queue's event source and the dead-letter view.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RecoveryReport, RecoveryRunDetail } from '../amplify/server/recovery.ts';
import { DELIVERY_SCHEDULE, ORDER_QUEUE } from '../amplify/server/settings/pipeline.ts';
import { FUNCTIONS } from '../amplify/server/settings/functions.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, STATS_TABLE, STOCK_TABLE } from '../amplify/server/settings/tables.ts';
import { ORDER_RATE, ORDER_TOKEN_SECRET } from '../amplify/server/settings/api.ts';
import { DEFAULT_SHIPMENT_SUCCESS_RATE, ENV } from '../amplify/server/environment.ts';
import { LOCAL_ACCOUNT, LOCAL_AWS, LOCAL_REGION } from './aws.ts';
import { invoker, type InvocationCounters, type LambdaHandler } from './lambda.ts';
import { startPoller, type Poller } from './queue-poller.ts';
import { localSecretArn } from './secrets-manager.ts';
import { ServiceProxy } from './service-proxy.ts';
import { toSqsRecord } from './sqs-event.ts';

export type ServiceName = 'dynamodb' | 'sqs' | 'sns' | 'sfn' | 'sesv2';

/** The sender of the customer's e-mails locally (`MAIL_FROM`). */
export const LOCAL_MAIL_FROM = 'Desk & Gadget Co. <orders@shop.example>';

/** With `instrument`, a counting, fault-injecting proxy in front of each stand-in; the endpoints the handlers use. */
export async function handlerEndpoints(
  direct: Record<ServiceName, string>,
  instrument: boolean | undefined,
  log: (line: string) => void,
): Promise<{ endpoints: Record<ServiceName, string>; services?: Record<ServiceName, ServiceProxy> }> {
  if (!instrument) return { endpoints: { ...direct } };
  const services: Record<ServiceName, ServiceProxy> = {
    dynamodb: new ServiceProxy(direct.dynamodb, 'DynamoDB proxy', log),
    sqs: new ServiceProxy(direct.sqs, 'SQS proxy', log),
    sns: new ServiceProxy(direct.sns, 'SNS proxy', log),
    sfn: new ServiceProxy(direct.sfn, 'Step Functions proxy', log),
    sesv2: new ServiceProxy(direct.sesv2, 'SES proxy', log),
  };
  const endpoints = { ...direct };
  for (const name of Object.keys(services) as ServiceName[]) endpoints[name] = await services[name].listen();
  return { endpoints, services };
}

export interface HandlerSettings {
  endpoints: Record<ServiceName, string> & { scheduler: string; secretsManager: string; liveEvents: string };
  queueUrl: string;
  topicArn: string;
  stateMachineArn: string;
  storefrontOrigins: string[];
  paymentSuccessRate: number;
  cancelWindowSeconds?: number;
  shipmentSuccessRate?: number;
  paymentDelayMs?: number;
  orderRateLimit?: number;
  deliveryWaitMs?: number;
  recoveryStaleAfterMs?: number;
}

/**
 * The handlers' environment, as Lambda and the cloud definition give it: the SDK's endpoints (the
 * stand-ins), the credentials, every resource name and setting. One process holds the four
 * handlers, so this is the process's environment.
 */
export function setHandlerEnvironment(settings: HandlerSettings): void {
  const { endpoints } = settings;
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_SFN: endpoints.sfn,
    AWS_ENDPOINT_URL_SCHEDULER: endpoints.scheduler,
    AWS_ENDPOINT_URL_SESV2: endpoints.sesv2,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    [ENV.orderTokenSecretArn]: localSecretArn(ORDER_TOKEN_SECRET.localName),
    [ENV.liveEventsUrl]: endpoints.liveEvents,
    [ENV.mailFrom]: LOCAL_MAIL_FROM,
    [ENV.storefrontUrl]: settings.storefrontOrigins[0],
    [ENV.ordersTable]: ORDERS_TABLE.localName,
    [ENV.idempotencyTable]: IDEMPOTENCY_TABLE.localName,
    [ENV.stockTable]: STOCK_TABLE.localName,
    [ENV.statsTable]: STATS_TABLE.localName,
    [ENV.queueUrl]: settings.queueUrl,
    [ENV.stateMachineArn]: settings.stateMachineArn,
    [ENV.topicArn]: settings.topicArn,
    [ENV.deliveryScheduleGroup]: DELIVERY_SCHEDULE.localGroupName,
    [ENV.deliverySchedulerRoleArn]: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-delivery-scheduler`,
    [ENV.paymentSuccessRate]: String(settings.paymentSuccessRate),
    [ENV.cancelWindowSeconds]: String(settings.cancelWindowSeconds ?? 0),
    [ENV.shipmentSuccessRate]: String(settings.shipmentSuccessRate ?? DEFAULT_SHIPMENT_SUCCESS_RATE),
    [ENV.paymentDelayMs]: String(settings.paymentDelayMs ?? 0),
    [ENV.allowedOrigins]: settings.storefrontOrigins.join(','),
    [ENV.orderRateLimit]: String(settings.orderRateLimit ?? process.env[ENV.orderRateLimit] ?? ORDER_RATE.defaultLimit),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  // One local clock: the carrier's parcels travel `deliveryWaitMs` (their estimated date, so the
  // order's due date in the open-orders index), and the scheduler fires delivery schedules as long
  // after their creation. Unset: the carrier's days, as in AWS.
  setOrUnset(ENV.deliveryWaitMs, settings.deliveryWaitMs);
  // Unset: recover-orders uses the cloud's staleness (read from the same setting as in AWS).
  setOrUnset(ENV.recoveryStaleAfterMs, settings.recoveryStaleAfterMs);
}

function setOrUnset(name: string, value: number | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = String(value);
}

/** The four handlers, loaded once their environment is set, each invoked as Lambda invokes it (counted, timed). */
export async function loadHandlers(counters: InvocationCounters) {
  const appServer = await import('../amplify/functions/app-server/handler.ts');
  const orderStarter = await import('../amplify/functions/order-starter/handler.ts');
  const processOrder = await import('../amplify/functions/process-order/handler.ts');
  const recoverOrders = await import('../amplify/functions/recover-orders/handler.ts');
  const { appServer: api, orderStarter: starter, processOrder: steps, recoverOrders: recovery } = FUNCTIONS;
  return {
    processOrder: invoker(steps.name, steps.timeoutSeconds, processOrder.handler as LambdaHandler, counters),
    startOrders: invoker<SQSEvent, SQSBatchResponse>(starter.name, starter.timeoutSeconds, orderStarter.handler, counters),
    serveApi: invoker<APIGatewayProxyEvent, APIGatewayProxyResult>(api.name, api.timeoutSeconds, appServer.handler, counters),
    runRecovery: invoker<ScheduledEvent<RecoveryRunDetail>, RecoveryReport>(recovery.name, recovery.timeoutSeconds, recoverOrders.handler, counters),
  };
}

/** The order queue's event source: batches to order-starter; what it reports failed (or all, when it throws) stays. */
export function orderQueuePoller(options: {
  sqs: SQSClient;
  queueUrl: string;
  visibilityTimeoutSeconds: number;
  startOrders: (event: SQSEvent) => Promise<SQSBatchResponse>;
  log: (line: string) => void;
}): Poller {
  const queueArn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${ORDER_QUEUE.localName}`;
  return startPoller({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    batchSize: ORDER_QUEUE.batchSize,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    consume: async (messages) => {
      const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, queueArn)) };
      try {
        const { batchItemFailures } = await options.startOrders(event);
        return batchItemFailures.map((f) => f.itemIdentifier);
      } catch (error) {
        options.log(`order-starter failed: ${(error as Error).message}`);
        return messages.map((m) => m.MessageId!);
      }
    },
    onError: (error) => options.log(`order queue poller: ${(error as Error).message}`),
  });
}

/** The dead-letter queue's messages, looked at without taking them (visibility timeout 0). */
export async function deadLetters(sqs: SQSClient, dlqUrl: string) {
  // Counted with the ones in flight: an earlier look (visibility 0) may still hold one.
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }));
  return {
    count: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    messages: Messages.map((m) => ({ messageId: m.MessageId, body: m.Body, receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0) })),
  };
}
