/**
 * The cloud definition, proven offline: `amplify/backend.ts` is synthesized once (as `ampx` would,
 * with cycle detection on) and the functions' nested stack is checked setting by setting against
 * the seed and against `amplify/domain/*`, the definitions the local runtime is built from.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CfnResource, Stack, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_METRICS_PER_ALARM } from '../../amplify/cloud/alarm-kit.ts';
import { EVENT_API_NAME_MAX_LENGTH } from '../../amplify/cloud/live-updates.ts';
import { LIVE_AUTHORIZATION_TYPE, LIVE_NAMESPACE } from '../../amplify/domain/live-updates.ts';
import { bundleOrdersChannelHandler } from '../../amplify/events/bundle.ts';
import { API_THROTTLE_DEFAULTS, offlineSynthContext, SETTINGS } from '../../amplify/cloud/settings.ts';
import { requestModelSchema } from '../../amplify/cloud/request-model.ts';
import { APP_SERVER_ACTIONS } from '../helpers/iam.ts';
import { API_NAME, CORS_ALLOWED_HEADERS, methodAccess, ROUTE_METHODS, ROUTES } from '../../amplify/domain/api.ts';
import { AUTH_TOKEN, CLIENT_WRITE_ATTRIBUTES, SIGN_IN_FLOW, STAFF_GROUP, UNAUTHORIZED_BODY } from '../../amplify/domain/auth.ts';
import { requiresSignIn } from '../../local/api-gateway/authorizer.ts';
import { createOrderRequestSchema } from '../../amplify/domain/order.ts';
import { CANCEL_WINDOW, ORDER_QUEUE } from '../../amplify/server/settings/pipeline.ts';
import { FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, ORDERS_TABLE_INDEXES, STATS_TABLE, STOCK_TABLE } from '../../amplify/server/settings/tables.ts';
import { RECOVERY } from '../../amplify/server/settings/recovery.ts';
import { ENV, METRICS } from '../../amplify/server/environment.ts';
import { renderWorkflow, WORKFLOW_DEFINITION } from '../../amplify/server/workflow.ts';
import { LOCAL_TABLES } from '../../local/dynamodb/dynamodb.ts';

type Backend = typeof import('../../amplify/backend.ts');
type Json = Record<string, any>;

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
/** CDK's temporary folders (the cloud assembly, bundling) go here, and must be gone at the end. */
const SYNTH_TMP = mkdtempSync(join(tmpdir(), 'orders-cloud-synth-'));
const HAD_CDK_OUT = existsSync(join(PROJECT_ROOT, 'cdk.out'));
const savedEnv = { ...process.env };

let mod: Backend;
let app: App;
let template: Template;
let rootTemplate: Template;
let resources: Record<string, Json>;
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } } | CfnResource): string =>
  stack.getLogicalId(('node' in construct && construct.node.defaultChild ? construct.node.defaultChild : construct) as CfnResource);
const ofType = (type: string): [string, Json][] => Object.entries(resources).filter(([, r]) => r.Type === type);
const fnId = (key: keyof typeof FUNCTIONS) => logicalId(mod.ordersStack, mod.backend[key].resources.cfnResources.cfnFunction);

beforeAll(async () => {
  process.env.TMPDIR = SYNTH_TMP;
  delete process.env.CDK_OUTDIR;
  for (const setting of Object.values(SETTINGS)) delete process.env[setting.env];
  process.env.CDK_CONTEXT_JSON = JSON.stringify(offlineSynthContext());
  mod = await import('../../amplify/backend.ts');
  app = mod.backend.stack.node.root as App;
  template = Template.fromStack(mod.ordersStack);
  rootTemplate = Template.fromStack(mod.backend.stack);
  resources = template.toJSON().Resources as Record<string, Json>;
}, 180_000);

