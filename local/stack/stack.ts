/**
 * The whole pipeline on local stand-ins, running the unchanged handlers:
 *   HTTP -> API Gateway emulator -> app-server -> dynalite + fauxqs SQS
 *   SQS poller (Lambda event source) -> order-starter -> local Step Functions (same ASL, Express)
 *   -> process-order -> dynalite, local SES (customer e-mail -> outbox files), fauxqs SNS (order events)
 *   process-order -> local EventBridge Scheduler (delivery schedules) -> process-order (confirm_delivery)
 *   a timer (the EventBridge rule) -> recover-orders -> dynalite, fauxqs SQS, local Step Functions
 *   app-server, process-order -> local AppSync Events (live order status) -> the storefront's WebSocket.
 * Handlers find the stand-ins through AWS_ENDPOINT_URL_* variables, as the SDK does in AWS.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { API_NAME } from '../../amplify/domain/api.ts';
import { OUTPUTS_VERSION, type AmplifyOutputs } from '../../amplify/domain/outputs.ts';
import type { RecoveryReport } from '../../amplify/server/recovery.ts';
import { CANCEL_WINDOW, FUNCTIONS, IDEMPOTENCY_TABLE, STATS_TABLE, STOCK_TABLE, ORDERS_TABLE, ORDER_TOKEN_SECRET } from '../../amplify/server/settings.ts';
import type { FunctionKey } from '../../amplify/functions/manifest.ts';
import { LIVE_AUTHORIZATION_TYPE } from '../../amplify/domain/live-updates.ts';
import { startLocalEvents, type LocalEvents } from '../appsync-events/appsync-events.ts';
import { withCognitoAuthorizer } from '../api-gateway/authorizer.ts';
import { LOCAL_AWS, LOCAL_REGION } from '../shared/aws.ts';
import { LOCAL_USER_POOL, startLocalCognito, type LocalCognito } from '../cognito/cognito.ts';
import { createApiGateway, listen, LOCAL_DEAD_LETTERS_PATH, LOCAL_MAILBOX_PATH } from '../api-gateway/api-gateway.ts';
import { loopbackOrigins } from '../shared/http-guard.ts';
import { DEFAULT_WEB_PORT, type LocalConfig } from './config.ts';
import { startDynamo } from '../dynamodb/dynamodb.ts';
import { inFunctionEnvironment } from '../lambda/function-environment.ts';
import { localFunctionArn } from '../lambda/lambda.ts';
import { startMessaging } from '../messaging/messaging.ts';
import { Outbox, type MailMessage } from '../ses/outbox.ts';
import { startLocalSecretsManager } from '../secrets-manager/secrets-manager.ts';
import { startLocalSes } from '../ses/ses.ts';
import type { Poller } from '../lambda/queue-poller.ts';
import {
  deadLetters,
  handlerEndpoints,
  loadHandlers,
  localFunctionEnvironments,
  localVariables,
  orderQueuePoller,
  setLambdaRuntimeEnvironment,
  type ServiceName,
} from './stack-parts.ts';
import { scheduledEvent } from '../lambda/scheduled-event.ts';
import type { ServiceProxy } from '../shared/service-proxy.ts';
import { startLocalScheduler } from '../scheduler/scheduler.ts';
import { LocalStepFunctions } from '../step-functions/step-functions.ts';

/** How long the start-up recovery run waits for the schedules that were late at start. */
const LATE_SCHEDULES_WAIT_MS = 10_000;

export interface StackOptions
  extends Omit<LocalConfig, 'webPort' | 'outputsPath' | 'recoveryStaleAfterMs' | 'bodyTimeoutMs' | 'cognitoPort' | 'shipmentSuccessRate' | 'paymentDelayMs' | 'cancelWindowSeconds'> {
  /** The cancel window after payment, in seconds (default 0: ship at once; `npm start`: `CANCEL_WINDOW_SECONDS`). */
  cancelWindowSeconds?: number;
  /** Probability that the simulated carrier books a shipment (default 1). */
  shipmentSuccessRate?: number;
  /** How long the simulated payment provider takes to answer (default 0). */
  paymentDelayMs?: number;
  /** Port of the local user pool (default: any free port). */
  cognitoPort?: number;
  /** When the periodic recovery job considers an open order stuck (default: as in AWS, `RECOVERY.staleAfterMinutes`). */
  recoveryStaleAfterMs?: number;
  /** Called for each e-mail the local SES (or the user pool) sends. */
  onMail?: (mail: MailMessage) => void;
  /**
   * Wraps every process-order invocation; tests use it to inject faults. `stateName` is the Task
   * state's, or `CONFIRM_DELIVERY_INVOCATION` for an invocation by a delivery schedule.
   */
  taskHook?: (stateName: string, input: unknown, invoke: (input: unknown) => Promise<unknown>) => Promise<unknown>;
  log?: (line: string) => void;
  /** Put a counting, fault-injecting proxy between the handlers and each stand-in. */
  instrument?: boolean;
  /** The storefront's origins: the API answers CORS for them only (default: the default web port's). */
  storefrontOrigins?: string[];
  /** How long the local API waits for a request body (default 10 s). */
  bodyTimeoutMs?: number;
  /** Orders per account per minute (default `ORDER_RATE_LIMIT`, else 20; 0: no limit). */
  orderRateLimit?: number;
}

