/**
 * Event fixtures for calling the handlers directly, shaped as AWS delivers them (API Gateway REST
 * proxy v1 with Cognito authorizer claims, SQS batches, EventBridge scheduled events), and the
 * environment the cloud definition gives each function, with placeholder resource names.
 */
import type { APIGatewayProxyEvent, Context, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { ENV } from '../../amplify/server/environment.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/order-queue`;
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:order-workflow`;

/** What every handler reads at module load, set before it is imported. */
export const HANDLER_ENV: Record<string, string> = {
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  [ENV.ordersTable]: 'orders-table',
  [ENV.idempotencyTable]: 'idempotency-table',
  [ENV.stockTable]: 'stock-table',
  [ENV.statsTable]: 'stats-table',
  [ENV.queueUrl]: QUEUE_URL,
  [ENV.stateMachineArn]: STATE_MACHINE_ARN,
  [ENV.topicArn]: `arn:aws:sns:${REGION}:${ACCOUNT}:order-notifications`,
  [ENV.orderTokenSecretArn]: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:order-token-AbCdEf`,
  [ENV.storefrontUrl]: 'https://shop.example',
  [ENV.idTokenIssuer]: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_unitpool`,
  // Metrics would be printed as EMF lines; the handlers' metric calls still run.
  POWERTOOLS_METRICS_DISABLED: 'true',
};

export function lambdaContext(functionName: string, remainingMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/29/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Claims {
  sub: string;
  email: string;
  email_verified?: string;
  'cognito:groups'?: string;
}

export const CUSTOMER: Claims = { sub: '7d8f0c1e-0000-4000-8000-000000000001', email: 'ana@example.com', email_verified: 'true' };

/** An API Gateway REST (v1) proxy event; `claims` as its Cognito authorizer passes them (strings). */
export function apiEvent(
  method: string,
  path: string,
  options: { body?: unknown; claims?: Claims | null; headers?: Record<string, string>; query?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  const claims = options.claims === undefined ? CUSTOMER : options.claims;
  const body = options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = { Host: 'api.example.com', ...(body !== null ? { 'Content-Type': 'application/json' } : {}), ...options.headers };
  return {
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query ? Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abc123',
      authorizer: claims ? { claims: { ...claims } } : null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: { sourceIp: '203.0.113.7', userAgent: 'unit-test' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'req-1',
      requestTimeEpoch: Date.now(),
      resourceId: 'res-1',
      resourcePath: path,
    },
  };
}

/** An SQS batch as the event source mapping delivers it. */
export function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `message-${i + 1}`,
      receiptHandle: `receipt-${i + 1}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1764400000000',
        SenderId: 'AROAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1764400000001',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:order-queue`,
      awsRegion: REGION,
    })),
  };
}

export function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/recover-orders`],
    detail: {},
  };
}
