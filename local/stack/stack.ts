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
import type { Server } from 'node:http';
import { API_NAME } from '../../amplify/domain/api.ts';
import { LIVE_AUTHORIZATION_TYPE } from '../../amplify/domain/live-updates.ts';
import { OUTPUTS_VERSION, type AmplifyOutputs } from '../../amplify/domain/outputs.ts';
import type { FunctionKey } from '../../amplify/functions/manifest.ts';
import type { RecoveryReport } from '../../amplify/server/recovery.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, STATS_TABLE, STOCK_TABLE } from '../../amplify/server/settings/tables.ts';
import { createApiGateway, listen, LOCAL_DEAD_LETTERS_PATH, LOCAL_MAILBOX_PATH } from '../api-gateway/api-gateway.ts';
import { withCognitoAuthorizer } from '../api-gateway/authorizer.ts';
import type { LocalEvents } from '../appsync-events/appsync-events.ts';
import type { LocalCognito } from '../cognito/cognito.ts';
import { inFunctionEnvironment } from '../lambda/function-environment.ts';
import type { InvocationCounters } from '../lambda/lambda.ts';
import type { Poller } from '../lambda/queue-poller.ts';
import type { MailMessage, Outbox } from '../ses/outbox.ts';
import { LOCAL_AWS, LOCAL_REGION } from '../shared/aws.ts';
import { loopbackOrigins } from '../shared/http-guard.ts';
import type { ServiceProxy } from '../shared/service-proxy.ts';
import type { LocalStepFunctions } from '../step-functions/step-functions.ts';
import { DEFAULT_WEB_PORT, type LocalConfig } from './config.ts';
import { startRecoveryRuns } from './recovery-runs.ts';
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
import { startServiceStandIns, startWorkflowStandIns } from './stand-ins.ts';

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
  const standIns = await startServiceStandIns({ ...options, storefrontOrigins, log });
  const { dynamo, outbox, messaging, ses, cognito, events } = standIns;
  const invocations = new Map<string, number>();
  const durations = new Map<string, number>();
  /** Handler invocations and recovery runs in progress: a stop lets them finish before closing DynamoDB. */
  const running = new Set<Promise<unknown>>();

  // The step functions service must exist before the handlers are given their environment.
  let processOrder: ((input: unknown) => Promise<unknown>) | undefined;
  const runProcessOrder = (stateName: string, input: unknown) => (options.taskHook ? options.taskHook(stateName, input, processOrder!) : processOrder!(input));
  let handlersLoaded!: () => void;
  const handlersReady = new Promise<void>((resolve) => (handlersLoaded = resolve));
  const { stepFunctions, sfnEndpoint, scheduler } = await startWorkflowStandIns({
    ...options,
    runTask: runProcessOrder,
    confirmDelivery: (input) => runProcessOrder(CONFIRM_DELIVERY_INVOCATION, input),
    handlersReady,
    log,
  });

  const { handlers, environments, services } = await startHandlers(options, { ...standIns, stepFunctions, sfnEndpoint, scheduler, storefrontOrigins, log }, { invocations, durations, running });
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
  const apiUrl = `http://127.0.0.1:${await listen(api, options.apiPort)}/`;

  const pollers: Poller[] = [
    orderQueuePoller({ sqs, queueUrl: messaging.queueUrl, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds, startOrders: handlers.startOrders, log }),
  ];

  // An Express execution keeps no state between its states: one cut short by the last stop is
  // over, and the recovery job below restarts its order (idempotent steps), as it would in AWS.
  const aborted = stepFunctions.abortInterrupted();
  if (aborted > 0) log(`${aborted} workflow execution(s) cut short by the last stop; their orders are recovered`);

  // The same recovery job the cloud runs on a schedule, invoked as the EventBridge rule invokes it.
  const recovery = await startRecoveryRuns({ runRecovery: handlers.runRecovery, lateFired: scheduler.lateFired, intervalMs: options.recoveryIntervalMs, log });

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
    names: resourceNames(messaging),
    outputs: () => stackOutputs(apiUrl, cognito, events),
    recover: recovery.recover,
    inFunction: (key, work) => inFunctionEnvironment(environments[key], work),
    async idle() {
      do {
        await stepFunctions.idle();
        await Promise.allSettled([...running]);
      } while (running.size > 0);
    },
    stop: () => stopStack({ ...standIns, recovery, api, pollers, scheduler, stepFunctions, running, services, sqs }),
  };
}