/** The `stateName` a `taskHook` sees for process-order invoked by a delivery schedule (not a Task state). */
export const CONFIRM_DELIVERY_INVOCATION = 'DeliverySchedule';

export interface LocalStack {
  apiUrl: string;
  mailboxUrl: string;
  /** The local Cognito user pool the API's authorizer trusts. */
  cognito: LocalCognito;
  outbox: Outbox;
  stepFunctions: LocalStepFunctions;
  endpoints: { dynamodb: string; sqs: string; sns: string; sfn: string; scheduler: string; sesv2: string };
  names: { ordersTable: string; idempotencyTable: string; stockTable: string; statsTable: string; queueUrl: string; dlqUrl: string; eventsQueueUrl: string; topicArn: string };
  /** Lambda invocations by function name. */
  invocations: Map<string, number>;
  /** Lambda run time in milliseconds by function name. */
  durations: Map<string, number>;
  /** The proxies the handlers' AWS calls go through, when started with `instrument: true`. */
  services?: Record<ServiceName, ServiceProxy>;
  /**
   * Runs the recovery job (the recover-orders handler) once now, with the stack's staleness or
   * `staleAfterMs`; it also runs at start-up (staleness 0) and every `recoveryIntervalMs`.
   */
  recover(staleAfterMs?: number): Promise<RecoveryReport>;
  /**
   * Resolves when nothing runs: no workflow execution and no handler invocation (a delivery
   * schedule's confirm_delivery, a queue batch, a recovery run), so what they write is written.
   */
  idle(): Promise<void>;
  /** The local AppSync Events (live order status). */
  events: LocalEvents;
  /**
   * Runs `work` as code of function `key`, in its environment (its manifest's variables): for tests
   * that load or call a handler, or a part of one, themselves.
   */
  inFunction<T>(key: FunctionKey, work: () => T): T;
  /** The Amplify outputs a storefront needs to reach this stack. */
  outputs(): AmplifyOutputs;
  stop(): Promise<void>;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const storefrontOrigins = options.storefrontOrigins ?? loopbackOrigins(DEFAULT_WEB_PORT);
  mkdirSync(options.dataDir, { recursive: true });
  const dynamo = await startDynamo(path.join(options.dataDir, 'dynamodb'), 0, log);
  const outbox = new Outbox(options.dataDir);
  const messaging = await startMessaging(0, log);
  const ses = await startLocalSes({ outbox, log, onMail: options.onMail });
  const secrets = await startLocalSecretsManager({ dataDir: options.dataDir, secretNames: [ORDER_TOKEN_SECRET.localName], log });
  // The user pool. Cognito sends its own e-mails: its verification codes are written straight to
  // the outbox, from Cognito's default sender (in the cloud, `MAIL_FROM` through SES when set).
  const cognito = await startLocalCognito({
    dataDir: options.dataDir,
    port: options.cognitoPort ?? 0,
    allowedOrigins: storefrontOrigins,
    log,
    deliverMail: (mail) => {
      const written = outbox.write({ from: LOCAL_USER_POOL.sender, to: mail.to, subject: mail.subject, text: mail.body });
      options.onMail?.(written);
    },
  });
  // Live order status (AppSync Events): the functions publish to it, the storefront subscribes
  // with the user pool's tokens.
  const events: LocalEvents = await startLocalEvents({
    tokenSettings: () => ({ issuer: cognito.issuer, clientId: cognito.clientId }),
    allowedOrigins: storefrontOrigins,
    log,
  });
  const invocations = new Map<string, number>();
  const durations = new Map<string, number>();
  /** Handler invocations and recovery runs in progress: a stop lets them finish before closing DynamoDB. */
  const running = new Set<Promise<unknown>>();

