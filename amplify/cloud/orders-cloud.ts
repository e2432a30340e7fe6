/**
 * Every AWS resource of the platform besides the four Lambda functions, as one construct placed in
 * the functions' own nested stack (resource group `RESOURCE_GROUP`), so the references between
 * functions and resources never cross a nested-stack boundary (no circular dependency).
 *
 * It reads like the architecture diagram: one construct per box, each owning its resources and
 * the environment and IAM of the function it runs (data, messaging, API, storefront hosting,
 * recovery, monitoring); the workflow box (state machine, order-starter, process-order) is still
 * inline below. Names, keys and settings come from `amplify/server/settings.ts` and
 * `amplify/domain/*`, the same definitions the local runtime builds from; `tests/cloud/` checks
 * the synthesized template against them.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, ORDER_QUEUE, ORDERS_TABLE } from '../server/settings.ts';
import { renderWorkflow } from '../server/workflow.ts';
import { OrderData } from './data.ts';
import { OrderMessaging } from './messaging.ts';
import { Monitoring } from './monitoring.ts';
import { OrdersApi } from './orders-api.ts';
import { OrderRecovery } from './recovery.ts';
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
  /** Subscribed by e-mail to order notifications and alarms when set. */
  readonly notificationEmail?: string;
  /** Folder of the built storefront (`dist/`); omitted when it has not been built. */
  readonly storefrontDir?: string;
  /** Custom domain (enables a TLS 1.2+ security policy, impossible on the default certificate). */
  readonly storefrontDomain?: StorefrontDomain;
  /** Keep tables, keys and logs when the stack is deleted (branch deployments); sandboxes clean up. */
  readonly retainData: boolean;
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
  readonly stateMachine: sfn.StateMachine;
  readonly workflowLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrdersCloudProps) {
    super(scope, id);
    const { appServer, orderStarter, processOrder, recoverOrders, deploymentName, retainData } = props;
    const removalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.data = new OrderData(this, 'Data', { retainData });
    this.messaging = new OrderMessaging(this, 'Messaging', { notificationEmail: props.notificationEmail, retainData });
    const { ordersTable, idempotencyTable } = this.data;
    const { queue, topic, topicKey } = this.messaging;

    this.ordersApi = new OrdersApi(this, 'Api', {
      deploymentName,
      appServer,
      ordersTable,
      idempotencyTable,
      queue,
      userPool: props.auth.userPool,
      retainData,
    });
    this.storefront = new StorefrontHosting(this, 'Storefront', {
      api: this.ordersApi.api,
      auth: props.auth,
      storefrontDir: props.storefrontDir,
      storefrontDomain: props.storefrontDomain,
      retainData,
    });

    // ---------------------------------------------------------------- Step Functions
    // Under /aws/vendedlogs/states/: Step Functions then needs no entry in the account's 5,120-
    // character CloudWatch Logs resource policy (one per log group elsewhere, until it is full).
    const workflowLogs = new logs.LogGroup(this, 'WorkflowLogs', {
      logGroupName: `/aws/vendedlogs/states/${deploymentName}-order-workflow`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.workflowLogs = workflowLogs;
    this.stateMachine = new sfn.StateMachine(this, 'OrderWorkflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Inline (not `fromFile`, which uploads an asset): the template carries the definition.
      definitionBody: sfn.DefinitionBody.fromString(renderWorkflow(processOrder.functionArn)),
      tracingEnabled: true,
      // Execution data holds customer names and e-mail addresses: keep it out of the logs.
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // The ASL uses the plain Lambda ARN as Task resource: invoke on the unqualified ARN only.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [processOrder.functionArn] }),
    );

    // ---------------------------------------------------------------- Workflow functions: env + IAM
    orderStarter.addEnvironment(ENV.stateMachineArn, this.stateMachine.stateMachineArn);
    orderStarter.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
    );
    // Grants ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl on this queue.
    orderStarter.addEventSource(
      new SqsEventSource(queue, { batchSize: ORDER_QUEUE.batchSize, reportBatchItemFailures: true }),
    );

    processOrder.addEnvironment(ENV.ordersTable, ordersTable.tableName);
    processOrder.addEnvironment(ENV.idempotencyTable, idempotencyTable.tableName);
    processOrder.addEnvironment(ENV.topicArn, topic.topicArn);
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
    processOrder.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    processOrder.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topicKey.keyArn] }),
    );


    this.recovery = new OrderRecovery(this, 'Recovery', { recoverOrders, ordersTable, stateMachine: this.stateMachine, queue });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      deploymentName,
      functions: [appServer, orderStarter, processOrder, recoverOrders],
      recovery: { function: recoverOrders, schedule: this.recovery.schedule },
      api: this.ordersApi.api,
      tables: [
        { table: ordersTable, indexes: [ORDERS_TABLE.customerIndex.name, ORDERS_TABLE.openOrdersIndex.name] },
        { table: idempotencyTable, indexes: [] },
      ],
      queue,
      deadLetterQueue: this.messaging.deadLetterQueue,
      stateMachine: this.stateMachine,
      alarmTopic: this.messaging.alarmTopic,
    });
  }

  // The boxes' resources by name, as the nag decisions and the template tests refer to them.
  get ordersTable(): dynamodb.Table { return this.data.ordersTable; }
  get idempotencyTable(): dynamodb.Table { return this.data.idempotencyTable; }
  get queue(): sqs.Queue { return this.messaging.queue; }
  get deadLetterQueue(): sqs.Queue { return this.messaging.deadLetterQueue; }
  get topicKey(): kms.Key { return this.messaging.topicKey; }
  get topic(): sns.Topic { return this.messaging.topic; }
  get alarmTopic(): sns.Topic { return this.messaging.alarmTopic; }
  get api(): apigw.RestApi { return this.ordersApi.api; }
  get authorizer(): apigw.CognitoUserPoolsAuthorizer { return this.ordersApi.authorizer; }
  get requestValidator(): apigw.RequestValidator { return this.ordersApi.requestValidator; }
  get apiExecutionLogs(): logs.LogGroup { return this.ordersApi.executionLogs; }
  get accessLogBucket(): s3.Bucket { return this.storefront.accessLogBucket; }
  get siteBucket(): s3.Bucket { return this.storefront.siteBucket; }
  get distribution(): cloudfront.Distribution { return this.storefront.distribution; }
  get deployment(): s3deploy.BucketDeployment { return this.storefront.deployment; }
  get usesCustomDomain(): boolean { return this.storefront.usesCustomDomain; }
  get storefrontUrl(): string { return this.storefront.storefrontUrl; }
  /** What the storefront reads, the same `custom` block `backend.addOutput` puts in amplify_outputs.json. */
  get clientOutputs(): CloudClientOutputs { return this.storefront.clientOutputs; }
}
