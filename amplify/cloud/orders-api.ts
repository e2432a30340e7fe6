/**
 * The API box: API Gateway REST in front of `app-server` (Lambda proxy), every route of `ROUTES`
 * with its methods, the Cognito authorizer on the signed-in ones, the request model generated from
 * the order schema, logs; and what `app-server` needs: exactly its IAM (its environment is set
 * from its manifest, amplify/functions/manifest.ts, by `OrdersCloud`).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CORS, methodAccess, ROUTE_METHODS, ROUTES } from '../domain/api.ts';
import { AUTH_TOKEN, UNAUTHORIZED_BODY } from '../domain/auth.ts';
import { createOrderRequestSchema } from '../domain/order.ts';
import { ORDERS_TABLE } from '../server/settings/tables.ts';
import { requestModelSchema } from './request-model.ts';
import type { ApiThrottle } from './settings.ts';

/**
 * One JSON line per request: API Gateway's standard fields plus who called (the Cognito `sub` the
 * authorizer verified; `-` on public routes and on a guest's methods, which have no authorizer:
 * there app-server logs staff reads and cancels with the staff member's `sub` itself).
 */
export const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: apigw.AccessLogField.contextRequestId(),
    ip: apigw.AccessLogField.contextIdentitySourceIp(),
    requestTime: apigw.AccessLogField.contextRequestTime(),
    httpMethod: apigw.AccessLogField.contextHttpMethod(),
    resourcePath: apigw.AccessLogField.contextResourcePath(),
    status: apigw.AccessLogField.contextStatus(),
    protocol: apigw.AccessLogField.contextProtocol(),
    responseLength: apigw.AccessLogField.contextResponseLength(),
    sub: apigw.AccessLogField.contextAuthorizerClaims('sub'),
  }),
);

/** API Gateway stage settings; its throttle is a deployment setting (`API_THROTTLE_DEFAULTS`). */
export const API_STAGE = {
  name: 'prod',
} as const;

export interface OrdersApiProps {
  /** Names the API (its metrics' `ApiName` dimension): one per deployment. */
  readonly deploymentName: string;
  readonly appServer: lambda.Function;
  readonly ordersTable: dynamodb.ITable;
  /** The per-day counters (issue 27): app-server counts the orders placed and the changes its routes make, and reads `GET /stats`. */
  readonly statsTable: dynamodb.ITable;
  readonly idempotencyTable: dynamodb.ITable;
  /** Stock per product: `GET /products`, the staff's stock routes, and `POST /orders`'s availability check. */
  readonly stockTable: dynamodb.ITable;
  readonly queue: sqs.IQueue;
  /** The accounts (amplify/auth/resource.ts): the authorizer trusts this pool. */
  readonly userPool: cognito.IUserPool;
  /** The stage's throttle. */
  readonly throttle: ApiThrottle;
  readonly retainData: boolean;
}