/** Stops the stack from the outside in: the API and the event sources first, the stores last. */
async function stopStack(parts: Awaited<ReturnType<typeof startServiceStandIns>> & {
  recovery: { stop(): void };
  api: Server;
  pollers: Poller[];
  scheduler: { close(): Promise<void> };
  stepFunctions: LocalStepFunctions;
  running: Set<Promise<unknown>>;
  services?: Record<ServiceName, ServiceProxy>;
  sqs: SQSClient;
}): Promise<void> {
  const { api } = parts;
  parts.recovery.stop();
  await new Promise<void>((resolve) => {
    api.close(() => resolve());
    api.closeAllConnections();
  });
  await Promise.all(parts.pollers.map((p) => p.stop()));
  await parts.cognito.stop();
  await parts.events.stop();
  await parts.scheduler.close();
  await parts.stepFunctions.stop();
  await settle(parts.running);
  await Promise.all(Object.values(parts.services ?? {}).map((proxy) => proxy.stop()));
  parts.sqs.destroy();
  await parts.messaging.stop();
  await parts.ses.stop();
  await parts.secrets.stop();
  await parts.dynamo.stop();
}

/**
 * What is still running at a stop (a step the stop cut short, a recovery run) finishes, for up to
 * 5 s, against the stand-ins before they close: dynalite throws from inside when a request meets a
 * closed store.
 */
async function settle(running: Set<Promise<unknown>>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (running.size > 0 && Date.now() < deadline) await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 100))]);
}

/**
 * The handlers, pointed at the stand-ins (or, with `instrument`, proxies in front of them), each
 * given its environment and loaded.
 */
async function startHandlers(
  options: StackOptions,
  parts: Awaited<ReturnType<typeof startServiceStandIns>> &
    Awaited<ReturnType<typeof startWorkflowStandIns>> & { storefrontOrigins: string[]; log: (line: string) => void },
  counters: InvocationCounters,
) {
  const { dynamo, messaging, ses, secrets, cognito, events, stepFunctions, sfnEndpoint, scheduler, log } = parts;
  const direct: Record<ServiceName, string> = { dynamodb: dynamo.endpoint, sqs: messaging.endpoint, sns: messaging.endpoint, sfn: sfnEndpoint, sesv2: ses.endpoint };
  const { endpoints, services } = await handlerEndpoints(direct, options.instrument, log);
  // app-server calls the pool's IAM actions (staff confirmation, DELETE /me) signed with the stack's credentials.
  setLambdaRuntimeEnvironment({ ...endpoints, scheduler: scheduler.endpoint, secretsManager: secrets.endpoint, cognito: cognito.endpoint });
  const variables = localVariables({
    ...options,
    queueUrl: messaging.queueUrl,
    topicArn: messaging.topicArn,
    stateMachineArn: stepFunctions.stateMachineArn,
    liveEventsUrl: events.httpUrl,
    userPool: cognito,
    storefrontOrigins: parts.storefrontOrigins,
  });
  const environments = localFunctionEnvironments(variables);
  const handlers = await loadHandlers(environments, counters);
  return { handlers, environments, services };
}

/** The tables' local names and the queues' and topic's addresses. */
function resourceNames(messaging: { queueUrl: string; dlqUrl: string; eventsQueueUrl: string; topicArn: string }): LocalStack['names'] {
  const { queueUrl, dlqUrl, eventsQueueUrl, topicArn } = messaging;
  const tables = { ordersTable: ORDERS_TABLE.localName, idempotencyTable: IDEMPOTENCY_TABLE.localName, stockTable: STOCK_TABLE.localName, statsTable: STATS_TABLE.localName };
  return { ...tables, queueUrl, dlqUrl, eventsQueueUrl, topicArn };
}

/** The Amplify outputs a storefront needs to reach this stack. */
function stackOutputs(apiUrl: string, cognito: LocalCognito, events: LocalEvents): AmplifyOutputs {
  return {
    version: OUTPUTS_VERSION,
    auth: cognito.outputs(),
    custom: {
      events: { url: events.outputsUrl, aws_region: LOCAL_REGION, default_authorization_type: LIVE_AUTHORIZATION_TYPE },
      API: { [API_NAME]: { endpoint: apiUrl, region: LOCAL_REGION, apiName: API_NAME } },
      localMailbox: new URL(LOCAL_MAILBOX_PATH, apiUrl).toString(),
      // Amplify JS reaches the local pool here (Auth.Cognito.userPoolEndpoint); absent in the cloud.
      local: { userPoolEndpoint: cognito.endpoint },
    },
  };
}
