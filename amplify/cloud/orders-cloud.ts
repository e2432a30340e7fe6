/**
 * Every AWS resource of the platform besides the four Lambda functions, as one construct placed in
 * the functions' own nested stack (resource group `RESOURCE_GROUP`), so the references between
 * functions and resources never cross a nested-stack boundary (no circular dependency).
 *
 * It reads like the architecture diagram: one construct per box, each owning its resources and
 * the IAM of the function it runs (data, messaging, API, storefront hosting, recovery, monitoring,
 * workflow: the Express state machine and the delivery schedules in `workflow.ts`; order-starter's
 * and process-order's table, queue and topic access still inline below). The functions'
 * environments are set once, here, from their manifests (amplify/functions/manifest.ts) and the
 * boxes' resources (`functionVariables`). Names, keys and settings come from `amplify/server/settings/` and
 * `amplify/domain/*`, the same definitions the local runtime builds from; `tests/cloud/` checks
 * the synthesized template against them.
 */
import { StoreWaf } from './waf.ts';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Annotations, Aws } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { EmailKind } from '../domain/notification.ts';
import { ORDER_QUEUE } from '../server/settings/pipeline.ts';
import { ORDERS_TABLE_INDEXES } from '../server/settings/tables.ts';
import type { VariableValues } from '../functions/manifest.ts';
import { OrderData } from './data.ts';
import { setFunctionEnvironments } from './functions.ts';
import { CustomerMail } from './mail.ts';
import { OrderMessaging } from './messaging.ts';
import { Monitoring } from './monitoring.ts';
import { OrdersApi } from './orders-api.ts';
import { GuestOrders } from './guest-orders.ts';
import { LiveUpdates } from './live-updates.ts';
import { OrderRecovery } from './recovery.ts';
import { OrderWorkflow } from './workflow.ts';
import type { ApiThrottle, MailSettings } from './settings.ts';
import { StorefrontHosting, type CloudClientOutputs, type StorefrontDomain } from './storefront.ts';

export interface OrdersCloudProps {
  /**
   * Unique per deployment in the account and region (Amplify's root stack name): every physical
   * name and metric dimension value this construct sets includes it, so sandboxes and branches
   * in one account never share a resource, a metric or an alarm.
   */
  readonly deploymentName: string;
  readonly appServer: lambda.Function;
  readonly orderStarter: lambda.Function;
  readonly processOrder: lambda.Function;
  /** The scheduled recovery job (`amplify/functions/recover-orders`). */
  readonly recoverOrders: lambda.Function;
  /** Subscribed by e-mail to order notifications when set. */
  readonly notificationEmail?: string;
  /** The events NOTIFICATION_EMAIL receives (`NOTIFICATION_EVENTS`). */
  readonly notificationEvents: readonly EmailKind[] | 'all';
  /** Subscribed by e-mail to the alarms when set. */
  readonly alarmEmail?: string;
  /** The API stage's throttle (amplify/cloud/settings.ts, `API_THROTTLE_DEFAULTS`). */
  readonly apiThrottle: ApiThrottle;
  /** app-server's orders per account per minute (0: no limit). */
  readonly orderRateLimit: number;
  /** The cancel window after payment, seconds (process-order's `CANCEL_WINDOW_SECONDS`). */
  readonly cancelWindowSeconds: number;
  /** The shop's time zone for the per-day figures (IANA; app-server and process-order's `SHOP_TIME_ZONE`). */
  readonly shopTimeZone: string;
  /** A WAF web ACL with per-IP rate rules on the API stage and the user pool. */
  readonly waf: boolean;
  /** Folder of the built storefront (`dist/`); omitted when it has not been built. */
  readonly storefrontDir?: string;
  /** Custom domain (enables a TLS 1.2+ security policy, impossible on the default certificate). */
  readonly storefrontDomain?: StorefrontDomain;
  /** Keep tables, logs and accounts when the stack is deleted (branch deployments); sandboxes clean up. */
  readonly retainData: boolean;
  /** The customers' e-mail (SES), when `MAIL_FROM` is set. */
  readonly mail?: MailSettings;
  /** The storefront URL of the e-mails' links; default: the storefront's own (custom domain or CloudFront). */
  readonly storefrontUrl?: string;
  /** The accounts (amplify/auth/resource.ts): the API's authorizer trusts this pool. */
  readonly auth: { readonly userPool: cognito.IUserPool; readonly userPoolClient: cognito.IUserPoolClient };
}

export class OrdersCloud extends Construct {
  readonly data: OrderData;
  readonly messaging: OrderMessaging;
  readonly ordersApi: OrdersApi;
  readonly storefront: StorefrontHosting;
  readonly recovery: OrderRecovery;
  readonly monitoring: Monitoring;
  /** The per-IP limits, when `props.waf`. */
  readonly waf?: StoreWaf;
  /** The Express order workflow, its logs, and the delivery schedules (amplify/cloud/workflow.ts). */
  readonly workflow: OrderWorkflow;
  readonly stateMachine: sfn.StateMachine;
  readonly workflowLogs: logs.LogGroup;
  /** SES identity, configuration set, bounce rule and process-order's sending right (amplify/cloud/mail.ts). */
  readonly mail?: CustomerMail;
  /** Guest checkout's token secret and app-server's settings for it (amplify/cloud/guest-orders.ts). */
  readonly guestOrders: GuestOrders;
  /** Live order status: the AppSync Events API app-server and process-order publish to (amplify/cloud/live-updates.ts). */
  readonly liveUpdates: LiveUpdates;

