/**
 * The parts `startLocalStack` (local/stack/stack.ts) puts together: the handlers' environment (what
 * Lambda's runtime gives every function, and each function's manifest variables), the handlers
 * loaded and invoked as Lambda does, the counting proxies of `instrument`, the order queue's event
 * source and the dead-letter view.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RecoveryReport, RecoveryRunDetail } from '../../amplify/server/recovery.ts';
import { ORDER_RATE, ORDER_TOKEN_SECRET } from '../../amplify/server/settings/api.ts';
import { FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { DELIVERY_SCHEDULE, ORDER_QUEUE } from '../../amplify/server/settings/pipeline.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, STATS_TABLE, STOCK_TABLE } from '../../amplify/server/settings/tables.ts';
import { DEFAULT_SHIPMENT_SUCCESS_RATE, ENV } from '../../amplify/server/environment.ts';
import { functionEnvironment, type FunctionKey, type VariableValues } from '../../amplify/functions/manifest.ts';
import { LOCAL_ACCOUNT, LOCAL_AWS, LOCAL_REGION } from '../shared/aws.ts';
import { inFunctionEnvironment, type FunctionEnvironment } from '../lambda/function-environment.ts';
import { invoker, type InvocationCounters, type LambdaHandler } from '../lambda/lambda.ts';
import { startPoller, type Poller } from '../lambda/queue-poller.ts';
import { localSecretArn } from '../secrets-manager/secrets-manager.ts';
import { ServiceProxy } from '../shared/service-proxy.ts';
import { toSqsRecord } from '../lambda/sqs-event.ts';

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

/** Where the handlers' SDK clients reach each stand-in (or the proxy in front of it). */
export type HandlerEndpoints = Record<ServiceName, string> & { scheduler: string; secretsManager: string; cognito: string };

/**
 * What Lambda's runtime gives every function, process-wide here as one process holds the four
 * handlers: the region, the credentials, the SDK's endpoints (the stand-ins, as AWS_ENDPOINT_URL_*
 * variables) and Powertools' settings. Each function's own variables: `localFunctionEnvironments`.
 */
export function setLambdaRuntimeEnvironment(endpoints: HandlerEndpoints): void {
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
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
}

export interface LocalVariableSettings {
  queueUrl: string;
  topicArn: string;
  stateMachineArn: string;
  liveEventsUrl: string;
  userPool: { userPoolId: string; clientId: string; issuer: string };
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
 * The local values of the platform's variables (`ENV`), as the cloud definition gives them: the
 * stand-ins' names and addresses and the local settings. Unset here: `STAFF_MFA_REQUIRED` (no
 * TOTP locally, cognito-local cannot challenge for it: staff need the group alone) and
 * `DEPLOYMENT_NAME` (plain metric names).
 */
export function localVariables(settings: LocalVariableSettings): VariableValues {
  return {
    ordersTable: ORDERS_TABLE.localName,
    idempotencyTable: IDEMPOTENCY_TABLE.localName,
    stockTable: STOCK_TABLE.localName,
    statsTable: STATS_TABLE.localName,
    queueUrl: settings.queueUrl,
    stateMachineArn: settings.stateMachineArn,
    topicArn: settings.topicArn,
    deliveryScheduleGroup: DELIVERY_SCHEDULE.localGroupName,
    deliverySchedulerRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-delivery-scheduler`,
    orderTokenSecretArn: localSecretArn(ORDER_TOKEN_SECRET.localName),
    liveEventsUrl: settings.liveEventsUrl,
    mailFrom: LOCAL_MAIL_FROM,
    storefrontUrl: settings.storefrontOrigins[0],
    allowedOrigins: settings.storefrontOrigins.join(','),
    // app-server accepts ID tokens of the local pool's app client only, as in the cloud.
    userPoolId: settings.userPool.userPoolId,
    userPoolClientId: settings.userPool.clientId,
    idTokenIssuer: settings.userPool.issuer,
    paymentSuccessRate: String(settings.paymentSuccessRate),
    cancelWindowSeconds: String(settings.cancelWindowSeconds ?? 0),
    shipmentSuccessRate: String(settings.shipmentSuccessRate ?? DEFAULT_SHIPMENT_SUCCESS_RATE),
    paymentDelayMs: String(settings.paymentDelayMs ?? 0),
    orderRateLimit: String(settings.orderRateLimit ?? process.env[ENV.orderRateLimit] ?? ORDER_RATE.defaultLimit),
    // One local clock: the carrier's parcels travel `deliveryWaitMs` (their estimated date, so the
    // order's due date in the open-orders index), and the scheduler fires delivery schedules as long
    // after their creation. Unset: the carrier's days, as in AWS.
    deliveryWaitMs: settings.deliveryWaitMs === undefined ? undefined : String(settings.deliveryWaitMs),
    // Unset: recover-orders uses the cloud's staleness (read from the same setting as in AWS).
    recoveryStaleAfterMs: settings.recoveryStaleAfterMs === undefined ? undefined : String(settings.recoveryStaleAfterMs),
  };
}

/** Each function's environment: exactly its manifest's variables, from `values` (a required one missing throws). */
export function localFunctionEnvironments(values: VariableValues): Record<FunctionKey, FunctionEnvironment> {
  const keys = Object.keys(FUNCTIONS) as FunctionKey[];
  return Object.fromEntries(keys.map((key) => [key, functionEnvironment(key, values, 'the local stack')])) as Record<FunctionKey, FunctionEnvironment>;
}

/** The four handlers, each loaded in its own environment and invoked as Lambda invokes it (counted, timed). */
export async function loadHandlers(environments: Record<FunctionKey, FunctionEnvironment>, counters: InvocationCounters) {
  const appServer = await inFunctionEnvironment(environments.appServer, () => import('../../amplify/functions/app-server/handler.ts'));
  const orderStarter = await inFunctionEnvironment(environments.orderStarter, () => import('../../amplify/functions/order-starter/handler.ts'));
  const processOrder = await inFunctionEnvironment(environments.processOrder, () => import('../../amplify/functions/process-order/handler.ts'));
  const recoverOrders = await inFunctionEnvironment(environments.recoverOrders, () => import('../../amplify/functions/recover-orders/handler.ts'));
  const { appServer: api, orderStarter: starter, processOrder: steps, recoverOrders: recovery } = FUNCTIONS;
  return {
    processOrder: invoker(steps.name, steps.timeoutSeconds, environments.processOrder, processOrder.handler as LambdaHandler, counters),
    startOrders: invoker<SQSEvent, SQSBatchResponse>(starter.name, starter.timeoutSeconds, environments.orderStarter, orderStarter.handler, counters),
    serveApi: invoker<APIGatewayProxyEvent, APIGatewayProxyResult>(api.name, api.timeoutSeconds, environments.appServer, appServer.handler, counters),
    runRecovery: invoker<ScheduledEvent<RecoveryRunDetail>, RecoveryReport>(recovery.name, recovery.timeoutSeconds, environments.recoverOrders, recoverOrders.handler, counters),
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
