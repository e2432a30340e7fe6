/**
 * The stand-ins `startLocalStack` starts before the handlers load: the data and messaging services,
 * the user pool and live status (`startServiceStandIns`), and the workflow's Step Functions and
 * Scheduler, which invoke process-order once it is loaded (`startWorkflowStandIns`).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ORDER_TOKEN_SECRET } from '../../amplify/server/settings/api.ts';
import { FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { CANCEL_WINDOW } from '../../amplify/server/settings/pipeline.ts';
import { startLocalEvents } from '../appsync-events/appsync-events.ts';
import { LOCAL_USER_POOL, startLocalCognito } from '../cognito/cognito.ts';
import { startDynamo } from '../dynamodb/dynamodb.ts';
import { localFunctionArn } from '../lambda/lambda.ts';
import { startMessaging } from '../messaging/messaging.ts';
import { startLocalScheduler } from '../scheduler/scheduler.ts';
import { startLocalSecretsManager } from '../secrets-manager/secrets-manager.ts';
import { Outbox, type MailMessage } from '../ses/outbox.ts';
import { startLocalSes } from '../ses/ses.ts';
import type { Log } from '../shared/http-guard.ts';
import { LocalStepFunctions } from '../step-functions/step-functions.ts';

export async function startServiceStandIns(options: {
  dataDir: string;
  cognitoPort?: number;
  storefrontOrigins: string[];
  onMail?: (mail: MailMessage) => void;
  log: Log;
}) {
  const { dataDir, storefrontOrigins, log } = options;
  mkdirSync(dataDir, { recursive: true });
  const dynamo = await startDynamo(path.join(dataDir, 'dynamodb'), 0, log);
  const outbox = new Outbox(dataDir);
  const messaging = await startMessaging(0, log);
  const ses = await startLocalSes({ outbox, log, onMail: options.onMail });
  const secrets = await startLocalSecretsManager({ dataDir, secretNames: [ORDER_TOKEN_SECRET.localName], log });
  // The user pool. Cognito sends its own e-mails: its verification codes are written straight to
  // the outbox, from Cognito's default sender (in the cloud, `MAIL_FROM` through SES when set).
  const cognito = await startLocalCognito({
    dataDir,
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
  const events = await startLocalEvents({
    tokenSettings: () => ({ issuer: cognito.issuer, clientId: cognito.clientId }),
    allowedOrigins: storefrontOrigins,
    log,
  });
  return { dynamo, outbox, messaging, ses, secrets, cognito, events };
}

/**
 * The workflow's local Step Functions, and the delivery schedules: kept under the data folder,
 * fired (late ones at once) by invoking process-order in-process, as Scheduler invokes the Lambda
 * function. A schedule can come due while the handlers are still loading: it waits for
 * `handlersReady`.
 */
export async function startWorkflowStandIns(options: {
  dataDir: string;
  retryIntervalMs: number;
  deliveryWaitMs?: number;
  /** A Task state's invocation of process-order. */
  runTask: (stateName: string, input: unknown) => Promise<unknown>;
  /** A delivery schedule's invocation of process-order (`confirm_delivery`). */
  confirmDelivery: (input: unknown) => Promise<unknown>;
  handlersReady: Promise<void>;
  log: Log;
}) {
  const processOrderArn = localFunctionArn(FUNCTIONS.processOrder.name);
  const stepFunctions = new LocalStepFunctions({
    dataDir: options.dataDir,
    processOrderArn,
    log: options.log,
    retryIntervalMs: options.retryIntervalMs,
    runTask: options.runTask,
  });
  const sfnEndpoint = await stepFunctions.listen();
  const scheduler = await startLocalScheduler({
    dataDir: options.dataDir,
    deliveryWaitMs: options.deliveryWaitMs,
    log: options.log,
    invoke: async (target) => {
      await options.handlersReady;
      // A cancel window's shipment schedule starts the workflow, as Scheduler's Step Functions target does.
      if (target.Arn === stepFunctions.stateMachineArn) {
        const { orderId } = JSON.parse(target.Input ?? '{}') as { orderId: string };
        await stepFunctions.startExecution({ stateMachineArn: target.Arn, name: `${orderId}${CANCEL_WINDOW.localExecutionSuffix}`, input: target.Input ?? '{}' });
        return;
      }
      if (target.Arn !== processOrderArn) throw new Error(`No local function ${target.Arn}`);
      await options.confirmDelivery(JSON.parse(target.Input ?? '{}'));
    },
  });
  return { stepFunctions, sfnEndpoint, scheduler };
}