  constructor(scope: Construct, id: string, props: OrdersCloudProps) {
    super(scope, id);
    const { appServer, orderStarter, processOrder, recoverOrders, deploymentName, retainData } = props;

    this.data = new OrderData(this, 'Data', { retainData });
    this.messaging = new OrderMessaging(this, 'Messaging', { notificationEmail: props.notificationEmail, notificationEvents: props.notificationEvents, alarmEmail: props.alarmEmail });
    const { ordersTable, idempotencyTable, stockTable, statsTable } = this.data;
    const { queue } = this.messaging;

    this.ordersApi = new OrdersApi(this, 'Api', {
      deploymentName,
      appServer,
      ordersTable,
      idempotencyTable,
      stockTable,
      statsTable,
      queue,
      userPool: props.auth.userPool,
      throttle: props.apiThrottle,
      retainData,
    });
    if (props.waf) {
      this.waf = new StoreWaf(this, 'Waf', { apiStage: this.ordersApi.api.deploymentStage, userPool: props.auth.userPool });
    }
    // The functions that change an order's status publish it; nothing else may.
    this.liveUpdates = new LiveUpdates(this, 'LiveUpdates', { userPool: props.auth.userPool, publishers: [appServer, processOrder] });
    this.storefront = new StorefrontHosting(this, 'Storefront', {
      api: this.ordersApi.api,
      liveUpdates: this.liveUpdates,
      auth: props.auth,
      storefrontDir: props.storefrontDir,
      storefrontDomain: props.storefrontDomain,
      retainData,
      viewerIpForWaf: props.waf,
    });

    // ---------------------------------------------------------------- Workflow + delivery schedules
    this.workflow = new OrderWorkflow(this, 'Workflow', { deploymentName, processOrder, retainData });
    this.stateMachine = this.workflow.stateMachine;
    this.workflowLogs = this.workflow.logs;

    // ---------------------------------------------------------------- Workflow functions: IAM
    grantOrderStarter(orderStarter, this.stateMachine, queue);
    grantProcessOrder(processOrder, this.data, this.messaging);
    this.guestOrders = new GuestOrders(this, 'GuestOrders', { appServer, processOrder });
    if (props.mail) this.mail = new CustomerMail(this, 'Mail', { mail: props.mail, processOrder });
    warnAboutMail(this, props.mail);

    this.recovery = new OrderRecovery(this, 'Recovery', { recoverOrders, ordersTable, stockTable, stateMachine: this.stateMachine, queue });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      deploymentName,
      functions: [appServer, orderStarter, processOrder, recoverOrders],
      recovery: { function: recoverOrders, schedule: this.recovery.schedule },
      api: this.ordersApi.api,
      tables: [
        { label: 'orders', table: ordersTable, indexes: ORDERS_TABLE_INDEXES.map((index) => index.name) },
        { label: 'idempotency', table: idempotencyTable, indexes: [] },
        { label: 'stock', table: stockTable, indexes: [] },
        { label: 'stats', table: statsTable, indexes: [] },
      ],
      queue,
      deadLetterQueue: this.messaging.deadLetterQueue,
      stateMachine: this.stateMachine,
      alarmTopic: this.messaging.alarmTopic,
    });

    setFunctionEnvironments({ appServer, orderStarter, processOrder, recoverOrders }, this.functionVariables(props));
  }

  /** The values of the functions' environment variables (`ENV`): each function gets those of its manifest. */
  private functionVariables(props: OrdersCloudProps): VariableValues {
    const { ordersTable, idempotencyTable, stockTable, statsTable } = this.data;
    return {
      deploymentName: props.deploymentName,
      ordersTable: ordersTable.tableName,
      idempotencyTable: idempotencyTable.tableName,
      stockTable: stockTable.tableName,
      statsTable: statsTable.tableName,
      shopTimeZone: props.shopTimeZone,
      queueUrl: this.messaging.queue.queueUrl,
      topicArn: this.messaging.topic.topicArn,
      stateMachineArn: this.stateMachine.stateMachineArn,
      deliveryScheduleGroup: this.workflow.scheduleGroup.scheduleGroupName,
      deliverySchedulerRoleArn: this.workflow.schedulerRole.roleArn,
      cancelWindowSeconds: String(props.cancelWindowSeconds),
      userPoolId: props.auth.userPool.userPoolId,
      userPoolClientId: props.auth.userPoolClient.userPoolClientId,
      // The pool's ProviderURL, as its ID tokens' `iss` reads.
      idTokenIssuer: `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.auth.userPool.userPoolId}`,
      // Staff powers need TOTP set up on the account (Cognito challenges for it at sign-in).
      staffMfaRequired: 'true',
      orderRateLimit: String(props.orderRateLimit),
      // The distribution writes the viewer's address over any the client sent: guests' limit counts it.
      viewerIpTrusted: props.waf ? 'true' : undefined,
      orderTokenSecretArn: this.guestOrders.tokenSecret.secretArn,
      storefrontUrl: props.storefrontUrl ?? this.storefront.storefrontUrl,
      liveEventsUrl: this.liveUpdates.httpUrl,
      mailFrom: props.mail?.from,
      sesConfigurationSet: this.mail?.configurationSet.configurationSetName,
    };
  }

  // The boxes' resources by name, as the nag decisions and the template tests refer to them.
  get ordersTable(): dynamodb.Table { return this.data.ordersTable; }
  get idempotencyTable(): dynamodb.Table { return this.data.idempotencyTable; }
  get stockTable(): dynamodb.Table { return this.data.stockTable; }
  get statsTable(): dynamodb.Table { return this.data.statsTable; }
  get queue(): sqs.Queue { return this.messaging.queue; }
  get deadLetterQueue(): sqs.Queue { return this.messaging.deadLetterQueue; }
  get topicKey(): kms.Key { return this.messaging.topicKey; }
  get topic(): sns.Topic { return this.messaging.topic; }
  get alarmTopic(): sns.Topic { return this.messaging.alarmTopic; }
  get api(): apigw.RestApi { return this.ordersApi.api; }
  get authorizer(): apigw.CognitoUserPoolsAuthorizer { return this.ordersApi.authorizer; }
  get requestValidator(): apigw.RequestValidator { return this.ordersApi.requestValidator; }
  get apiExecutionLogs(): logs.LogGroup { return this.ordersApi.executionLogs; }
  get accessLogBucket(): s3.Bucket | undefined { return this.storefront.accessLogBucket; }
  get siteBucket(): s3.Bucket { return this.storefront.siteBucket; }
  get distribution(): cloudfront.Distribution { return this.storefront.distribution; }
  get deployment(): s3deploy.BucketDeployment { return this.storefront.deployment; }
  get usesCustomDomain(): boolean { return this.storefront.usesCustomDomain; }
  get storefrontUrl(): string { return this.storefront.storefrontUrl; }
  /** What the storefront reads, the same `custom` block `backend.addOutput` puts in amplify_outputs.json. */
  get clientOutputs(): CloudClientOutputs { return this.storefront.clientOutputs; }
}

