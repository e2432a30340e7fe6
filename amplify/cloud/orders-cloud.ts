/**
 * Every AWS resource of the store besides the four Lambda functions, as one construct placed in
 * the functions' own nested stack (resource group `RESOURCE_GROUP`), so the references between
 * functions and resources never cross a nested-stack boundary (no circular dependency).
 *
 * Names, keys and settings come from `amplify/domain/*`, the same definitions the local runtime
 * builds from; `tests/cloud/` checks the synthesized template against them.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API_NAME, CORS_ALLOWED_HEADERS, ROUTE_ACCESS, ROUTE_METHODS, ROUTES } from '../domain/api.ts';
import { AUTH_TOKEN, UNAUTHORIZED_BODY } from '../domain/auth.ts';
import { createOrderRequestSchema } from '../domain/order.ts';
import { ENV, IDEMPOTENCY_TABLE, NOTIFICATION_TOPIC, ORDER_QUEUE, ORDERS_TABLE } from '../domain/resources.ts';
import { scopeInvalidationToDistribution } from './invalidation.ts';
import { Monitoring } from './monitoring.ts';
import { OrderRecovery } from './recovery.ts';
import { requestModelSchema } from './request-model.ts';
import { OrderWorkflow } from './workflow.ts';

/** API Gateway stage settings (seed: throttling 10,000 requests per second). */
export const API_STAGE = {
  name: 'prod',
  throttlingRateLimit: 10_000,
  throttlingBurstLimit: 5_000,
} as const;

/** Where the storefront expects its runtime configuration (same shape as `amplify_outputs.json`). */
export const RUNTIME_OUTPUTS_FILE = 'amplify_outputs.json';