  // The step functions service must exist before the handlers are given their environment.
  const processOrderArn = localFunctionArn(FUNCTIONS.processOrder.name);
  let processOrder: ((input: unknown) => Promise<unknown>) | undefined;
  const stepFunctions = new LocalStepFunctions({
    dataDir: options.dataDir,
    processOrderArn,
    log,
    retryIntervalMs: options.retryIntervalMs,
    runTask: (stateName, input) => (options.taskHook ? options.taskHook(stateName, input, processOrder!) : processOrder!(input)),
  });
  const sfnEndpoint = await stepFunctions.listen();
  // The delivery schedules: kept under the data folder, fired (late ones at once) by invoking
  // process-order in-process, as Scheduler invokes the Lambda function. A schedule can come due
  // while the handlers are still loading: it waits for them.
  let handlersLoaded!: () => void;
  const handlersReady = new Promise<void>((resolve) => (handlersLoaded = resolve));
  const scheduler = await startLocalScheduler({
    dataDir: options.dataDir,
    deliveryWaitMs: options.deliveryWaitMs,
    log,
    invoke: async (target) => {
      await handlersReady;
      // A cancel window's shipment schedule starts the workflow, as Scheduler's Step Functions target does.
      if (target.Arn === stepFunctions.stateMachineArn) {
        const { orderId } = JSON.parse(target.Input ?? '{}') as { orderId: string };
        await stepFunctions.startExecution({ stateMachineArn: target.Arn, name: `${orderId}${CANCEL_WINDOW.localExecutionSuffix}`, input: target.Input ?? '{}' });
        return;
      }
      if (target.Arn !== processOrderArn) throw new Error(`No local function ${target.Arn}`);
      const input: unknown = JSON.parse(target.Input ?? '{}');
      await (options.taskHook ? options.taskHook(CONFIRM_DELIVERY_INVOCATION, input, processOrder!) : processOrder!(input));
    },
  });