/** order-starter: starts the workflow for each message of the order queue (its event source). */
function grantOrderStarter(orderStarter: lambda.Function, stateMachine: sfn.StateMachine, queue: sqs.Queue): void {
  orderStarter.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }),
  );
  // Grants ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl on this queue.
  orderStarter.addEventSource(
    new SqsEventSource(queue, {
      batchSize: ORDER_QUEUE.batchSize,
      reportBatchItemFailures: true,
      // A burst of orders never takes more of the account's Lambda concurrency than this.
      maxConcurrency: ORDER_QUEUE.maxConcurrency,
    }),
  );
}

/** process-order: exactly the workflow's steps' IAM (the order, its records, stock, counters, events). */
function grantProcessOrder(processOrder: lambda.Function, data: OrderData, messaging: OrderMessaging): void {
  const { ordersTable, idempotencyTable, stockTable, statsTable } = data;
  const { topic, topicKey } = messaging;
  processOrder.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [ordersTable.tableArn],
    }),
  );
  processOrder.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [idempotencyTable.tableArn],
    }),
  );
  // Stock: reserve, release, sell (conditional UpdateItem); a refused reserve's read (GetItem); the
  // payment step's check that the attempt holds its units (BatchGetItem, one per order); the seed
  // of a product never stocked yet (PutItem).
  processOrder.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [stockTable.tableArn] }));
  // The per-day counters (issue 27): one ADD per status change a step makes.
  processOrder.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [statsTable.tableArn] }));
  processOrder.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  processOrder.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topicKey.keyArn] }),
  );
}

/** What a deployment without a verified sender cannot do, said at synthesis (`npx ampx sandbox` prints it). */
function warnAboutMail(scope: Construct, mail: OrdersCloudProps['mail']): void {
  if (mail) {
    if (!mail.cognitoThroughSes) {
      Annotations.of(scope).addWarningV2(
        'orders:cognito-default-sender',
        `Cognito keeps its default sender (50 e-mails a day per account) until the SES identity for ${mail.domain} is verified: publish its DKIM records, then set MAIL_IDENTITY_VERIFIED=true. See docs/cloud.md, "Customer e-mail".`,
      );
    }
  } else {
    Annotations.of(scope).addWarningV2(
      'orders:no-mail-from',
      'MAIL_FROM is not set: customers get no e-mail about their orders (the order events still reach the notification topic), and Cognito sends sign-up codes and password resets with its default sender, capped at 50 e-mails a day per account. See docs/cloud.md, "Customer e-mail".',
    );
  }
}