afterAll(() => {
  if (app?.outdir) rmSync(app.outdir, { recursive: true, force: true });
  rmSync(SYNTH_TMP, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('synthesis', () => {
  it('runs with cycle detection on and puts every resource in the functions’ stack', () => {
    expect(app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
    // The root's nested stacks: Amplify's auth stack and the resource group holding functions and resources.
    const nested = Object.values(rootTemplate.toJSON().Resources as Record<string, Json>).filter(
      (r) => r.Type === 'AWS::CloudFormation::Stack',
    );
    expect(nested).toHaveLength(2);
    expect(Stack.of(mod.backend.auth.resources.userPool).nestedStackParent).toBe(mod.backend.stack);
    expect(mod.ordersStack.nestedStackParent).toBe(mod.backend.stack);
    // Its only inputs: the user pool and app client of the auth stack (the API's authorizer, the storefront's outputs).
    const inputs = Object.keys(template.toJSON().Parameters ?? {}).filter((p) => !p.startsWith('BootstrapVersion'));
    expect(inputs.every((p) => /auth.*UserPool/i.test(p)), inputs.join(', ')).toBe(true);
  });
});

describe('functions', () => {
  const expectedEnv: Record<keyof typeof FUNCTIONS, string[]> = {
    appServer: [
      ENV.ordersTable,
      ENV.idempotencyTable,
      ENV.stockTable,
      ENV.queueUrl,
      ENV.userPoolClientId,
      ENV.userPoolId,
      ENV.staffMfaRequired,
      ENV.orderRateLimit,
      ENV.orderTokenSecretArn,
      ENV.storefrontUrl,
      ENV.idTokenIssuer,
      ENV.statsTable,
      ENV.shopTimeZone,
      ENV.liveEventsUrl,
    ],
    orderStarter: [ENV.stateMachineArn],
    processOrder: [
      ENV.ordersTable,
      ENV.idempotencyTable,
      ENV.stockTable,
      ENV.topicArn,
      ENV.deliveryScheduleGroup,
      ENV.deliverySchedulerRoleArn,
      ENV.cancelWindowSeconds,
      ENV.storefrontUrl,
      ENV.orderTokenSecretArn,
      ENV.statsTable,
      ENV.shopTimeZone,
      ENV.liveEventsUrl,
    ],
    recoverOrders: [ENV.ordersTable, ENV.stockTable, ENV.stateMachineArn, ENV.queueUrl],
  };
  /** The seed's 30 s; app-server's 25 s, under API Gateway's 29 s; the recovery job's 120 s, under its schedule interval. */
  const expectedTimeout: Record<keyof typeof FUNCTIONS, number> = {
    appServer: 25,
    orderStarter: 30,
    processOrder: 30,
    recoverOrders: 120,
  };

  it.each(Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[])('%s: Node.js 22+, arm64, 128 MB, its timeout, only its environment', (key) => {
    const props = resources[fnId(key)]!.Properties as Json;
    expect(props.Architectures).toEqual(['arm64']);
    expect(Number(/^nodejs(\d+)\.x$/.exec(props.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
    expect(props.MemorySize).toBe(FUNCTIONS[key].memoryMB);
    expect(props.MemorySize).toBe(128);
    expect(props.Timeout).toBe(FUNCTIONS[key].timeoutSeconds);
    expect(props.Timeout).toBe(expectedTimeout[key]);
    const env = Object.keys(props.Environment.Variables).filter((k) => k !== 'AMPLIFY_SSM_ENV_CONFIG');
    expect(env.sort()).toEqual([...expectedEnv[key], 'POWERTOOLS_SERVICE_NAME', ENV.deploymentName].sort());
    expect(props.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(FUNCTIONS[key].name);
    // JSON logs; application lines from INFO (Powertools' metrics have no level: INFO); Lambda's
    // own START/END/REPORT lines (INFO) dropped; the retention's log group kept.
    expect(props.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: expect.anything() });
  });

  it('wires each environment variable to the right resource', () => {
    const env = (key: keyof typeof FUNCTIONS) => (resources[fnId(key)]!.Properties as Json).Environment.Variables;
    const id = (c: { node: { defaultChild?: unknown } }) => logicalId(mod.ordersStack, c);
    expect(env('appServer')[ENV.ordersTable]).toEqual({ Ref: id(mod.cloud.ordersTable) });
    expect(env('appServer')[ENV.queueUrl]).toEqual({ Ref: id(mod.cloud.queue) });
    expect(env('orderStarter')[ENV.stateMachineArn]).toEqual({ Ref: id(mod.cloud.stateMachine) });
    expect(env('processOrder')[ENV.ordersTable]).toEqual({ Ref: id(mod.cloud.ordersTable) });
    expect(env('processOrder')[ENV.idempotencyTable]).toEqual({ Ref: id(mod.cloud.idempotencyTable) });
    expect(env('processOrder')[ENV.topicArn]).toEqual({ Ref: id(mod.cloud.topic) });
    expect(env('processOrder')[ENV.deliveryScheduleGroup]).toBe(mod.cloud.workflow.scheduleGroup.scheduleGroupName);
    expect(resources[id(mod.cloud.workflow.scheduleGroup)]!.Properties.Name).toBe(mod.cloud.workflow.scheduleGroup.scheduleGroupName);
    expect(env('processOrder')[ENV.deliverySchedulerRoleArn]).toEqual({ 'Fn::GetAtt': [id(mod.cloud.workflow.schedulerRole), 'Arn'] });
    // The cancel window's length, from the deploy setting (default an hour).
    expect(env('processOrder')[ENV.cancelWindowSeconds]).toBe(String(CANCEL_WINDOW.cloudDefaultSeconds));
    expect(env('recoverOrders')[ENV.ordersTable]).toEqual({ Ref: id(mod.cloud.ordersTable) });
    expect(env('recoverOrders')[ENV.stateMachineArn]).toEqual({ Ref: id(mod.cloud.stateMachine) });
    expect(env('recoverOrders')[ENV.queueUrl]).toEqual({ Ref: id(mod.cloud.queue) });
    // The stock table, to the three functions that use it.
    for (const key of ['appServer', 'processOrder', 'recoverOrders'] as const) expect(env(key)[ENV.stockTable]).toEqual({ Ref: id(mod.cloud.stockTable) });
    // Guest checkout: one secret for both functions, the order links' storefront, the ID tokens' issuer.
    const secret = { Ref: id(mod.cloud.guestOrders.tokenSecret) };
    expect(env('appServer')[ENV.orderTokenSecretArn]).toEqual(secret);
    expect(env('processOrder')[ENV.orderTokenSecretArn]).toEqual(secret);
    expect(env('appServer')[ENV.storefrontUrl]).toEqual(env('processOrder')[ENV.storefrontUrl]);
    expect(JSON.stringify(env('appServer')[ENV.idTokenIssuer])).toMatch(/https:\/\/cognito-idp\.".*AWS::Region.*AWS::URLSuffix.*UserPool/);
  });

  it("guest orders' token secret: generated by CloudFormation, named by it, read by app-server and process-order only", () => {
    const secretId = logicalId(mod.ordersStack, mod.cloud.guestOrders.tokenSecret);
    const secret = resources[secretId]!;
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties.Name).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    const readers = ofType('AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties.PolicyDocument).includes(`"Ref":"${secretId}"`))
      .map(([, policy]) => JSON.stringify(policy.Properties.Roles));
    expect(readers).toHaveLength(2);
    for (const key of ['appServer', 'processOrder'] as const) {
      const role = (resources[fnId(key)]!.Properties as Json).Role['Fn::GetAtt'][0];
      expect(readers.some((roles) => roles.includes(role)), key).toBe(true);
    }
  });
});

describe('recovery job', () => {
  const ruleId = () => logicalId(mod.ordersStack, mod.cloud.recovery.schedule);

  it('runs on an EventBridge schedule every RECOVERY.scheduleMinutes, its timeout well inside the interval', () => {
    expect(ofType('AWS::Events::Rule')).toHaveLength(1);
    const rule = resources[ruleId()]!.Properties as Json;
    expect(RECOVERY.scheduleMinutes).toBe(5);
    expect(rule.ScheduleExpression).toBe(`rate(${RECOVERY.scheduleMinutes} minutes)`);
    expect(rule.State).toBe('ENABLED');
    expect(rule.Targets).toEqual([
      {
        Id: expect.any(String),
        Arn: { 'Fn::GetAtt': [fnId('recoverOrders'), 'Arn'] },
        // Delivery retried until the next run is due; no DLQ (a schedule event carries no data).
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: RECOVERY.scheduleMinutes * 60 },
      },
    ]);
    expect(FUNCTIONS.recoverOrders.timeoutSeconds).toBeLessThan(RECOVERY.scheduleMinutes * 60);
  });

  it('EventBridge may invoke it (this rule only); Lambda does not retry a failed run', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId('recoverOrders'), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId(), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId('recoverOrders') },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: RECOVERY.scheduleMinutes * 60,
    });
  });
});

describe('least-privilege IAM', () => {
  /** Actions of the inline policies attached to a role, with their resources. */
  const statementsOf = (roleId: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
  const actionsOf = (roleId: string) =>
    statementsOf(roleId)
      .flatMap((s) => [s.Action].flat() as string[])
      .sort();
  const roleOf = (key: keyof typeof FUNCTIONS) => logicalId(mod.ordersStack, mod.backend[key].resources.lambda.role!);
  /** Active tracing (issue 11): every function sends its traces. */
  const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
  const withoutXray = (statements: Json[]) => statements.filter((s) => ![s.Action].flat().includes('xray:PutTraceSegments'));

  it('app-server: read/write orders (table: create, read, cancel, the lists\' BatchGetItem; Query on CustomerIndex, StatusDateIndex and OrderNumberIndex; no Scan), its Idempotency-Keys, send to the queue, send traces', () => {
    // Exactly what the handler was seen to need on every route (tests/helpers/iam.ts, checked
    // against its calls in tests/unit/app-server-handler.test.ts).
    // ... and publish live order status (issue 26; its own test below).
    expect(actionsOf(roleOf('appServer'))).toEqual([...Object.values(APP_SERVER_ACTIONS).flat(), ...XRAY, 'appsync:EventPublish'].sort());
    const table = statementsOf(roleOf('appServer')).find((s) => [s.Action].flat().includes('dynamodb:BatchGetItem'))!;
    expect(table.Resource).toEqual({ 'Fn::GetAtt': [logicalId(mod.ordersStack, mod.cloud.ordersTable), 'Arn'] });
    const dynamo = statementsOf(roleOf('appServer')).find((s) => [s.Action].flat().includes('dynamodb:Query'))!;
    expect(JSON.stringify(dynamo.Resource)).toContain(`/index/${ORDERS_TABLE.customerIndex.name}`);
    expect(JSON.stringify(dynamo.Resource)).toContain(`/index/${ORDERS_TABLE.statusIndex.name}`);
    expect(JSON.stringify(dynamo.Resource)).toContain(`/index/${ORDERS_TABLE.orderNumberIndex.name}`);
    const keys = statementsOf(roleOf('appServer')).find((s) => JSON.stringify(s.Resource).includes(logicalId(mod.ordersStack, mod.cloud.idempotencyTable)))!;
    expect([keys.Action].flat().sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // The per-day counters: ADD and Query on the stats table itself, nothing else (no Scan anywhere).
    const counters = statementsOf(roleOf('appServer')).find((s) => JSON.stringify(s.Resource).includes(logicalId(mod.ordersStack, mod.cloud.statsTable)))!;
    expect([counters.Action].flat().sort()).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(counters.Resource).toEqual({ 'Fn::GetAtt': [logicalId(mod.ordersStack, mod.cloud.statsTable), 'Arn'] });
    // The user pool's IAM actions (staff confirmation, DELETE /me, GET /me/export) on this pool only.
    const pool = statementsOf(roleOf('appServer')).find((s) => [s.Action].flat().includes('cognito-idp:AdminDeleteUser'))!;
    expect([pool.Action].flat().sort()).toEqual([...APP_SERVER_ACTIONS.userPool].sort());
    expect(JSON.stringify(pool.Resource)).toMatch(/UserPool/);
    expect(JSON.stringify(pool.Resource)).not.toContain('*');
  });

  it('order-starter: start executions, consume the queue', () => {
    expect(actionsOf(roleOf('orderStarter'))).toEqual(
      [
        ...XRAY,
        'states:StartExecution',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
      ].sort(),
    );
  });

  it('process-order: update orders, idempotency records, publish (encrypted topic), create delivery schedules in its group, pass the scheduler role to Scheduler only', () => {
    expect(actionsOf(roleOf('processOrder'))).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        // The stock table: reserve, release, sell (UpdateItem), a refused reserve read (GetItem), the payment's reservation check (BatchGetItem), a first seed (PutItem).
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        // The stats table (issue 27): one ADD per status change (the UpdateItem below).
        'dynamodb:UpdateItem',
        // Live order status (issue 26).
        'appsync:EventPublish',
        'sns:Publish',
        'kms:GenerateDataKey',
        'kms:Decrypt',
        'scheduler:CreateSchedule',
        'iam:PassRole',
        'secretsmanager:GetSecretValue',
        ...XRAY,
      ].sort(),
    );
    const id = (c: { node: { defaultChild?: unknown } }) => logicalId(mod.ordersStack, c);
    const statements = statementsOf(roleOf('processOrder'));
    expect(statements.find((s) => JSON.stringify(s.Resource).includes(id(mod.cloud.stockTable)))).toEqual({
      Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [id(mod.cloud.stockTable), 'Arn'] },
    });
    expect(statements.find((s) => s.Action === 'scheduler:CreateSchedule')).toEqual({
      Action: 'scheduler:CreateSchedule',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:schedule/${mod.cloud.workflow.scheduleGroup.scheduleGroupName}/*`],
        ],
      },
    });
    expect(statements.find((s) => s.Action === 'iam:PassRole')).toEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [id(mod.cloud.workflow.schedulerRole), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
  });

  it('scheduler role: assumed by EventBridge Scheduler of this account, invokes process-order and starts the order workflow only', () => {
    const roleId = logicalId(mod.ordersStack, mod.cloud.workflow.schedulerRole);
    expect(resources[roleId]!.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(resources[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
    expect(resources[roleId]!.Properties.Policies).toBeUndefined();
    expect(statementsOf(roleId)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId('processOrder'), 'Arn'] } },
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: logicalId(mod.ordersStack, mod.cloud.workflow.stateMachine) } },
    ]);
    // Its schedule group: one per deployment, removed with a sandbox (its schedules with it).
    expect(ofType('AWS::Scheduler::ScheduleGroup')).toHaveLength(1);
    // Schedules are made at run time by process-order, never by the template.
    expect(ofType('AWS::Scheduler::Schedule')).toHaveLength(0);
  });

  it('recover-orders: query the open-orders index, claim a recovery attempt on an order, start the workflow, send to the queue; no DescribeExecution', () => {
    const id = (c: { node: { defaultChild?: unknown } }) => logicalId(mod.ordersStack, c);
    const stateMachine = id(mod.cloud.stateMachine);
    expect(withoutXray(statementsOf(roleOf('recoverOrders')))).toEqual([
      {
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(mod.cloud.ordersTable), 'Arn'] }, `/index/${ORDERS_TABLE.openOrdersIndex.name}`]] },
      },
      { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [id(mod.cloud.ordersTable), 'Arn'] } },
      // The stock: seed a product's item, read the reservations, settle those of orders that stopped moving.
      { Action: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [id(mod.cloud.stockTable), 'Arn'] } },
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachine } },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [id(mod.cloud.queue), 'Arn'] } },
    ]);
    expect(actionsOf(roleOf('recoverOrders'))).toEqual(
      ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'states:StartExecution', 'sqs:SendMessage', ...XRAY].sort(),
    );
    // SSE-SQS, not a customer key: sending needs no KMS permission.
    expect(resources[id(mod.cloud.queue)]!.Properties.KmsMasterKeyId).toBeUndefined();
    expect(resources[id(mod.cloud.queue)]!.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('state machine: invokes process-order only', () => {
    const roleId = logicalId(mod.ordersStack, mod.cloud.stateMachine.role);
    const invoke = statementsOf(roleId).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('lambda:')));
    expect(invoke).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId('processOrder'), 'Arn'] } },
    ]);
  });

  it('no wildcard action in any policy of ours; functions keep only the basic execution managed policy', () => {
    const ours = [
      ...(Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]).map(roleOf),
      logicalId(mod.ordersStack, mod.cloud.stateMachine.role),
      logicalId(mod.ordersStack, mod.cloud.workflow.schedulerRole),
    ];
    for (const roleId of ours) {
      for (const action of actionsOf(roleId)) expect(action, `${roleId}: ${action}`).not.toContain('*');
    }
    for (const key of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
      const managed = resources[roleOf(key)]!.Properties.ManagedPolicyArns as Json[];
      expect(JSON.stringify(managed)).toContain('service-role/AWSLambdaBasicExecutionRole');
      expect(managed).toHaveLength(1);
    }
  });
});

describe('DynamoDB', () => {
  it('orders table: orderId key, its five indexes, on-demand, PITR, encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'CustomerIndex',
          KeySchema: [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'orderDate', KeyType: 'RANGE' },
          ],
          // Keys and the list's filter: an order's updates do not rewrite the entry (lists read by id).
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
        },
        {
          IndexName: 'OpenOrdersDueIndex',
          KeySchema: [
            { AttributeName: 'openMarker', KeyType: 'HASH' },
            { AttributeName: 'nextStepDueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'StatusDateIndex',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'orderDate', KeyType: 'RANGE' },
          ],
          // Keys and a customer's counts filter.
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['customerId'] },
        },
        {
          IndexName: 'OrderNumberIndex',
          KeySchema: [{ AttributeName: 'orderNumber', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'CustomerEmailIndex',
          KeySchema: [
            { AttributeName: 'customerEmail', KeyType: 'HASH' },
            { AttributeName: 'orderDate', KeyType: 'RANGE' },
          ],
          // Staff's search by e-mail: keys only (a status change rewrites no entry).
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });

  it('idempotency table: id key, TTL on expiration, on-demand, PITR, encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(4);
  });

  it('stats table (issue 27): day partition and day sort key, on-demand, PITR, encryption, no index', () => {
    const table = resources[logicalId(mod.ordersStack, mod.cloud.statsTable)]!.Properties as Json;
    expect(table).toMatchObject({
      KeySchema: [
        { AttributeName: STATS_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: STATS_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(table.GlobalSecondaryIndexes).toBeUndefined();
    expect(table.TableName).toBeUndefined();
    const variables = (key: keyof typeof FUNCTIONS) => (resources[fnId(key)]!.Properties as Json).Environment.Variables;
    expect(variables('processOrder')[ENV.statsTable]).toEqual({ Ref: logicalId(mod.ordersStack, mod.cloud.statsTable) });
    expect(variables('appServer')[ENV.shopTimeZone]).toBe('UTC');
  });
});

describe('SQS', () => {
  it('order queue: visibility 300 s, retention 14 days, long polling 20 s, encrypted, DLQ redrive', () => {
    const dlq = logicalId(mod.ordersStack, mod.cloud.deadLetterQueue);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 300,
      MessageRetentionPeriod: 1_209_600,
      ReceiveMessageWaitTimeSeconds: 20,
      SqsManagedSseEnabled: true,
      // 5 receives before the DLQ: the project's choice (the seed asks for automatic retries, no number).
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect((resources[dlq]!.Properties as Json).MessageRetentionPeriod).toBe(1_209_600);
  });

  it('both queues deny requests without TLS', () => {
    const policies = ofType('AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      );
    }
  });

  it('order-starter consumes the queue and reports batch item failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('orderStarter') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(mod.ordersStack, mod.cloud.queue), 'Arn'] },
      BatchSize: ORDER_QUEUE.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('SNS', () => {
  it('topics are KMS-encrypted (rotating key) and SSL-only', () => {
    const key = logicalId(mod.ordersStack, mod.cloud.topicKey);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const topic of [mod.cloud.topic, mod.cloud.alarmTopic]) {
      expect(resources[logicalId(mod.ordersStack, topic)]!.Properties.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [key, 'Arn'],
      });
    }
    template.resourceCountIs('AWS::SNS::TopicPolicy', 2);
    template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('no e-mail subscription when NOTIFICATION_EMAIL is not set', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('Step Functions', () => {
  const PLACEHOLDER = 'arn:aws:lambda:region:account:function:process-order';
  /** The DefinitionString with the process-order ARN token put back as a plain string. */
  const definition = (): Json => {
    const raw = resources[logicalId(mod.ordersStack, mod.cloud.stateMachine)]!.Properties.DefinitionString;
    const parts: unknown[] = typeof raw === 'string' ? [raw] : raw['Fn::Join'][1];
    const text = parts
      .map((part) => {
        if (typeof part === 'string') return part;
        expect(part).toEqual({ 'Fn::GetAtt': [fnId('processOrder'), 'Arn'] });
        return PLACEHOLDER;
      })
      .join('');
    return JSON.parse(text) as Json;
  };

  it('an Express state machine (the only one) logging failures (ERROR, no execution data) with X-Ray tracing', () => {
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
    });
  });

  it('has no Wait state (Express runs at most 5 minutes): a delivery schedule confirms the delivery', () => {
    const states = definition().States as Json;
    expect(Object.values(states).filter((s) => (s as Json).Type === 'Wait')).toEqual([]);
    expect(states.ScheduleDelivery).toMatchObject({ Type: 'Task', Parameters: { action: 'schedule_delivery' }, Next: 'OrderCompleted' });
    expect(states.ScheduleDelivery.Catch[0].Next).toBe('DeliveryNotScheduled');
    expect(states.DeliveryNotScheduled.Type).toBe('Fail');
  });

  it('keeps the seed’s retries and timeouts', () => {
    const states = definition().States as Json;
    const retryAll = (state: string) => (states[state].Retry as Json[]).find((r) => r.ErrorEquals.includes('States.ALL'))!;
    expect(retryAll('ProcessPayment')).toMatchObject({ MaxAttempts: 3, BackoffRate: 2 });
    expect(states.ProcessPayment.TimeoutSeconds).toBe(30);
    // Any failure of the payment step marks the order failed, but a charge for an attempt the order has left behind (alarmed).
    expect(states.ProcessPayment.Catch.map((c: Json) => [c.ErrorEquals, c.Next])).toEqual([
      [['ChargeOnSupersededAttemptError'], 'ChargeNotRecorded'],
      [['IdempotencyAlreadyInProgressError'], 'ChargeInFlight'],
      [['States.ALL'], 'MarkPaymentFailed'],
    ]);
    // A charge in flight elsewhere is waited for, then left to the recovery job (the order stays PENDING).
    expect(states.ChargeInFlight).toMatchObject({ Type: 'Fail', Error: 'ChargeInFlight' });
    expect(retryAll('ArrangeShipment')).toMatchObject({ MaxAttempts: 2 });
    expect(states.ArrangeShipment.TimeoutSeconds).toBe(30);
    expect(retryAll('SendNotification')).toMatchObject({ MaxAttempts: 2 });
    expect(states.SendNotification.Catch[0].Next).toBe('NotificationFailed');
    expect(states.SendNotification.Next).toBe('ScheduleDelivery');
    expect(states.NotificationFailed.Next).toBe('ScheduleDelivery');
    expect(states.OrderCompleted.Type).toBe('Succeed');
    for (const state of Object.values(states) as Json[]) {
      if (state.Type === 'Task') expect(state.Resource).toBe(PLACEHOLDER);
    }
  });
});

describe('API Gateway', () => {
  const api = () => logicalId(mod.ordersStack, mod.cloud.api);
  /** Full path of each AWS::ApiGateway::Resource, from the PathPart chain. */
  const paths = (): Map<string, string> => {
    const out = new Map<string, string>();
    const rootId = (id: string): string => {
      const r = resources[id]!.Properties;
      const parent = r.ParentId['Fn::GetAtt'] ? '' : rootId(r.ParentId.Ref);
      return `${parent}/${r.PathPart}`;
    };
    for (const [id] of ofType('AWS::ApiGateway::Resource')) out.set(id, rootId(id));
    return out;
  };
  const methods = () =>
    ofType('AWS::ApiGateway::Method')
      .filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS')
      .map(([, m]) => ({ ...m.Properties, path: paths().get(m.Properties.ResourceId.Ref) ?? '/' }) as Json);

  it('declares exactly the seed routes plus GET /products, cancel, payment retry, refund, the account and the staff note, each a Lambda proxy to app-server', () => {
    const expected = (Object.keys(ROUTES) as (keyof typeof ROUTES)[])
      .flatMap((route) => ROUTE_METHODS[route].map((method) => `${method} ${ROUTES[route]}`))
      .sort();
    expect(expected).toEqual([
      'DELETE /me',
      'GET /health',
      'GET /me/export',
      'GET /orders',
      'GET /orders/{orderId}',
      'GET /orders/{orderId}/note',
      'GET /products',
      'POST /orders',
      'POST /orders/{orderId}/cancel',
      'POST /orders/{orderId}/note',
      'POST /orders/{orderId}/payment',
      'POST /orders/{orderId}/refund',
      'GET /products/{productId}/stock',
      'PUT /products/{productId}/stock',
      'GET /stats',
    ].sort());
    expect(methods().map((m) => `${m.HttpMethod} ${m.path}`).sort()).toEqual(expected);
    for (const m of methods()) {
      expect(m.Integration.Type).toBe('AWS_PROXY');
      expect(m.Integration.IntegrationHttpMethod).toBe('POST');
      expect(JSON.stringify(m.Integration.Uri)).toContain(fnId('appServer'));
      expect(m.RequestValidatorId).toEqual({ Ref: logicalId(mod.ordersStack, mod.cloud.requestValidator) });
    }
    const order = methods().find((m) => m.path === '/orders/{orderId}')!;
    expect(order.RequestParameters).toEqual({ 'method.request.path.orderId': true });
    // Each method may invoke app-server, and only on its own route (the other permission is the
    // recovery schedule's, checked under "recovery job").
    const apiPermissions = ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === 'apigateway.amazonaws.com');
    expect(apiPermissions).toHaveLength(expected.length);
    for (const [, p] of apiPermissions) expect(p.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [fnId('appServer'), 'Arn'] });
    expect(ofType('AWS::Lambda::Permission')).toHaveLength(expected.length + 1);
  });

  it('validates POST /orders with the JSON-schema model generated from createOrderRequestSchema', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const post = methods().find((m) => m.HttpMethod === 'POST')!;
    const [modelId, model] = ofType('AWS::ApiGateway::Model')[0]!;
    expect(post.RequestModels).toEqual({ 'application/json': { Ref: modelId } });
    const schema = model.Properties.Schema as Json;
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    const { schema: version, ...rest } = requestModelSchema(createOrderRequestSchema, 'CreateOrderRequest');
    expect(version).toBe(schema.$schema);
    expect({ ...schema, $schema: undefined }).toEqual({ ...rest, $schema: undefined });
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['customerName', 'items', 'shippingAddress']));
    // The customer comes from the token: the body may leave it out.
    expect(schema.required).not.toContain('customerId');
  });

  it('stage: the sandbox’s throttle (a setting), access logs, execution logs, no per-method metrics, tracing', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      RestApiId: { Ref: api() },
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"sub":"\\$context.authorizer.claims.sub"') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: API_THROTTLE_DEFAULTS.sandbox.rateLimit,
          ThrottlingBurstLimit: API_THROTTLE_DEFAULTS.sandbox.burstLimit,
          LoggingLevel: 'ERROR',
          MetricsEnabled: false,
          DataTraceEnabled: false,
        }),
      ],
    });
    // The account-wide logging role is a one-time account setup, never part of a deployment.
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('CORS: preflight on every route with the shared allowed headers; gateway errors carry CORS', () => {
    const options = ofType('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS');
    // Every route, the root, and /products/{productId} (on the way to its stock).
    expect(options.length).toBe(Object.keys(ROUTES).length + 2);
    for (const [, m] of options) {
      const params = m.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      expect(params['method.response.header.Access-Control-Allow-Headers']).toBe(`'${CORS_ALLOWED_HEADERS.join(',')}'`);
      expect(params['method.response.header.Access-Control-Allow-Origin']).toBe("'*'");
    }
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
      });
    }
  });
});