  // What the handlers are pointed at: the stand-ins, or proxies in front of them.
  const direct: Record<ServiceName, string> = { dynamodb: dynamo.endpoint, sqs: messaging.endpoint, sns: messaging.endpoint, sfn: sfnEndpoint, sesv2: ses.endpoint };
  const { endpoints, services } = await handlerEndpoints(direct, options.instrument, log);
  // app-server calls the pool's IAM actions (staff confirmation, DELETE /me) signed with the stack's credentials.
  setLambdaRuntimeEnvironment({ ...endpoints, scheduler: scheduler.endpoint, secretsManager: secrets.endpoint, cognito: cognito.endpoint });
  const variables = localVariables({
    queueUrl: messaging.queueUrl,
    topicArn: messaging.topicArn,
    stateMachineArn: stepFunctions.stateMachineArn,
    liveEventsUrl: events.httpUrl,
    userPool: cognito,
    storefrontOrigins,
    paymentSuccessRate: options.paymentSuccessRate,
    cancelWindowSeconds: options.cancelWindowSeconds,
    shipmentSuccessRate: options.shipmentSuccessRate,
    paymentDelayMs: options.paymentDelayMs,
    orderRateLimit: options.orderRateLimit,
    deliveryWaitMs: options.deliveryWaitMs,
    recoveryStaleAfterMs: options.recoveryStaleAfterMs,
  });
  const environments = localFunctionEnvironments(variables);
  const handlers = await loadHandlers(environments, { invocations, durations, running });
  processOrder = handlers.processOrder;
  handlersLoaded();

  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: messaging.endpoint });
  const api = createApiGateway({
    handler: withCognitoAuthorizer({ issuer: cognito.issuer, clientId: cognito.clientId }, handlers.serveApi),
    localRoutes: { [LOCAL_MAILBOX_PATH]: () => ({ messages: outbox.list() }), [LOCAL_DEAD_LETTERS_PATH]: () => deadLetters(sqs, messaging.dlqUrl) },
    allowedOrigins: storefrontOrigins,
    bodyTimeoutMs: options.bodyTimeoutMs,
    log,
  });
  const apiPort = await listen(api, options.apiPort);
  const apiUrl = `http://127.0.0.1:${apiPort}/`;

  const pollers: Poller[] = [
    orderQueuePoller({ sqs, queueUrl: messaging.queueUrl, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds, startOrders: handlers.startOrders, log }),
  ];

  // An Express execution keeps no state between its states: one cut short by the last stop is
  // over, and the recovery job below restarts its order (idempotent steps), as it would in AWS.
  const aborted = stepFunctions.abortInterrupted();
  if (aborted > 0) log(`${aborted} workflow execution(s) cut short by the last stop; their orders are recovered`);

  // The same recovery job the cloud runs on a schedule, invoked as the EventBridge rule invokes
  // it: at start-up nothing is in flight (the local queues start empty, no execution runs) once
  // the schedules that came due while the stack was down have run (a late delivery confirms its
  // order, which a recovery would otherwise restart too), so every overdue open order is stuck
  // (staleness 0). A late schedule that keeps failing holds the start-up run back at most
  // `LATE_SCHEDULES_WAIT_MS`.
  await Promise.race([scheduler.lateFired(), new Promise((resolve) => setTimeout(resolve, LATE_SCHEDULES_WAIT_MS).unref())]);
  const recover = (staleAfterMs?: number) =>
    handlers.runRecovery(scheduledEvent(FUNCTIONS.recoverOrders.name, staleAfterMs === undefined ? {} : { staleAfterMs }));
  const logRecovery = (report: RecoveryReport) => {
    const { enqueued, restarted, gaveUp, failed } = report;
    if (enqueued.length + restarted.length + gaveUp.length + failed.length === 0) return;
    log(
      `Recovery: re-enqueued ${enqueued.length}, restarted ${restarted.length}, gave up on ${gaveUp.length}, could not look at ${failed.length} order(s)`,
    );
  };
  await recover(0).then(logRecovery, (error: Error) => log(`Recovery at start-up failed: ${error.message}`));
  const recoveryTimer = setInterval(() => {
    recover().then(logRecovery, (error: Error) => log(`Recovery failed: ${error.message}`));
  }, options.recoveryIntervalMs);

  return {
    apiUrl,
    mailboxUrl: new URL(LOCAL_MAILBOX_PATH, apiUrl).toString(),
    cognito,
    outbox,
    events,
    stepFunctions,
    invocations,
    durations,
    services,
    endpoints: { dynamodb: dynamo.endpoint, sqs: messaging.endpoint, sns: messaging.endpoint, sfn: sfnEndpoint, scheduler: scheduler.endpoint, sesv2: ses.endpoint },
    names: {
      ordersTable: ORDERS_TABLE.localName,
      idempotencyTable: IDEMPOTENCY_TABLE.localName,
      stockTable: STOCK_TABLE.localName,
      statsTable: STATS_TABLE.localName,
      queueUrl: messaging.queueUrl,
      dlqUrl: messaging.dlqUrl,
      eventsQueueUrl: messaging.eventsQueueUrl,
      topicArn: messaging.topicArn,
    },
    outputs: () => ({
      version: OUTPUTS_VERSION,
      auth: cognito.outputs(),
      custom: {
        events: { url: events.outputsUrl, aws_region: LOCAL_REGION, default_authorization_type: LIVE_AUTHORIZATION_TYPE },
        API: { [API_NAME]: { endpoint: apiUrl, region: LOCAL_REGION, apiName: API_NAME } },
        localMailbox: new URL(LOCAL_MAILBOX_PATH, apiUrl).toString(),
        // Amplify JS reaches the local pool here (Auth.Cognito.userPoolEndpoint); absent in the cloud.
        local: { userPoolEndpoint: cognito.endpoint },
      },
    }),
    recover,
    inFunction: (key, work) => inFunctionEnvironment(environments[key], work),
    async idle() {
      do {
        await stepFunctions.idle();
        await Promise.allSettled([...running]);
      } while (running.size > 0);
    },
    async stop() {
      clearInterval(recoveryTimer);
      await new Promise<void>((resolve) => {
        api.close(() => resolve());
        api.closeAllConnections();
      });
      await Promise.all(pollers.map((p) => p.stop()));
      await cognito.stop();
      await events.stop();
      await scheduler.close();
      await stepFunctions.stop();
      // What is still running (a step the stop cut short, a recovery run) finishes against the
      // stand-ins before they close: dynalite throws from inside when a request meets a closed store.
      const deadline = Date.now() + 5_000;
      while (running.size > 0 && Date.now() < deadline) await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 100))]);
      await Promise.all(Object.values(services ?? {}).map((proxy) => proxy.stop()));
      sqs.destroy();
      await messaging.stop();
      await ses.stop();
      await secrets.stop();
      await dynamo.stop();
    },
  };
}