export class OrdersApi extends Construct {
  readonly api: apigw.RestApi;
  /** Verifies the ID token of every signed-in method (`methodAccess`: all but the public ones and a guest's). */
  readonly authorizer: apigw.CognitoUserPoolsAuthorizer;
  readonly requestValidator: apigw.RequestValidator;
  /** API Gateway's execution log group (created here so it has a retention). */
  readonly executionLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrdersApiProps) {
    super(scope, id);
    const { appServer } = props;
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    grantAppServer(props);

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
    this.api = new apigw.RestApi(this, 'OrdersApi', {
      // The API's name is the `ApiName` dimension of its metrics (and alarms): one per deployment.
      restApiName: `${props.deploymentName}-orders-api`,
      description: 'Order platform REST API (Lambda proxy to app-server)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is set up once per account and region, never
      // by a deployment (docs/cloud.md, "First deployment"): a deployment that created it would
      // overwrite it, race other deployments for it, and a sandbox's deletion would delete it.
      cloudWatchRole: false,
      deployOptions: {
        stageName: API_STAGE.name,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        // Per-method metrics off: they are billed as custom metrics (about seven per method and
        // resource) and no alarm reads them; the API-level ones (ApiName, Stage) come anyway.
        metricsEnabled: false,
        tracingEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: apigw.Cors.ALL_ORIGINS,
        allowMethods: [...CORS.allowMethods],
        allowHeaders: [...CORS.allowHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
      },
    });
    // API Gateway writes execution logs to this group; created beforehand so it has a retention.
    // Its name is API Gateway's, and holds the API's id, new with each creation of the API: a group
    // kept from a deleted branch never meets the next one's.
    this.executionLogs = new logs.LogGroup(this, 'ApiExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${API_STAGE.name}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogs);
    answerErrorsWithCors(this.api);
    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: AUTH_TOKEN.identitySource,
    });
    this.addRoutes(appServer);
  }

  /** Every route of `ROUTES` with its methods, validated, the order body against its model, the authorizer on the signed-in ones. */
  private addRoutes(appServer: lambda.Function): void {
    const createOrderModel = this.api.addModel('CreateOrderRequestModel', {
      contentType: 'application/json',
      modelName: 'CreateOrderRequest',
      description: 'POST /orders body, generated from createOrderRequestSchema (amplify/domain/order.ts)',
      schema: requestModelSchema(createOrderRequestSchema, 'CreateOrderRequest'),
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
          // A guest's methods have none: API Gateway cannot make a token optional; app-server verifies one sent there.
          ...(methodAccess(route, method) === 'signedIn' ? { authorizer: this.authorizer, authorizationType: apigw.AuthorizationType.COGNITO } : {}),
        });
      }
    }
  }
}

/** What app-server needs: exactly its IAM. */
function grantAppServer(props: OrdersApiProps): void {
  const { appServer, ordersTable, idempotencyTable, stockTable, statsTable, queue } = props;
  // The pool's IAM actions: confirm a staff member (group, enabled, TOTP) and delete the caller's
  // own account (DELETE /me; the API has the ID token only, so not DeleteUser with an access token).
  appServer.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminDeleteUser'],
      resources: [props.userPool.userPoolArn],
    }),
  );
  // On the table: create (PutItem), read (GetItem), cancel (UpdateItem, conditional) and the lists'
  // orders by id (BatchGetItem); a customer's orders (CustomerIndex), staff lists (StatusDateIndex),
  // the search by order number (OrderNumberIndex) and by customer e-mail (CustomerEmailIndex) by
  // Query on the indexes (item actions have no meaning on an index ARN). The staff's internal
  // note is an UpdateItem on the order.
  appServer.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [ordersTable.tableArn] }),
  );
  appServer.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [ORDERS_TABLE.customerIndex, ORDERS_TABLE.statusIndex, ORDERS_TABLE.orderNumberIndex, ORDERS_TABLE.customerEmailIndex].map(
        (index) => `${ordersTable.tableArn}/index/${index.name}`,
      ),
    }),
  );
  // Idempotency-Keys of POST /orders, recorded per caller beside their order id (DynamoDbOrderKeys),
  // and the per-account order counters (UpdateItem, DynamoDbOrderRateLimiter).
  appServer.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [idempotencyTable.tableArn] }),
  );
  // Stock: every product's level (BatchGetItem), the staff's change (UpdateItem) and its history
  // entry (PutItem), the history newest first (Query on the table). Never a reservation: the workflow's.
  appServer.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], resources: [stockTable.tableArn] }),
  );
  appServer.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  // The per-day counters: an ADD per order placed or status changed here, a Query per `GET /stats`.
  appServer.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem', 'dynamodb:Query'], resources: [statsTable.tableArn] }));
}

/**
 * Errors API Gateway answers itself (validation, throttling, a missing or bad token) carry CORS
 * headers and the handler's `{ error, details }` body, so the browser can read them.
 */
function answerErrorsWithCors(api: apigw.RestApi): void {
  for (const [responseId, type] of [
    ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
    ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
  ] as const) {
    api.addGatewayResponse(responseId, {
      type,
      responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
      templates: { 'application/json': '{"error":$context.error.messageString,"details":[]}' },
    });
  }
  // No token, a bad one, or a token of another pool: 401 with the API's error body (and CORS).
  api.addGatewayResponse('Unauthorized', {
    type: apigw.ResponseType.UNAUTHORIZED,
    responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
    templates: { 'application/json': JSON.stringify(UNAUTHORIZED_BODY) },
  });
}