describe('storefront hosting', () => {
  it('private, encrypted, SSL-only bucket; a sandbox keeps no access logs (nothing left behind)', () => {
    const site = resources[logicalId(mod.ordersStack, mod.cloud.siteBucket)]!.Properties;
    expect(site.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(site.BucketEncryption).toBeDefined();
    // This synthesis is a sandbox: no log bucket (branches: tests/cloud/deployments.test.ts).
    expect(mod.cloud.accessLogBucket).toBeUndefined();
    expect(site.LoggingConfiguration).toBeUndefined();
    expect(ofType('AWS::S3::Bucket')).toHaveLength(1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(mod.ordersStack, mod.cloud.siteBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
        ]),
      },
    });
  });

  it('CloudFront: origin access control, HTTPS only, page fallback, the API on the same origin, security headers', async () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: Match.anyValue() }],
        }),
        // Error responses would rewrite the API's 403s and 404s too.
        CustomErrorResponses: Match.absent(),
        Logging: Match.absent(),
      }),
    });
    const [, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
    const config = distribution.Properties.DistributionConfig as Json;
    const api = (config.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/prod/*')!;
    // Every method, nothing cached (CachingDisabled), every viewer header but Host (AllViewerExceptHostHeader).
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    const apiOrigin = (config.Origins as Json[]).find((o) => o.Id === api.TargetOriginId)!;
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    // The catalog with its stock: the same origin, cached at the edge as its Cache-Control says
    // (CachingOptimized: no viewer header, cookie or query string in the key, none forwarded), GET only,
    // matched before /prod/* (CloudFront takes the first behavior that matches).
    const paths = (config.CacheBehaviors as Json[]).map((b) => b.PathPattern);
    expect(paths.indexOf('/prod/products')).toBeGreaterThanOrEqual(0);
    expect(paths.indexOf('/prod/products')).toBeLessThan(paths.indexOf('/prod/*'));
    const catalog = (config.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/prod/products')!;
    expect(catalog).toMatchObject({
      TargetOriginId: api.TargetOriginId,
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
    });
    expect(catalog.OriginRequestPolicyId).toBeUndefined();
    expect(catalog.FunctionAssociations).toBeUndefined();
    expect(apiOrigin.OriginPath ?? '').toBe('');
    // The page fallback: addresses without an extension get index.html, files stay files.
    const { PAGE_FALLBACK_FUNCTION } = await import('../../amplify/cloud/storefront-edge.ts');
    const handler = new Function(`${PAGE_FALLBACK_FUNCTION}; return handler;`)() as (e: Json) => Json;
    const uriOf = (uri: string) => handler({ request: { uri } }).uri;
    expect([uriOf('/orders/abc'), uriOf('/'), uriOf('/assets/index-abc.js'), uriOf('/favicon.svg'), uriOf('/x/y.json')]).toEqual([
      '/index.html',
      '/index.html',
      '/assets/index-abc.js',
      '/favicon.svg',
      '/x/y.json',
    ]);
    // A sandbox has no WAF, so no viewer-IP function (a branch's: tests/cloud/deployments.test.ts).
    expect(api.FunctionAssociations).toBeUndefined();
    // The CSP: the API is 'self' now; no execute-api host.
    const [, headersPolicy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const csp = JSON.stringify(headersPolicy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy);
    expect(csp).not.toContain('execute-api');
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentSecurityPolicy: Match.objectLike({ Override: true }),
          ReferrerPolicy: Match.objectLike({ ReferrerPolicy: 'strict-origin-when-cross-origin' }),
          // Deprecated, and a decision of the domain's owner: neither is sent.
          XSSProtection: Match.absent(),
        }),
      }),
    });
    const [, policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity.Preload).toBe(false);
  });

  it('deploys the storefront’s runtime amplify_outputs.json (and dist/ when built) with its caching, then invalidates', () => {
    const deployments = ofType('Custom::CDKBucketDeployment').map(([, d]) => d.Properties as Json);
    const built = existsSync(join(PROJECT_ROOT, 'dist/index.html'));
    expect(deployments).toHaveLength(built ? 3 : 1);
    for (const d of deployments) {
      expect(d).toMatchObject({ DestinationBucketName: { Ref: logicalId(mod.ordersStack, mod.cloud.siteBucket) }, Prune: false });
    }
    // The page and its configuration: revalidated by browsers, the one deployment that invalidates.
    const deploymentId = (deployment: typeof mod.cloud.deployment) =>
      logicalId(mod.ordersStack, deployment.node.findAll().find((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === 'Custom::CDKBucketDeployment')!);
    const pages = resources[deploymentId(mod.cloud.deployment)]!;
    expect(pages.Properties).toMatchObject({
      DistributionPaths: ['/*'],
      Exclude: ['*'],
      Include: ['index.html', 'amplify_outputs.json'],
      SystemMetadata: { 'cache-control': 'public, max-age=0, must-revalidate, s-maxage=31536000' },
    });
    expect(JSON.stringify(pages.Properties.SourceMarkers)).toContain(logicalId(mod.ordersStack, mod.cloud.distribution));
    expect(pages.Properties.SourceObjectKeys).toHaveLength(built ? 2 : 1);
    expect(deployments.filter((d) => d.DistributionPaths)).toHaveLength(1);
    if (built) {
      // Hashed bundles for a year, other files a day; both in place before the page that names them.
      const cacheOf = (d: Json) => d.SystemMetadata['cache-control'];
      expect(deployments.map(cacheOf).sort()).toEqual(['public, max-age=0, must-revalidate, s-maxage=31536000', 'public, max-age=31536000, immutable', 'public, max-age=86400']);
      expect(pages.DependsOn).toEqual(expect.arrayContaining(mod.cloud.storefront.deployments.slice(0, 2).map(deploymentId)));
    }
  });
});

describe('alarms and dashboard', () => {
  const alarm = (a: { node: { defaultChild?: unknown } }) => resources[logicalId(mod.ordersStack, a)]!.Properties as Json;
  const alarmTopic = () => ({ Ref: logicalId(mod.ordersStack, mod.cloud.alarmTopic) });

  it('the seed’s four alarms, two on the order queue, two on the recovery job, all notifying the alarm topic', () => {
    const m = mod.cloud.monitoring;
    // The seed's DynamoDB alarm is one per table, or more where a table has more metrics than a
    // math alarm evaluates (10): the orders table with its five indexes has 12; then the
    // idempotency, stock and stats tables, one each; the low-stock alarm and the failed counter writes' alarm.
    const throttleAlarms = Math.ceil((2 * (ORDERS_TABLE_INDEXES.length + 1)) / MAX_METRICS_PER_ALARM) + 3;
    // Beside them: Lambda errors, API 5XX, workflow failures, the order queue's age and DLQ, the
    // recovery job's two, low stock, failed counter writes and live status's lost publishes (issue 26).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10 + throttleAlarms);
    expect(m.alarms).toHaveLength(10 + throttleAlarms);

    const lambda = alarm(m.lambdaErrors);
    expect(lambda).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    const errorMetrics = (lambda.Metrics as Json[]).filter((x) => x.MetricStat);
    expect(errorMetrics.map((x) => x.MetricStat.Metric.MetricName)).toEqual(['Errors', 'Errors', 'Errors', 'Errors']);
    // Summed over every function, the recovery job included.
    expect(errorMetrics.map((x) => x.MetricStat.Metric.Dimensions[0].Value).sort()).toEqual(
      (Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]).map((key) => ({ Ref: fnId(key) })).sort((a, b) => a.Ref.localeCompare(b.Ref)),
    );
    expect(errorMetrics.every((x) => x.MetricStat.Period === 300)).toBe(true);

    const api = alarm(m.api5xx);
    expect(api).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    const apiExpr = (api.Metrics as Json[]).find((x) => x.Expression)!;
    expect(apiExpr.Expression).toContain('100 * errors / requests');
    expect((api.Metrics as Json[]).filter((x) => x.MetricStat).every((x) => x.MetricStat.Period === 300)).toBe(true);

    const throttles = m.dynamoThrottles.map(alarm);
    expect(throttles).toHaveLength(throttleAlarms);
    for (const t of throttles) expect(t).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(throttles.flatMap((t) => (t.Metrics as Json[]).filter((x) => x.MetricStat).map((x) => x.MetricStat.Metric.MetricName)).sort()).toEqual(
      // The four tables and each of the orders table's indexes (tests/cloud/deployments.test.ts checks which).
      [...Array(ORDERS_TABLE_INDEXES.length + 4).fill('ReadThrottleEvents'), ...Array(ORDERS_TABLE_INDEXES.length + 4).fill('WriteThrottleEvents')],
    );

    // Failed, timed-out (Express stops at 5 minutes) and aborted executions, together.
    const workflow = alarm(m.workflowFailures);
    expect(workflow).toMatchObject({ Threshold: 3, ComparisonOperator: 'GreaterThanThreshold' });
    expect((workflow.Metrics as Json[]).find((x) => x.Expression)!.Expression).toBe('FILL(w0, 0) + FILL(w1, 0) + FILL(w2, 0)');
    expect((workflow.Metrics as Json[]).filter((x) => x.MetricStat).map((x) => [x.MetricStat.Metric.Namespace, x.MetricStat.Metric.MetricName, x.MetricStat.Period, x.MetricStat.Stat])).toEqual([
      ['AWS/States', 'ExecutionsFailed', 600, 'Sum'],
      ['AWS/States', 'ExecutionsTimedOut', 600, 'Sum'],
      ['AWS/States', 'ExecutionsAborted', 600, 'Sum'],
    ]);
    expect(alarm(m.deadLetterMessages)).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarm(m.recoveryGaveUp)).toMatchObject({
      Namespace: `OrderPlatform/${mod.deploymentName}`,
      MetricName: 'OrdersRecoveryGaveUp',
      Dimensions: [{ Name: 'service', Value: `${mod.deploymentName}/${FUNCTIONS.recoverOrders.name}` }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // Low stock: any product at or under the threshold, as the recovery job counts them.
    expect(alarm(m.lowStock)).toMatchObject({
      AlarmName: `${mod.deploymentName}-low-stock`,
      Namespace: `OrderPlatform/${mod.deploymentName}`,
      MetricName: METRICS.stock.lowStockProducts,
      Dimensions: [{ Name: 'service', Value: `${mod.deploymentName}/${FUNCTIONS.recoverOrders.name}` }],
      Period: 900,
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    // A failed per-day counter write, in either function that counts (summed, a missing one as 0).
    const statsAlarm = alarm(m.statsCountFailed);
    expect(statsAlarm).toMatchObject({ AlarmName: `${mod.deploymentName}-stats-count-failed`, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect(statsAlarm.AlarmDescription).toContain('reconcile:stats');
    expect((statsAlarm.Metrics as Json[]).find((x) => x.Expression)!.Expression).toBe('FILL(s0, 0) + FILL(s1, 0)');
    expect((statsAlarm.Metrics as Json[]).filter((x) => x.MetricStat).map((x) => [x.MetricStat.Metric.Namespace, x.MetricStat.Metric.MetricName, x.MetricStat.Metric.Dimensions, x.MetricStat.Period, x.MetricStat.Stat])).toEqual(
      [FUNCTIONS.appServer.name, FUNCTIONS.processOrder.name].map((fn) => [
        `OrderPlatform/${mod.deploymentName}`,
        METRICS.stats.countFailed,
        [{ Name: 'service', Value: `${mod.deploymentName}/${fn}` }],
        300,
        'Sum',
      ]),
    );
    expect(alarm(m.recoveryFailing)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId('recoverOrders') } }],
      Period: 900,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    for (const a of m.alarms) expect(alarm(a).AlarmActions).toEqual([alarmTopic()]);
  });

  it('a dashboard with API, Lambda, queue, workflow and DynamoDB metrics', () => {
    const [, dashboard] = ofType('AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['Count', '5XXError', 'Latency', 'Invocations', 'Errors', 'Duration', 'ApproximateNumberOfMessagesVisible', 'ExecutionsFailed', 'ConsumedReadCapacityUnits', 'OrdersReenqueued', 'OrdersRestarted', 'OrdersRecoveryGaveUp', 'FailedInvocations']) {
      expect(body).toContain(metric);
    }
  });
});

describe('live order status (issue 26): AppSync Events', () => {
  const roleOf = (key: keyof typeof FUNCTIONS) => logicalId(mod.ordersStack, mod.backend[key].resources.lambda.role!);
  const policiesWith = (action: string) =>
    ofType('AWS::IAM::Policy').filter(([, p]) => (p.Properties.PolicyDocument.Statement as Json[]).some((st) => [st.Action].flat().some((a: string) => a.startsWith(action))));

  it('one Event API: user pool auth to connect and subscribe, IAM to publish; a name unique per deployment within 50 characters', () => {
    const apis = ofType('AWS::AppSync::Api');
    expect(apis).toHaveLength(1);
    const [, api] = apis[0]!;
    expect(api.Properties.Name.length).toBeLessThanOrEqual(EVENT_API_NAME_MAX_LENGTH);
    const config = api.Properties.EventConfig as Json;
    expect(config.AuthProviders).toEqual(
      expect.arrayContaining([
        { AuthType: 'AMAZON_COGNITO_USER_POOLS', CognitoConfig: expect.objectContaining({ UserPoolId: expect.anything() }) },
        { AuthType: 'AWS_IAM' },
      ]),
    );
    expect(JSON.stringify(config.AuthProviders)).toContain('UserPool');
    expect(config.ConnectionAuthModes).toEqual([{ AuthType: LIVE_AUTHORIZATION_TYPE }]);
    expect(config.DefaultSubscribeAuthModes).toEqual([{ AuthType: LIVE_AUTHORIZATION_TYPE }]);
    expect(config.DefaultPublishAuthModes).toEqual([{ AuthType: 'AWS_IAM' }]);
  });

  it('the orders namespace runs the bundled onSubscribe handler (the one the local stand-in runs); publish IAM, subscribe user pool', () => {
    const namespaces = ofType('AWS::AppSync::ChannelNamespace');
    expect(namespaces).toHaveLength(1);
    const [, namespace] = namespaces[0]!;
    expect(namespace.Properties.Name).toBe(LIVE_NAMESPACE);
    expect(namespace.Properties.CodeHandlers).toBe(bundleOrdersChannelHandler());
    expect(namespace.Properties.CodeHandlers).toContain('export {\n  onSubscribe\n}');
    expect(namespace.Properties.SubscribeAuthModes).toEqual([{ AuthType: LIVE_AUTHORIZATION_TYPE }]);
    expect(namespace.Properties.PublishAuthModes).toEqual([{ AuthType: 'AWS_IAM' }]);
  });

  it('appsync:EventPublish for app-server and process-order only, on this namespace only; nobody may subscribe or connect with IAM', () => {
    const publishing = policiesWith('appsync:');
    const roles = publishing.flatMap(([, p]) => (p.Properties.Roles as Json[]).map((r) => r.Ref)).sort();
    expect(roles).toEqual([roleOf('appServer'), roleOf('processOrder')].sort());
    for (const [, policy] of publishing) {
      const statements = (policy.Properties.PolicyDocument.Statement as Json[]).filter((st) => [st.Action].flat().some((a: string) => a.startsWith('appsync:')));
      expect(statements).toHaveLength(1);
      expect([statements[0]!.Action].flat()).toEqual(['appsync:EventPublish']);
      const resource = JSON.stringify(statements[0]!.Resource);
      expect(resource).toContain(`channelNamespace/${LIVE_NAMESPACE}`);
      expect(resource).toContain(logicalId(mod.ordersStack, mod.cloud.liveUpdates.api));
    }
  });

  it('both publishers know where to publish; the storefront gets custom.events and may connect to the API (CSP)', () => {
    const url = mod.ordersStack.resolve(mod.cloud.liveUpdates.httpUrl) as Json;
    for (const key of ['appServer', 'processOrder'] as const) {
      expect((resources[fnId(key)]!.Properties as Json).Environment.Variables[ENV.liveEventsUrl]).toEqual(url);
    }
    const events = mod.ordersStack.resolve(mod.cloud.clientOutputs.custom.events) as Json;
    expect(events).toEqual({ url, aws_region: expect.anything(), default_authorization_type: 'AMAZON_COGNITO_USER_POOLS' });
    expect(JSON.stringify(url)).toContain('/event');
    const outputs = JSON.stringify((rootTemplate.toJSON().Outputs as Json).customOutputs.Value);
    expect(outputs).toContain('\\"events\\":{\\"url\\":\\"https://');
    expect(outputs).toContain('\\"default_authorization_type\\":\\"AMAZON_COGNITO_USER_POOLS\\"');
    const [, headers] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const csp = JSON.stringify(headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy);
    expect(csp).toContain('wss://');
    expect(csp).toContain('Dns.Realtime');
    expect(csp).toContain('Dns.Http');
  });

  it('an alarm when live status events are lost, summed over both publishers', () => {
    const alarm = resources[logicalId(mod.ordersStack, mod.cloud.monitoring.liveUpdatesFailed)]!.Properties as Json;
    const metrics = (alarm.Metrics as Json[]).filter((x) => x.MetricStat).map((x) => x.MetricStat.Metric);
    expect(metrics.map((m) => m.MetricName)).toEqual([METRICS.liveUpdates.publishFailed, METRICS.liveUpdates.publishFailed]);
    expect(metrics.map((m) => m.Dimensions[0].Value).sort()).toEqual([`${mod.deploymentName}/${FUNCTIONS.appServer.name}`, `${mod.deploymentName}/${FUNCTIONS.processOrder.name}`].sort());
    expect(alarm).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: logicalId(mod.ordersStack, mod.cloud.alarmTopic) }] });
  });
});

describe('amplify_outputs.json', () => {
  it('carries custom.API.<API_NAME> (endpoint, region, apiName) and the storefront URL', () => {
    const outputs = rootTemplate.toJSON().Outputs as Json;
    const text = JSON.stringify(outputs.customOutputs.Value);
    expect(text).toContain(`{\\"custom\\":{\\"API\\":{\\"${API_NAME}\\":{\\"endpoint\\":\\"https://`);
    expect(text).toContain(`\\"apiName\\":\\"${API_NAME}\\"`);
    expect(text).toContain('\\"storefrontUrl\\":\\"https://');
    // The API on the storefront's own origin (no preflight): the distribution's domain and the stage.
    const custom = mod.ordersStack.resolve(mod.cloud.clientOutputs.custom) as Json;
    expect(JSON.stringify(custom.API[API_NAME].endpoint)).toBe(JSON.stringify(mod.ordersStack.resolve(`${mod.cloud.storefrontUrl}/prod/`)));
    expect(text).not.toContain('.execute-api.');
  });
});

describe('local runtime and template agree', () => {
  it('same table keys and index as amplify/server/settings/tables.ts', () => {
    const orders = resources[logicalId(mod.ordersStack, mod.cloud.ordersTable)]!.Properties;
    expect(orders.KeySchema).toEqual([{ AttributeName: ORDERS_TABLE.partitionKey, KeyType: 'HASH' }]);
    // Exactly the indexes (names, keys, projections) the local runtime creates.
    const localOrders = LOCAL_TABLES.find((t) => t.TableName === ORDERS_TABLE.localName)!;
    const shape = (g: Json) => ({ name: g.IndexName, keys: g.KeySchema, projection: g.Projection });
    expect(orders.GlobalSecondaryIndexes.map(shape)).toEqual(localOrders.GlobalSecondaryIndexes!.map(shape));
    expect(orders.GlobalSecondaryIndexes.map((g: Json) => g.IndexName)).toEqual([
      ORDERS_TABLE.customerIndex.name,
      ORDERS_TABLE.openOrdersIndex.name,
      ORDERS_TABLE.statusIndex.name,
      ORDERS_TABLE.orderNumberIndex.name,
      ORDERS_TABLE.customerEmailIndex.name,
    ]);
    const idem = resources[logicalId(mod.ordersStack, mod.cloud.idempotencyTable)]!.Properties;
    expect(idem.KeySchema).toEqual([{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }]);
    expect(idem.TimeToLiveSpecification.AttributeName).toBe(IDEMPOTENCY_TABLE.ttlAttribute);
    // The stock table: the local runtime's keys, on-demand, no index.
    const stock = resources[logicalId(mod.ordersStack, mod.cloud.stockTable)]!.Properties;
    expect(stock.KeySchema).toEqual(LOCAL_TABLES.find((t) => t.TableName === STOCK_TABLE.localName)!.KeySchema);
    expect(stock.KeySchema).toEqual([
      { AttributeName: STOCK_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: STOCK_TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(stock.BillingMode).toBe('PAY_PER_REQUEST');
    expect(stock.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('the running local queues have the template’s settings (read from the stand-in)', async () => {
    const { GetQueueAttributesCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    const { startMessaging } = await import('../../local/messaging/messaging.ts');
    const { LOCAL_AWS } = await import('../../local/shared/aws.ts');
    const messaging = await startMessaging(0);
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: messaging.endpoint });
    try {
      const attributes = async (QueueUrl: string) =>
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
      const local = await attributes(messaging.queueUrl);
      const localDlq = await attributes(messaging.dlqUrl);
      const queue = resources[logicalId(mod.ordersStack, mod.cloud.queue)]!.Properties;
      const dlq = resources[logicalId(mod.ordersStack, mod.cloud.deadLetterQueue)]!.Properties;
      const settings = (q: { visibility: unknown; retention: unknown; wait: unknown; maxReceives: unknown }) => ({
        visibility: Number(q.visibility),
        retention: Number(q.retention),
        wait: Number(q.wait),
        maxReceives: Number(q.maxReceives),
      });
      const cloud = settings({
        visibility: queue.VisibilityTimeout,
        retention: queue.MessageRetentionPeriod,
        wait: queue.ReceiveMessageWaitTimeSeconds,
        maxReceives: queue.RedrivePolicy.maxReceiveCount,
      });
      const running = settings({
        visibility: local.VisibilityTimeout,
        retention: local.MessageRetentionPeriod,
        wait: local.ReceiveMessageWaitTimeSeconds,
        maxReceives: JSON.parse(local.RedrivePolicy ?? '{}').maxReceiveCount,
      });
      // The seed's 300 s, 14 days and 20 s; 5 receives before the DLQ.
      expect(cloud).toEqual({ visibility: 300, retention: 1_209_600, wait: 20, maxReceives: 5 });
      expect(running).toEqual(cloud);
      expect(JSON.parse(local.RedrivePolicy!).deadLetterTargetArn).toBe(localDlq.QueueArn);
      expect(Number(localDlq.MessageRetentionPeriod)).toBe(dlq.MessageRetentionPeriod);
    } finally {
      sqs.destroy();
      await messaging.stop();
    }
  });

  it('the deployed workflow is the one the local runtime runs (renderWorkflow of the same ASL)', () => {
    const raw = resources[logicalId(mod.ordersStack, mod.cloud.stateMachine)]!.Properties.DefinitionString;
    const PLACEHOLDER = '<process-order-arn>';
    const parts: unknown[] = typeof raw === 'string' ? [raw] : raw['Fn::Join'][1];
    const deployed = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : PLACEHOLDER)).join(''));
    expect(deployed).toEqual(JSON.parse(renderWorkflow(PLACEHOLDER)));
    // And apart from the Task resources, it is the ASL file itself.
    const strip = (d: Json) => JSON.parse(JSON.stringify(d).replaceAll(/"Resource":"[^"]*"/g, '"Resource":""'));
    expect(strip(deployed)).toEqual(strip(WORKFLOW_DEFINITION));
  });
});

describe('accounts: the Cognito authorizer, and the local one agrees', () => {
  const authTemplate = () => Template.fromStack(Stack.of(mod.backend.auth.resources.userPool));
  const httpMethods = () =>
    Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod !== 'OPTIONS')
      .map(([, r]) => r.Properties);
  const pathOf = (resourceRef: Json): string => {
    const id = resourceRef?.Ref as string | undefined;
    if (!id) return '';
    const r = resources[id]!.Properties;
    return `${pathOf(r.ParentId)}/${r.PathPart}`;
  };

  it('one COGNITO_USER_POOLS authorizer on the Amplify user pool, reading the header the local authorizer reads', () => {
    const authorizers = ofType('AWS::ApiGateway::Authorizer');
    expect(authorizers).toHaveLength(1);
    const props = authorizers[0]![1].Properties;
    expect(props.Type).toBe('COGNITO_USER_POOLS');
    expect(props.IdentitySource).toBe(AUTH_TOKEN.identitySource);
    expect(props.IdentitySource).toBe(`method.request.header.${AUTH_TOKEN.header}`);
    expect(JSON.stringify(props.ProviderARNs)).toMatch(/UserPool/);
  });

  it("every /orders method requires it but a guest's four (checked in app-server); /health and /products stay public; preflights stay open", () => {
    const all = httpMethods();
    expect(all.length).toBe(Object.values(ROUTE_METHODS).flat().length);
    const guests = all.filter((m) => methodAccess((Object.keys(ROUTES) as (keyof typeof ROUTES)[]).find((k) => ROUTES[k] === pathOf(m.ResourceId))!, m.HttpMethod) === 'signedInOrGuest');
    expect(guests.map((m) => `${m.HttpMethod} ${pathOf(m.ResourceId)}`).sort()).toEqual([
      'GET /orders/{orderId}',
      'POST /orders',
      'POST /orders/{orderId}/cancel',
      'POST /orders/{orderId}/payment',
    ]);
    for (const m of all) {
      const path = pathOf(m.ResourceId);
      const route = (Object.keys(ROUTES) as (keyof typeof ROUTES)[]).find((k) => ROUTES[k] === path)!;
      expect(route, path).toBeDefined();
      const access = methodAccess(route, m.HttpMethod);
      const signedIn = access === 'signedIn';
      expect(access === 'public', `${m.HttpMethod} ${path}`).toBe(!path.startsWith('/orders') && !path.startsWith('/me') && path !== ROUTES.productStock && path !== ROUTES.stats);
      expect(m.AuthorizationType, `${m.HttpMethod} ${path}`).toBe(signedIn ? 'COGNITO_USER_POOLS' : 'NONE');
      if (signedIn) expect(m.AuthorizerId, `${m.HttpMethod} ${path}`).toEqual({ Ref: ofType('AWS::ApiGateway::Authorizer')[0]![0] });
      // The local authorizer guards exactly the methods the cloud one does.
      expect(requiresSignIn(path.replace(/\{\w+\}/, '6f1c1a52-3f0e-4c59-9d1a-0b9d5c8e7a11'), m.HttpMethod), `${m.HttpMethod} ${path}`).toBe(signedIn);
      expect(requiresSignIn(path, 'OPTIONS')).toBe(false);
    }
    for (const [, r] of ofType('AWS::ApiGateway::Method').filter(([, r]) => r.Properties.HttpMethod === 'OPTIONS')) {
      expect(r.Properties.AuthorizationType).toBe('NONE');
    }
  });

  it('answers a refused token with the same 401 body and CORS header as the local authorizer', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: Match.absent(),
      ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
      ResponseTemplates: { 'application/json': JSON.stringify(UNAUTHORIZED_BODY) },
    });
  });

  it('the user pool: e-mail sign-in with verification by code, the ADMINS group, the app client with the sign-in flow the storefront and the local pool use', () => {
    const auth = authTemplate();
    auth.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      VerificationMessageTemplate: Match.objectLike({ DefaultEmailOption: 'CONFIRM_WITH_CODE' }),
      // The saved checkout details (src/lib/saved-checkout.ts): a mutable custom string of at most
      // 2,048 characters, Cognito's limit. Cognito adds the `custom:` prefix.
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'checkout', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: '2048' } }),
      ]),
    });
    auth.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: STAFF_GROUP });
    auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith([`ALLOW_${SIGN_IN_FLOW}`, 'ALLOW_REFRESH_TOKEN_AUTH']),
    });
    // The signed-in customer reads every attribute and writes only CLIENT_WRITE_ATTRIBUTES (the
    // e-mail and the saved checkout details; never email_verified: tests/helpers/account-scenarios.ts).
    const clients = Object.values(auth.findResources('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(1);
    expect(clients[0]!.Properties.ReadAttributes).toBeUndefined();
    expect(clients[0]!.Properties.WriteAttributes).toEqual([...CLIENT_WRITE_ATTRIBUTES]);
    auth.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: false });
  });

  it('the storefront’s deployed amplify_outputs.json carries the user pool and app client', () => {
    const markers = JSON.stringify(ofType('Custom::CDKBucketDeployment').map(([, d]) => d.Properties.SourceMarkers));
    const inputs = Object.keys(template.toJSON().Parameters ?? {});
    const poolId = inputs.find((p) => /UserPool[A-Z0-9]*Ref$/.test(p) && !/Client/.test(p));
    const clientId = inputs.find((p) => /AppClient[A-Z0-9]*Ref$/.test(p));
    expect(poolId && clientId).toBeTruthy();
    expect(markers).toContain(`"Ref":"${poolId}"`);
    expect(markers).toContain(`"Ref":"${clientId}"`);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('leaves no unacknowledged finding, and every acknowledgement gives a reason', async () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(findings).toEqual([]);
    const { ACKNOWLEDGED } = await import('../../amplify/cloud/nag.ts');
    expect(ACKNOWLEDGED.length).toBeGreaterThan(0);
    for (const ack of ACKNOWLEDGED) expect(ack.reason.length, ack.id).toBeGreaterThan(40);
    // What the synthesized constructs carry (`aws:cdk:acknowledged-rules`), not the side list: each with its reason.
    const onConstructs = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ path: c.node.path, ...(m.data as Record<string, string>) })))
      .flatMap(({ path, ...rules }) => Object.entries(rules).map(([id, reason]) => ({ path, id, reason })));
    expect(onConstructs.length).toBeGreaterThanOrEqual(ACKNOWLEDGED.length);
    for (const ack of onConstructs) expect(String(ack.reason).trim().length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
    // The recovery job has no wildcard beyond X-Ray's (no DescribeExecution on execution names any more).
    const recoveryRole = mod.backend.recoverOrders.resources.lambda.role!.node.path;
    expect(ACKNOWLEDGED.filter((a) => a.path === recoveryRole && a.id.startsWith('AwsSolutions-IAM5')).map((a) => a.id)).toEqual([
      'AwsSolutions-IAM5[Resource::*]', // X-Ray only (checked in tests/cloud/deployments.test.ts)
    ]);
    // process-order's one wildcard beyond X-Ray's: the names of the schedules in its delivery group.
    const processOrderRole = mod.backend.processOrder.resources.lambda.role!.node.path;
    expect(ACKNOWLEDGED.filter((a) => a.path === processOrderRole && a.id.startsWith('AwsSolutions-IAM5')).map((a) => a.id)).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${mod.cloud.workflow.scheduleGroup.scheduleGroupName}/*]`,
    ]);
  });
});

describe('X-Ray sampling', () => {
  it("one rule: 5% of this deployment's API requests, matched by the stage's ARN, no reservoir, and the cost model prices it", async () => {
    const { readCloudConfig } = await import('../../bench/cloud-config.ts');
    const rules = ofType('AWS::XRay::SamplingRule').map(([, r]) => r.Properties.SamplingRule as Json);
    // Rules are an account-wide quota (25 per account and region): one per deployment.
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      ReservoirSize: 0,
      FixedRate: 0.05,
      Priority: 1000,
      HTTPMethod: '*',
      URLPath: '*',
      Version: 1,
      // The stage by ARN: no name of ours (which carries the deployment's, and overflowed 64 characters).
      ServiceName: '*',
      ServiceType: 'AWS::ApiGateway::Stage',
      ResourceARN: mod.ordersStack.resolve(mod.cloud.api.deploymentStage.stageArn),
    });
    expect(JSON.stringify(rules[0]!.ResourceARN)).toContain(':apigateway:');
    expect(JSON.stringify(rules[0]!.ResourceARN)).toContain('/stages/');
    // The state machine keeps tracing and follows the decision order-starter hands it.
    expect(resources[logicalId(mod.ordersStack, mod.cloud.stateMachine)]!.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(rules[0]!.RuleName.length).toBeLessThanOrEqual(32);
    expect(readCloudConfig(PROJECT_ROOT, {}).xraySampling).toMatchObject({ reservoirPerSecond: 0, fixedRate: 0.05 });
  });
});

describe('temporary folders', () => {
  // Last in the file: removes the cloud assembly and checks nothing else was left behind.
  it('synthesis leaves nothing behind once its cloud assembly is removed', () => {
    expect(app.outdir.startsWith(SYNTH_TMP)).toBe(true);
    rmSync(app.outdir, { recursive: true, force: true });
    // Node 22's own module compile cache (`node-compile-cache`, made by the tools' loaders) is not synthesis output.
    expect(readdirSync(SYNTH_TMP).filter((name) => name !== 'node-compile-cache')).toEqual([]);
    // Nor does the in-process synthesis write into the project (only `npm run synth` does).
    if (!HAD_CDK_OUT) expect(existsSync(join(PROJECT_ROOT, 'cdk.out'))).toBe(false);
  });
});