export interface StorefrontDomain {
  /** e.g. `shop.example.com` (a DNS CNAME to the distribution is yours to create). */
  readonly domainName: string;
  /** ACM certificate in us-east-1 covering `domainName`. */
  readonly certificateArn: string;
}

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
  readonly ordersTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly topicKey: kms.Key;
  readonly topic: sns.Topic;
  readonly alarmTopic: sns.Topic;
  /** The Express order workflow, its logs, and the delivery schedules (amplify/cloud/workflow.ts). */
  readonly workflow: OrderWorkflow;
  readonly stateMachine: sfn.StateMachine;
  readonly recovery: OrderRecovery;
  readonly api: apigw.RestApi;
  /** Verifies the ID token of every signed-in route (`ROUTE_ACCESS`). */
  readonly authorizer: apigw.CognitoUserPoolsAuthorizer;
  readonly requestValidator: apigw.RequestValidator;
  readonly accessLogBucket: s3.Bucket;
  /** API Gateway's execution log group (created here so it has a retention). */
  readonly apiExecutionLogs: logs.LogGroup;
  readonly workflowLogs: logs.LogGroup;
  readonly siteBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;
  readonly monitoring: Monitoring;
  /** True when the storefront has its own domain and certificate (TLS 1.2+ policy). */
  readonly usesCustomDomain: boolean;
  /** `https://<distribution>` (or the custom domain). */
  readonly storefrontUrl: string;
  /** What the storefront reads, the same `custom` block `backend.addOutput` puts in amplify_outputs.json. */
  readonly clientOutputs: { custom: { API: Record<string, { endpoint: string; region: string; apiName: string }>; storefrontUrl: string } };

  constructor(scope: Construct, id: string, props: OrdersCloudProps) {
    super(scope, id);
    const { appServer, orderStarter, processOrder, recoverOrders, deploymentName } = props;
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // ---------------------------------------------------------------- DynamoDB
    this.ordersTable = new dynamodb.Table(this, 'OrdersTable', {
      partitionKey: { name: ORDERS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.retainData,
      removalPolicy,
    });
    this.ordersTable.addGlobalSecondaryIndex({
      indexName: ORDERS_TABLE.customerIndex.name,
      partitionKey: { name: ORDERS_TABLE.customerIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ORDERS_TABLE.customerIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // Sparse: only orders not yet final carry its key (see ORDERS_TABLE.openOrdersIndex).
    this.ordersTable.addGlobalSecondaryIndex({
      indexName: ORDERS_TABLE.openOrdersIndex.name,
      partitionKey: { name: ORDERS_TABLE.openOrdersIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ORDERS_TABLE.openOrdersIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // Staff lists by status and date, and the counts per status (never a Scan).
    this.ordersTable.addGlobalSecondaryIndex({
      indexName: ORDERS_TABLE.statusIndex.name,
      partitionKey: { name: ORDERS_TABLE.statusIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ORDERS_TABLE.statusIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // Staff's search by order number (written once per order; see ORDERS_TABLE.orderNumberIndex).
    this.ordersTable.addGlobalSecondaryIndex({
      indexName: ORDERS_TABLE.orderNumberIndex.name,
      partitionKey: { name: ORDERS_TABLE.orderNumberIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });

    // ---------------------------------------------------------------- SQS
    this.deadLetterQueue = new sqs.Queue(this, 'OrderDeadLetterQueue', {
      retentionPeriod: Duration.seconds(ORDER_QUEUE.deadLetter.retentionPeriodSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'OrderQueue', {
      visibilityTimeout: Duration.seconds(ORDER_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(ORDER_QUEUE.retentionPeriodSeconds),
      receiveMessageWaitTime: Duration.seconds(ORDER_QUEUE.receiveWaitTimeSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: ORDER_QUEUE.maxReceiveCount },
    });

    // ---------------------------------------------------------------- SNS
    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the order notification and alarm topics',
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch alarms publish to the (encrypted) alarm topic: CloudWatch must be able to use the key.
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, 'NotificationTopic', {
      displayName: NOTIFICATION_TOPIC.displayName,
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Order platform alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // `enforceSSL` gives the topic a policy, which replaces SNS's default one: without this
    // statement CloudWatch is "not authorized to perform: SNS:Publish" and no alarm ever arrives.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    if (props.notificationEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));
    }

    // ---------------------------------------------------------------- Workflow + delivery schedules
    this.workflow = new OrderWorkflow(this, 'Workflow', { deploymentName, processOrder, removalPolicy });
    this.stateMachine = this.workflow.stateMachine;
    this.workflowLogs = this.workflow.logs;

    // ---------------------------------------------------------------- Functions: env + IAM
    appServer.addEnvironment(ENV.ordersTable, this.ordersTable.tableName);
    appServer.addEnvironment(ENV.queueUrl, this.queue.queueUrl);
    appServer.addEnvironment(ENV.idempotencyTable, this.idempotencyTable.tableName);
    // Item reads and writes on the table; a customer's orders (CustomerIndex), staff lists
    // (StatusDateIndex) and the search by order number (OrderNumberIndex) by Query on the indexes
    // (GetItem/PutItem have no meaning on an index ARN).
    appServer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.ordersTable.tableArn],
      }),
    );
    appServer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [
          `${this.ordersTable.tableArn}/index/${ORDERS_TABLE.customerIndex.name}`,
          `${this.ordersTable.tableArn}/index/${ORDERS_TABLE.statusIndex.name}`,
          `${this.ordersTable.tableArn}/index/${ORDERS_TABLE.orderNumberIndex.name}`,
        ],
      }),
    );
    // Idempotency-Keys of POST /orders, recorded per caller beside their order id (order-keys.ts).
    appServer.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [this.idempotencyTable.tableArn] }),
    );
    appServer.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));

    orderStarter.addEnvironment(ENV.stateMachineArn, this.stateMachine.stateMachineArn);
    orderStarter.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
    );
    // Grants ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl on this queue.
    orderStarter.addEventSource(
      new SqsEventSource(this.queue, { batchSize: ORDER_QUEUE.batchSize, reportBatchItemFailures: true }),
    );

    processOrder.addEnvironment(ENV.ordersTable, this.ordersTable.tableName);
    processOrder.addEnvironment(ENV.idempotencyTable, this.idempotencyTable.tableName);
    processOrder.addEnvironment(ENV.topicArn, this.topic.topicArn);
    processOrder.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [this.ordersTable.tableArn],
      }),
    );
    processOrder.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [this.idempotencyTable.tableArn],
      }),
    );
    processOrder.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    processOrder.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.topicKey.keyArn] }),
    );

    // ---------------------------------------------------------------- Recovery job (schedule, env, IAM)
    this.recovery = new OrderRecovery(this, 'Recovery', {
      recoverOrders,
      ordersTable: this.ordersTable,
      stateMachine: this.stateMachine,
      queue: this.queue,
    });

    // ---------------------------------------------------------------- API Gateway REST
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.api = new apigw.RestApi(this, 'OrdersApi', {
      // The API's name is the `ApiName` dimension of its metrics (and alarms): one per deployment.
      restApiName: `${deploymentName}-orders-api`,
      description: 'Order platform REST API (Lambda proxy to app-server)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is set up once per account and region, never
      // by a deployment (docs/cloud.md, "First deployment"): a deployment that created it would
      // overwrite it, race other deployments for it, and a sandbox's deletion would delete it.
      cloudWatchRole: false,
      deployOptions: {
        stageName: API_STAGE.name,
        throttlingRateLimit: API_STAGE.throttlingRateLimit,
        throttlingBurstLimit: API_STAGE.throttlingBurstLimit,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: apigw.Cors.ALL_ORIGINS,
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: [...CORS_ALLOWED_HEADERS],
        maxAge: Duration.minutes(10),
      },
    });
    // API Gateway writes execution logs to this group; created beforehand so it has a retention.
    this.apiExecutionLogs = new logs.LogGroup(this, 'ApiExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${API_STAGE.name}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.api.deploymentStage.node.addDependency(this.apiExecutionLogs);
    // Errors API Gateway answers itself (validation, throttling) carry CORS headers and the
    // handler's `{ error, details }` body, so the browser can read them.
    for (const [id, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
        templates: { 'application/json': '{"error":$context.error.messageString,"details":[]}' },
      });
    }
    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const createOrderModel = this.api.addModel('CreateOrderRequestModel', {
      contentType: 'application/json',
      modelName: 'CreateOrderRequest',
      description: 'POST /orders body, generated from createOrderRequestSchema (amplify/domain/order.ts)',
      schema: requestModelSchema(createOrderRequestSchema, 'CreateOrderRequest'),
    });
    // No token, a bad one, or a token of another pool: 401 with the API's error body (and CORS).
    this.api.addGatewayResponse('Unauthorized', {
      type: apigw.ResponseType.UNAUTHORIZED,
      responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
      templates: { 'application/json': JSON.stringify(UNAUTHORIZED_BODY) },
    });
    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.auth.userPool],
      identitySource: AUTH_TOKEN.identitySource,
    });
    const integration = new apigw.LambdaIntegration(appServer, { proxy: true, allowTestInvoke: false });
    for (const [route, path] of Object.entries(ROUTES) as [keyof typeof ROUTES, string][]) {
      const resource = this.api.root.resourceForPath(path);
      const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const method of ROUTE_METHODS[route]) {
        resource.addMethod(method, integration, {
          requestValidator: this.requestValidator,
          requestParameters: Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true])),
          requestModels: route === 'orders' && method === 'POST' ? { 'application/json': createOrderModel } : undefined,
          ...(ROUTE_ACCESS[route] === 'signedIn' ? { authorizer: this.authorizer, authorizationType: apigw.AuthorizationType.COGNITO } : {}),
        });
      }
    }

    // ---------------------------------------------------------------- S3 + CloudFront
    // Retained in every deployment, sandboxes included: S3 and CloudFront deliver logs for hours
    // after the stack stops using the bucket, so emptying it and deleting it in the same stack
    // deletion fails with BucketNotEmpty (aws-cdk#21776) and leaves the stack DELETE_FAILED. Left
    // behind, it empties itself (lifecycle) and can be removed later (docs/cloud.md, "Deleting").
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [
        { expiration: Duration.days(props.retainData ? 90 : 7), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Raw overrides: Amplify's sandbox aspect turns every removal policy into DESTROY.
    for (const resource of [this.accessLogBucket.node.defaultChild, this.accessLogBucket.policy?.node.defaultChild]) {
      (resource as s3.CfnBucket | s3.CfnBucketPolicy).addOverride('DeletionPolicy', 'Retain');
      (resource as s3.CfnBucket | s3.CfnBucketPolicy).addOverride('UpdateReplacePolicy', 'Retain');
    }
    this.siteBucket = new s3.Bucket(this, 'StorefrontBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'storefront-bucket/',
      // The bucket only holds build output, rebuilt on every deployment.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Order storefront security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            // The API, and Cognito for sign-in (the storefront talks to the user pool directly).
            `connect-src 'self' https://*.execute-api.${Aws.REGION}.amazonaws.com https://cognito-idp.${Aws.REGION}.amazonaws.com`,
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
      },
    });
    const certificate = props.storefrontDomain
      ? acm.Certificate.fromCertificateArn(this, 'StorefrontCertificate', props.storefrontDomain.certificateArn)
      : undefined;
    this.distribution = new cloudfront.Distribution(this, 'StorefrontCdn', {
      comment: 'Order storefront',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      defaultRootObject: 'index.html',
      // SPA fallback: deep links (e.g. /orders/<id>) are routes of the storefront, not objects.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.accessLogBucket,
      logFilePrefix: 'cloudfront/',
      ...(certificate && props.storefrontDomain
        ? {
            certificate,
            domainNames: [props.storefrontDomain.domainName],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    this.usesCustomDomain = props.storefrontDomain !== undefined;
    this.storefrontUrl = props.storefrontDomain
      ? `https://${props.storefrontDomain.domainName}`
      : `https://${this.distribution.distributionDomainName}`;

    const region = Stack.of(this).region;
    this.clientOutputs = {
      custom: {
        API: { [API_NAME]: { endpoint: this.api.url, region, apiName: API_NAME } },
        storefrontUrl: this.storefrontUrl,
      },
    };

    // The built storefront plus its runtime configuration: `amplify_outputs.json` next to
    // index.html, with the deploy-time API endpoint, so a build never needs a deployed backend.
    const authOutputs = {
      aws_region: region,
      user_pool_id: props.auth.userPool.userPoolId,
      user_pool_client_id: props.auth.userPoolClient.userPoolClientId,
      username_attributes: ['email'],
      user_verification_types: ['email'],
    };
    const sources = [s3deploy.Source.jsonData(RUNTIME_OUTPUTS_FILE, { version: '1.4', auth: authOutputs, ...this.clientOutputs })];
    if (props.storefrontDir) sources.unshift(s3deploy.Source.asset(props.storefrontDir));
    this.deployment = new s3deploy.BucketDeployment(this, 'DeployStorefront', {
      destinationBucket: this.siteBucket,
      sources,
      // Old hashed assets stay so a cached index.html never points at a deleted file.
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    scopeInvalidationToDistribution(this.deployment, this.distribution);

    // ---------------------------------------------------------------- Alarms + dashboard
    this.monitoring = new Monitoring(this, 'Monitoring', {
      deploymentName,
      functions: [appServer, orderStarter, processOrder, recoverOrders],
      recovery: { function: recoverOrders, schedule: this.recovery.schedule },
      api: this.api,
      tables: [
        { table: this.ordersTable, indexes: [ORDERS_TABLE.customerIndex.name, ORDERS_TABLE.openOrdersIndex.name] },
        { table: this.idempotencyTable, indexes: [] },
      ],
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      stateMachine: this.stateMachine,
      alarmTopic: this.alarmTopic,
    });
  }
}
