/**
 * "Safe to deploy" (issues 11 and 20): a sandbox and a branch deployment of `amplify/backend.ts`,
 * each synthesized offline (as `ampx` would, cycle detection on) with long but legal names, checked
 * for what only goes wrong in a real account beside other deployments: names over AWS's limits,
 * account quotas, names shared between deployments or regions, data lost or left behind.
 * One synthesis per deployment for the whole file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App, CfnResource, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALARMS, MAX_METRICS_PER_ALARM } from '../../amplify/cloud/alarm-kit.ts';
import { offlineSynthContext, SETTINGS } from '../../amplify/cloud/settings.ts';
import { TOKEN_LIFETIMES } from '../../amplify/domain/auth.ts';
import { API_INTEGRATION_TIMEOUT_SECONDS, FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { ORDER_QUEUE } from '../../amplify/server/settings/pipeline.ts';
import { ORDERS_TABLE, ORDERS_TABLE_INDEXES } from '../../amplify/server/settings/tables.ts';
import { VIEWER_IP_HEADER } from '../../amplify/server/settings/api.ts';
import { ENV, metricsNamespace, metricsServiceName } from '../../amplify/server/environment.ts';
import { VIEWER_IP_FUNCTION } from '../../amplify/cloud/storefront-edge.ts';
import { WAF_RULES } from '../../amplify/cloud/waf.ts';
import { ACCOUNT_SCENARIOS } from '../helpers/account-scenarios.ts';
import { ACCOUNT_QUOTAS, namesOf, perDeployment } from '../helpers/deploy-limits.ts';

type Backend = typeof import('../../amplify/backend.ts');
type Nag = typeof import('../../amplify/cloud/nag.ts');
type Json = Record<string, any>;

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
const SYNTH_TMP = mkdtempSync(join(tmpdir(), 'orders-deployments-synth-'));
const savedEnv = { ...process.env };

interface Deployment {
  mod: Backend;
  nag: Nag;
  app: App;
  /** Every template of the deployment (root and nested), by stack. */
  templates: Json[];
  /** The functions' nested stack's resources. */
  resources: Record<string, Json>;
  findings: string[];
  /** `<construct path>|<rule id>` of every finding an acknowledgement suppressed. */
  suppressed: string[];
}

/**
 * Long but legal names: a sandbox is named after its developer (the OS user, or `--identifier`),
 * 18 characters here; a branch deployment's namespace is its 14-character Amplify app id, and the
 * branch name here is 25 characters.
 */
const CONTEXTS = {
  sandbox: offlineSynthContext({ 'amplify-backend-name': 'cloudshell-user-42' }),
  branch: offlineSynthContext({
    'amplify-backend-namespace': 'd1a2b3c4d5e6f7',
    'amplify-backend-name': 'feature/checkout-redesign',
    'amplify-backend-type': 'branch',
    // The shop's deployment: its customers' e-mail through SES, the identity verified (Cognito too).
    mailFrom: 'Desk & Gadget Co. <orders@shop.example.com>',
    mailIdentityVerified: 'true',
  }),
};
const deployments = {} as Record<keyof typeof CONTEXTS, Deployment>;

/**
 * Amplify allows one `defineAuth` per process (a static counter in its auth factory, which
 * `vi.resetModules` does not reload: the package is loaded by Node, not by Vitest). Each synthesis
 * here is a backend of its own, so the counter is reset before it. The factory is not exported:
 * it is reached by its file, beside the package's entry point (the same module instance).
 */
async function allowAnotherAuth(): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@aws-amplify/backend-auth');
  const factory = (await import(pathToFileURL(join(dirname(entry), 'factory.js')).href)) as { AmplifyAuthFactory: { factoryCount: number } };
  factory.AmplifyAuthFactory.factoryCount = 0;
}

async function synthesize(context: Record<string, unknown>): Promise<Deployment> {
  vi.resetModules();
  await allowAnotherAuth();
  process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
  const mod = (await import('../../amplify/backend.ts')) as Backend;
  const nag = (await import('../../amplify/cloud/nag.ts')) as Nag;
  const app = mod.backend.stack.node.root as App;
  const suppressed: string[] = [];
  const packs = [new AwsSolutionsChecks(), new ServerlessChecks()].map((pack) => {
    // cdk-nag asks this only for a non-compliant resource: record which acknowledgement answered.
    const checked = pack as unknown as { isAcknowledged(node: CfnResource, ruleId: string): boolean };
    const isAcknowledged = checked.isAcknowledged.bind(pack);
    checked.isAcknowledged = (node, ruleId) => {
      const acknowledged = isAcknowledged(node, ruleId);
      if (acknowledged) suppressed.push(`${node.node.path}|${ruleId}`);
      return acknowledged;
    };
    return pack;
  });
  const findings = packs
    .flatMap((pack) => pack.validateScope(app).violations)
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
  const assembly = app.synth();
  const templates = readdirTemplates(assembly.directory);
  const resources = (mod.ordersStack as Stack & { _toCloudFormation(): Json })._toCloudFormation().Resources as Record<string, Json>;
  return { mod, nag, app, templates, resources, findings, suppressed };
}

function readdirTemplates(dir: string): Json[] {
  return readdirSync(dir)
    .filter((f: string) => f.endsWith('.template.json'))
    .map((f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json);
}

beforeAll(async () => {
  process.env.TMPDIR = SYNTH_TMP;
  delete process.env.CDK_OUTDIR;
  for (const setting of Object.values(SETTINGS)) delete process.env[setting.env];
  deployments.sandbox = await synthesize(CONTEXTS.sandbox);
  deployments.branch = await synthesize(CONTEXTS.branch);
}, 300_000);

afterAll(() => {
  for (const d of Object.values(deployments)) if (d?.app?.outdir) rmSync(d.app.outdir, { recursive: true, force: true });
  rmSync(SYNTH_TMP, { recursive: true, force: true });
  process.env = savedEnv;
});

const each = Object.keys(CONTEXTS) as (keyof typeof CONTEXTS)[];
const idOf = (d: Deployment, construct: { node: { defaultChild?: unknown } }) =>
  d.mod.ordersStack.getLogicalId(construct.node.defaultChild as CfnResource);
const ofType = (d: Deployment, type: string) => Object.entries(d.resources).filter(([, r]) => r.Type === type);
const allResources = (d: Deployment) => d.templates.flatMap((t) => Object.entries((t.Resources ?? {}) as Record<string, Json>));

describe.each(each)('%s deployment', (name) => {
  const d = () => deployments[name];

  it('cdk-nag AwsSolutions and Serverless: no unacknowledged finding; every acknowledgement argued', () => {
    expect(d().findings).toEqual([]);
    for (const ack of d().nag.ACKNOWLEDGED) expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
    // None is stale: each suppresses a finding cdk-nag really makes, on or under its construct.
    for (const ack of d().nag.ACKNOWLEDGED) {
      const used = d().suppressed.some((s) => s.endsWith(`|${ack.id}`) && (s.startsWith(`${ack.path}/`) || s.startsWith(`${ack.path}|`)));
      expect(used, `${ack.path} ${ack.id}`).toBe(true);
    }
    // Said of AWSLambdaBasicExecutionRole before, and untrue: it allows writing to any log group.
    for (const ack of d().nag.ACKNOWLEDGED.filter((a) => a.id.includes('AWSLambdaBasicExecutionRole'))) {
      expect(ack.reason).toContain('"Resource": "*"');
      expect(ack.reason).not.toMatch(/own logs/);
    }
  });

  it('1. CloudWatch may publish to the alarm topic (its policy replaces SNS’s default) and use its KMS key', () => {
    const topic = idOf(d(), d().mod.cloud.alarmTopic);
    const [, policy] = ofType(d(), 'AWS::SNS::TopicPolicy').find(([, p]) => p.Properties.Topics[0].Ref === topic)!;
    const allow = (policy.Properties.PolicyDocument.Statement as Json[]).find((s) => s.Effect === 'Allow')!;
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topic },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(JSON.stringify(allow.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:*');
    const key = d().resources[idOf(d(), d().mod.cloud.topicKey)]!.Properties.KeyPolicy.Statement as Json[];
    expect(key).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      }),
    );
    expect(d().resources[topic]!.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('alarms: the seed’s four with its thresholds, the order queue’s age and the DLQ (plus the recovery job’s two), all to the topic', () => {
    const m = d().mod.cloud.monitoring;
    const alarm = (a: { node: { defaultChild?: unknown } }) => d().resources[idOf(d(), a)]!.Properties as Json;
    // The throttle alarms: the orders table's metrics (reads and writes, table and each index) in
    // alarms of at most MAX_METRICS_PER_ALARM, one each for the idempotency, stock and stats tables;
    // beside them ten more: Lambda errors, API 5XX, workflow failures, the queue's age and DLQ, the
    // recovery job's two, low stock, failed counter writes and live status's lost publishes.
    const throttleAlarms = Math.ceil((2 * (ORDERS_TABLE_INDEXES.length + 1)) / MAX_METRICS_PER_ALARM) + 3;
    expect(ofType(d(), 'AWS::CloudWatch::Alarm')).toHaveLength(10 + throttleAlarms);
    // CloudWatch: a metric-math alarm evaluates at most 10 metrics.
    for (const [id, a] of ofType(d(), 'AWS::CloudWatch::Alarm')) {
      expect(((a.Properties.Metrics ?? []) as Json[]).filter((x) => x.MetricStat).length, id).toBeLessThanOrEqual(MAX_METRICS_PER_ALARM);
    }
    const topic = { Ref: idOf(d(), d().mod.cloud.alarmTopic) };
    for (const a of m.alarms) {
      expect(alarm(a).AlarmActions).toEqual([topic]);
      expect(alarm(a).OKActions).toEqual([topic]);
    }
    const expression = (a: Json) => (a.Metrics as Json[]).find((x) => x.Expression)!.Expression as string;
    const metricsOf = (a: Json) => (a.Metrics as Json[]).filter((x) => x.MetricStat).map((x) => x.MetricStat);

    // Lambda Errors > 10 in 5 minutes, all four functions; a function with no data counts as 0.
    const lambda = alarm(m.lambdaErrors);
    expect(lambda).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    expect(metricsOf(lambda)).toHaveLength(4);
    for (const stat of metricsOf(lambda)) expect(stat).toMatchObject({ Metric: { MetricName: 'Errors', Namespace: 'AWS/Lambda' }, Period: 300, Stat: 'Sum' });
    expect(expression(lambda)).toBe('FILL(e0, 0) + FILL(e1, 0) + FILL(e2, 0) + FILL(e3, 0)');

    // API 5XX > 5% of requests in 5 minutes: a rate by metric math, not a count.
    const api = alarm(m.api5xx);
    expect(api).toMatchObject({ Threshold: ALARMS.api5xxPercent.threshold, ComparisonOperator: 'GreaterThanThreshold' });
    expect(ALARMS.api5xxPercent.threshold).toBe(5);
    expect(expression(api)).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    expect(metricsOf(api).map((s) => [s.Metric.MetricName, s.Period])).toEqual([
      ['5XXError', 300],
      ['Count', 300],
    ]);

    // DynamoDB throttles > 0: reads and writes, the three tables and every index of the orders table
    // (the one list in settings), split where a table has more than an alarm can evaluate.
    const orders = JSON.stringify({ Ref: idOf(d(), d().mod.cloud.ordersTable) });
    const idem = JSON.stringify({ Ref: idOf(d(), d().mod.cloud.idempotencyTable) });
    const stock = JSON.stringify({ Ref: idOf(d(), d().mod.cloud.stockTable) });
    const stats = JSON.stringify({ Ref: idOf(d(), d().mod.cloud.statsTable) });
    const seen = m.dynamoThrottles.map((a) => {
      expect(alarm(a)).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      return metricsOf(alarm(a)).map((s) => {
        const dims = Object.fromEntries((s.Metric.Dimensions as Json[]).map((x) => [x.Name, x.Value]));
        return `${s.Metric.MetricName} ${JSON.stringify(dims.TableName)} ${dims.GlobalSecondaryIndexName ?? '-'}`;
      });
    });
    const expected = (table: string, indexes: string[]) =>
      ['ReadThrottleEvents', 'WriteThrottleEvents'].flatMap((metric) => [`${metric} ${table} -`, ...indexes.map((i) => `${metric} ${table} ${i}`)]).sort();
    expect(seen).toHaveLength(throttleAlarms);
    expect(seen.flat().sort()).toEqual([...expected(orders, ORDERS_TABLE_INDEXES.map((i) => i.name)), ...expected(idem, []), ...expected(stock, []), ...expected(stats, [])].sort());
    expect(ORDERS_TABLE_INDEXES.map((i) => i.name)).toEqual(
      (d().resources[idOf(d(), d().mod.cloud.ordersTable)]!.Properties.GlobalSecondaryIndexes as Json[]).map((g) => g.IndexName),
    );

    // Step Functions executions failed, timed out or aborted > 3 in 10 minutes.
    const workflow = alarm(m.workflowFailures);
    expect(workflow).toMatchObject({ Threshold: 3, ComparisonOperator: 'GreaterThanThreshold' });
    expect(metricsOf(workflow).map((s) => `${s.Metric.MetricName} ${s.Period}`)).toEqual(['ExecutionsFailed 600', 'ExecutionsTimedOut 600', 'ExecutionsAborted 600']);
    // The order queue's oldest message, and the dead-letter queue's depth.
    expect(alarm(m.orderQueueAge)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.queue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarm(m.deadLetterMessages)).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.deadLetterQueue), 'QueueName'] } }],
      Threshold: 0,
    });
  });

  it('4. names and metric dimensions we set carry the deployment’s name', () => {
    const deployment = d().mod.deploymentName;
    expect(deployment).toBe(d().mod.backend.stack.stackName);
    const api = d().resources[idOf(d(), d().mod.cloud.api)]!.Properties;
    expect(api.Name).toBe(`${deployment}-orders-api`);
    const apiAlarmDims = (d().resources[idOf(d(), d().mod.cloud.monitoring.api5xx)]!.Properties.Metrics as Json[])
      .filter((x) => x.MetricStat)
      .map((x) => x.MetricStat.Metric.Dimensions);
    for (const dims of apiAlarmDims) expect(dims).toContainEqual({ Name: 'ApiName', Value: `${deployment}-orders-api` });
    for (const [, a] of ofType(d(), 'AWS::CloudWatch::Alarm')) expect(a.Properties.AlarmName.startsWith(`${deployment}-`)).toBe(true);
    const gaveUp = d().resources[idOf(d(), d().mod.cloud.monitoring.recoveryGaveUp)]!.Properties;
    expect(gaveUp.Namespace).toBe(`OrderPlatform/${deployment}`);
    expect(gaveUp.Namespace).toBe(metricsNamespace(deployment));
    expect(gaveUp.Dimensions).toEqual([{ Name: 'service', Value: metricsServiceName(FUNCTIONS.recoverOrders.name, deployment) }]);
    // The functions publish under the same service dimension: they get the deployment's name.
    for (const [, fn] of ofType(d(), 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)) {
      expect(fn.Properties.Environment.Variables.DEPLOYMENT_NAME).toBe(deployment);
    }
  });

  it('5. no deployment creates, overwrites or deletes the account-wide API Gateway logging role', () => {
    const all = allResources(d());
    expect(all.filter(([, r]) => r.Type === 'AWS::ApiGateway::Account')).toEqual([]);
    expect(JSON.stringify(all)).not.toContain('AmazonAPIGatewayPushToCloudWatchLogs');
    // Stage logging stays on: it relies on the one-time account setup (docs/cloud.md).
    const [, stage] = ofType(d(), 'AWS::ApiGateway::Stage')[0]!;
    expect(stage.Properties.MethodSettings[0].LoggingLevel).toBe('ERROR');
  });

  it('6. a branch’s log bucket is never deleted with the stack (logs keep arriving: aws-cdk#21776) and empties itself; a sandbox has none', () => {
    const logBucket = d().mod.cloud.accessLogBucket;
    if (name === 'sandbox') {
      expect(logBucket).toBeUndefined();
      expect(allResources(d()).filter(([, r]) => r.Type === 'AWS::S3::Bucket' && r.DeletionPolicy === 'Retain')).toEqual([]);
      return;
    }
    const bucket = idOf(d(), logBucket!);
    const policy = d().mod.ordersStack.getLogicalId(logBucket!.policy!.node.defaultChild as CfnResource);
    const rendered = d().templates.find((t) => t.Resources?.[bucket])!.Resources as Record<string, Json>;
    for (const id of [bucket, policy]) expect(rendered[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const autoDelete = Object.values(rendered).filter((r) => r.Type === 'Custom::S3AutoDeleteObjects');
    expect(autoDelete.map((r) => r.Properties.BucketName)).not.toContainEqual({ Ref: bucket });
    expect(rendered[bucket]!.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
  });

  it('7. Step Functions logs to /aws/vendedlogs/states/<deployment>-…-<this creation of the stack>', () => {
    const group = d().resources[idOf(d(), d().mod.cloud.workflowLogs)]!.Properties;
    const [separator, parts] = group.LogGroupName['Fn::Join'] as [string, Json[]];
    expect(separator).toBe('');
    expect(parts[0]).toBe(`/aws/vendedlogs/states/${d().mod.deploymentName}-order-workflow-`);
    expect(JSON.stringify(parts[1])).toContain('AWS::StackId');
    const machine = d().resources[idOf(d(), d().mod.cloud.stateMachine)]!.Properties;
    expect(machine.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn).toEqual({
      'Fn::GetAtt': [idOf(d(), d().mod.cloud.workflowLogs), 'Arn'],
    });
  });

  it('8. every log group expires: functions, API access and execution logs, workflow', () => {
    const groups = ofType(d(), 'AWS::Logs::LogGroup');
    for (const [id, g] of groups) expect(g.Properties.RetentionInDays, id).toBe(30);
    for (const key of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
      const fn = d().resources[d().mod.ordersStack.getLogicalId(d().mod.backend[key].resources.cfnResources.cfnFunction)]!;
      const group = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(d().resources[group]!.Properties.RetentionInDays).toBe(30);
    }
    const execution = d().resources[idOf(d(), d().mod.cloud.apiExecutionLogs)]!;
    expect(execution.Properties.LogGroupName).toEqual({
      'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: idOf(d(), d().mod.cloud.api) }, '/prod']],
    });
    // Created before the stage, so API Gateway does not create it first without a retention.
    const [, stage] = ofType(d(), 'AWS::ApiGateway::Stage')[0]!;
    expect(stage.DependsOn).toContain(idOf(d(), d().mod.cloud.apiExecutionLogs));
  });

  it('8. every function traces (PassThrough where it would otherwise start a trace per batch or schedule), and may send its traces', () => {
    const modes: Record<keyof typeof FUNCTIONS, string> = { appServer: 'Active', orderStarter: 'PassThrough', processOrder: 'PassThrough', recoverOrders: 'Active' };
    for (const key of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
      const { cfnFunction } = d().mod.backend[key].resources.cfnResources;
      const fn = d().resources[d().mod.ordersStack.getLogicalId(cfnFunction)]!;
      expect(fn.Properties.TracingConfig).toEqual({ Mode: modes[key] });
      const role = d().mod.ordersStack.getLogicalId(d().mod.backend[key].resources.lambda.role!.node.defaultChild as CfnResource);
      const statements = ofType(d(), 'AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === role))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
      expect(statements).toContainEqual({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' });
    }
  });

  it('8. the storefront deployment may invalidate its own distribution only', () => {
    const cloudfront = ofType(d(), 'AWS::IAM::Policy')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('cloudfront:')));
    expect(cloudfront).toHaveLength(1);
    expect(cloudfront[0]!.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: idOf(d(), d().mod.cloud.distribution) }]],
    });
  });

  it('8. app-server: item reads/writes on the table (create, read, cancel, the lists\' reads by id), its Idempotency-Keys and the stats table only, Query on its four indexes only', () => {
    const role = d().mod.ordersStack.getLogicalId(d().mod.backend.appServer.resources.lambda.role!.node.defaultChild as CfnResource);
    const dynamo = ofType(d(), 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    const table = { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.ordersTable), 'Arn'] };
    const keys = { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.idempotencyTable), 'Arn'] };
    const stats = { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.statsTable), 'Arn'] };
    expect(dynamo).toEqual([
      { Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: table },
      {
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: [
          { 'Fn::Join': ['', [table, `/index/${ORDERS_TABLE.customerIndex.name}`]] },
          { 'Fn::Join': ['', [table, `/index/${ORDERS_TABLE.statusIndex.name}`]] },
          { 'Fn::Join': ['', [table, `/index/${ORDERS_TABLE.orderNumberIndex.name}`]] },
          { 'Fn::Join': ['', [table, `/index/${ORDERS_TABLE.customerEmailIndex.name}`]] },
        ],
      },
      { Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: keys },
      // Stock: levels, the staff's change and its history; never a reservation (the workflow's).
      { Action: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.stockTable), 'Arn'] } },
      // The per-day counters (issue 27): an ADD per change, a Query over day keys; no Scan.
      { Action: ['dynamodb:UpdateItem', 'dynamodb:Query'], Effect: 'Allow', Resource: stats },
    ]);
  });

  it('2. the recovery job finds work through the due-date index and stops before its timeout', () => {
    const table = d().resources[idOf(d(), d().mod.cloud.ordersTable)]!.Properties;
    expect(table.GlobalSecondaryIndexes).toContainEqual({
      IndexName: ORDERS_TABLE.openOrdersIndex.name,
      KeySchema: [
        { AttributeName: 'openMarker', KeyType: 'HASH' },
        { AttributeName: 'nextStepDueAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });
});

/** Each limit checked, with the longest value any of the long names reaches (printed by the suite). */
const LIMITS_SEEN: Record<string, { longest: number; limit: number; value: string }> = {};

describe.each(each)('%s deployment: what the account enforces', (name) => {
  const d = () => deployments[name];

  it('every name a template sets fits AWS’s limit for it, for these long names', () => {
    const names = namesOf(d().templates);
    expect(names.length).toBeGreaterThan(20);
    for (const n of names) {
      const key = `${n.type} ${n.property}`;
      // A name without a listed limit fails until its limit is looked up and written down.
      expect(Number.isNaN(n.limit), `${key}: no limit listed in tests/helpers/deploy-limits.ts`).toBe(false);
      if (n.limit === Number.POSITIVE_INFINITY) continue;
      expect(n.longest, `${key} = ${n.value}`).toBeLessThanOrEqual(n.limit);
      const seen = LIMITS_SEEN[key];
      if (!seen || n.longest > seen.longest) LIMITS_SEEN[key] = { longest: n.longest, limit: n.limit, value: n.value };
    }
    // The X-Ray rule that failed most first deployments: now matched by ARN, no name of ours.
    expect(names.filter((n) => n.property === 'SamplingRule.ServiceName').map((n) => n.value)).toEqual(['*']);
  });

  it('account quotas: what one deployment takes of each', () => {
    const taken = Object.fromEntries(ACCOUNT_QUOTAS.map((q) => [q.what, perDeployment(d().templates, q.type)]));
    // The scarce ones: one each, so 25 and 20 deployments (less whatever else the account runs).
    expect(taken['X-Ray sampling rules']).toBe(1);
    expect(taken['CloudFront response headers policies']).toBe(1);
    expect(taken['CloudFront origin access controls']).toBe(1);
    expect(taken['CloudFront distributions']).toBe(1);
    // The page fallback; with WAF (the branch) also the API's viewer-IP function.
    expect(taken['CloudFront functions']).toBe(name === 'branch' ? 2 : 1);
    expect(taken['CloudFront cache policies']).toBe(0);
    expect(taken['Cognito user pools']).toBe(1);
    // The recovery schedule; with MAIL_FROM (the branch) also the SES bounce rule, one identity and one configuration set.
    expect(taken['EventBridge rules']).toBe(name === 'branch' ? 2 : 1);
    expect(taken['SES identities']).toBe(name === 'branch' ? 1 : 0);
    expect(taken['SES configuration sets']).toBe(name === 'branch' ? 1 : 0);
    expect(taken['EventBridge Scheduler schedule groups']).toBe(1);
    for (const q of ACCOUNT_QUOTAS) expect(taken[q.what]! * 10, `${q.what}: ten deployments`).toBeLessThanOrEqual(q.quota);
  });

  it('account-global names (not per region) carry the region: the same deployment in two regions never collides', () => {
    const region = JSON.stringify({ Ref: 'AWS::Region' });
    const globalNames = [
      ...ofType(d(), 'AWS::CloudWatch::Dashboard').map(([, r]) => r.Properties.DashboardName),
      ...ofType(d(), 'AWS::CloudFront::ResponseHeadersPolicy').map(([, r]) => r.Properties.ResponseHeadersPolicyConfig.Name),
      ...ofType(d(), 'AWS::CloudFront::OriginAccessControl').map(([, r]) => r.Properties.OriginAccessControlConfig.Name),
      ...ofType(d(), 'AWS::CloudFront::Function').map(([, r]) => r.Properties.Name),
    ];
    expect(globalNames).toHaveLength(name === 'branch' ? 5 : 4);
    for (const n of globalNames) expect(JSON.stringify(n)).toContain(region);
  });

  it('accounts: Lite plan, explicit token lifetimes, no OAuth leftovers; a branch’s pool is protected and kept', () => {
    const auth = d().templates.find((t) => Object.values((t.Resources ?? {}) as Record<string, Json>).some((r) => r.Type === 'AWS::Cognito::UserPool'))!;
    const [pool] = Object.values(auth.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::Cognito::UserPool');
    const [client] = Object.values(auth.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::Cognito::UserPoolClient');
    expect(pool!.Properties.UserPoolTier).toBe('LITE');
    if (name === 'branch') {
      expect(pool).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { DeletionProtection: 'ACTIVE' } });
    } else {
      expect(pool!.DeletionPolicy).toBe('Delete');
      expect(pool!.Properties.DeletionProtection).toBeUndefined();
    }
    expect(client!.Properties).toMatchObject({
      IdTokenValidity: TOKEN_LIFETIMES.idTokenMinutes,
      AccessTokenValidity: TOKEN_LIFETIMES.accessTokenMinutes,
      RefreshTokenValidity: TOKEN_LIFETIMES.refreshTokenDays,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: false,
    });
    expect(TOKEN_LIFETIMES.idTokenMinutes).toBeLessThanOrEqual(60);
    for (const key of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs']) expect(client!.Properties[key], key).toBeUndefined();
    // app-server accepts only this client's tokens (the authorizer accepts any client of the pool).
    const appServer = d().resources[d().mod.ordersStack.getLogicalId(d().mod.backend.appServer.resources.cfnResources.cfnFunction)]!;
    expect(JSON.stringify(appServer.Properties.Environment.Variables[ENV.userPoolClientId])).toMatch(/UserPoolAppClient/);
  });

  it.each(ACCOUNT_SCENARIOS.map((s) => [s.name, s] as const))('account scenario (also played against the local pool): %s', (_name, scenario) => {
    const auth = d().templates.find((t) => Object.values((t.Resources ?? {}) as Record<string, Json>).some((r) => r.Type === 'AWS::Cognito::UserPool'))!;
    const [pool] = Object.values(auth.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::Cognito::UserPool');
    const [client] = Object.values(auth.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::Cognito::UserPoolClient');
    scenario.cloud(pool!.Properties, client!.Properties);
  });

  it('per-IP limits: a WAF web ACL on the API stage and the user pool for a branch, none for a sandbox (WAF off by default)', () => {
    const acls = ofType(d(), 'AWS::WAFv2::WebACL');
    const associations = ofType(d(), 'AWS::WAFv2::WebACLAssociation');
    // app-server counts a guest's orders by the viewer's address only where the distribution writes it.
    const appServerEnv = ofType(d(), 'AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties.Environment?.Variables as Record<string, unknown> | undefined)
      .find((vars) => vars?.POWERTOOLS_SERVICE_NAME === FUNCTIONS.appServer.name)!;
    expect(appServerEnv[ENV.viewerIpTrusted]).toBe(name === 'sandbox' ? undefined : 'true');
    if (name === 'sandbox') {
      expect(acls).toHaveLength(0);
      expect(associations).toHaveLength(0);
      return;
    }
    expect(acls).toHaveLength(1);
    const [, acl] = acls[0]!;
    expect(acl.Properties.Scope).toBe('REGIONAL');
    expect(acl.Properties.Rules.map((r: Json) => [r.Name, r.Statement.RateBasedStatement.AggregateKeyType, r.Statement.RateBasedStatement.Limit, r.Action])).toEqual([
      ['UserPoolPerIp', 'IP', WAF_RULES.userPoolRequestsPerIp, { Block: {} }],
      ['ApiPerViewerIp', 'FORWARDED_IP', WAF_RULES.apiRequestsPerIp, { Block: {} }],
      ['ApiPerSourceIp', 'IP', WAF_RULES.apiRequestsPerSourceIp, { Block: {} }],
    ]);
    // Through the distribution the stage sees edge addresses: the viewer's is counted from the
    // header the distribution's function writes; every request also by its source address (a
    // caller straight to the stage's host writes any header it likes), at a limit an edge stays under.
    const [, viewerRule, sourceRule] = acl.Properties.Rules as Json[];
    expect(viewerRule!.Statement.RateBasedStatement.ForwardedIPConfig).toEqual({ HeaderName: VIEWER_IP_HEADER, FallbackBehavior: 'NO_MATCH' });
    expect(sourceRule!.Statement.RateBasedStatement.ScopeDownStatement).toBeUndefined();
    expect(WAF_RULES.apiRequestsPerSourceIp).toBeGreaterThan(WAF_RULES.apiRequestsPerIp);
    // The distribution's API behavior writes the viewer's address, over any the client sent.
    const [, distribution] = ofType(d(), 'AWS::CloudFront::Distribution')[0]!;
    const apiBehavior = (distribution.Properties.DistributionConfig.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/prod/*')!;
    const [association] = apiBehavior.FunctionAssociations as Json[];
    expect(association).toMatchObject({ EventType: 'viewer-request' });
    const [, viewerIpFunction] = ofType(d(), 'AWS::CloudFront::Function').find(([id]) => JSON.stringify(association!.FunctionARN).includes(id))!;
    expect(viewerIpFunction.Properties.FunctionCode).toBe(VIEWER_IP_FUNCTION);
    const viewerIp = new Function(`${VIEWER_IP_FUNCTION}; return handler;`)() as (e: Json) => Json;
    const spoofed = viewerIp({ viewer: { ip: '203.0.113.7' }, request: { uri: '/prod/orders', headers: { [VIEWER_IP_HEADER]: { value: '198.51.100.1' } } } });
    expect(spoofed.headers[VIEWER_IP_HEADER]).toEqual({ value: '203.0.113.7' });
    const targets = associations.map(([, a]) => JSON.stringify(a.Properties.ResourceArn));
    expect(targets).toHaveLength(2);
    expect(targets.some((t) => t.includes('/stages/') && t.includes(d().mod.ordersStack.getLogicalId(d().mod.cloud.api.node.defaultChild as CfnResource)))).toBe(true);
    expect(targets.some((t) => /UserPool/.test(t) && !t.includes('/stages/'))).toBe(true);
    // app-server: staff need TOTP, and the order limit is set.
    const env = d().resources[d().mod.ordersStack.getLogicalId(d().mod.backend.appServer.resources.cfnResources.cfnFunction)]!.Properties.Environment.Variables;
    expect(env).toMatchObject({ [ENV.staffMfaRequired]: 'true', [ENV.orderRateLimit]: '20' });
  });

  it('staff need a second factor: TOTP available on the pool (optional for customers)', () => {
    const auth = d().templates.find((t) => Object.values((t.Resources ?? {}) as Record<string, Json>).some((r) => r.Type === 'AWS::Cognito::UserPool'))!;
    const [pool] = Object.values(auth.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::Cognito::UserPool');
    expect(pool!.Properties).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
  });

  it('deleting a deployment and creating it again: every retained resource named by us is named per creation; nothing else lingers', () => {
    const retained = allResources(d()).filter(([, r]) => r.DeletionPolicy === 'Retain');
    for (const [id, r] of retained) {
      const named = Object.entries((r.Properties ?? {}) as Json).filter(([k]) => /Name$/.test(k) && !['DisplayName'].includes(k));
      for (const [key, value] of named) {
        // A literal name would be there already; a per-creation part comes from the stack id or a resource created with it.
        const text = JSON.stringify(value);
        expect(typeof value, `${id}.${key}`).not.toBe('string');
        expect(/AWS::StackId|"Ref":"(?!AWS::)/.test(text), `${id}.${key} = ${text}`).toBe(true);
      }
    }
    // Never retained: the schedule group (its schedules would fire at a deleted function) and the
    // topics' key (it encrypts nothing that outlives the stack), scheduled for deletion instead.
    expect(ofType(d(), 'AWS::Scheduler::ScheduleGroup').map(([, r]) => r.DeletionPolicy)).toEqual(['Delete']);
    expect(ofType(d(), 'AWS::KMS::Key').map(([, r]) => [r.DeletionPolicy, r.Properties.PendingWindowInDays])).toEqual([['Delete', 7]]);
    const kinds = [...new Set(retained.map(([, r]) => r.Type))].sort();
    expect(kinds).toEqual(
      name === 'branch'
        ? ['AWS::Cognito::UserPool', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy']
        : [],
    );
  });

  it('every function’s logs expire, CDK’s and Amplify’s helpers included', () => {
    for (const template of d().templates) {
      const resources = (template.Resources ?? {}) as Record<string, Json>;
      for (const [id, fn] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
        const group = fn.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined;
        expect(group, `${id} has no log group of its own`).toBeDefined();
        expect(resources[group!]!.Properties.RetentionInDays, id).toBeGreaterThan(0);
      }
    }
  });

  it('a shared account: the stage’s throttle is a setting under the account’s 10,000/5,000, per-method metrics off, order-starter capped, app-server ends before API Gateway gives up', () => {
    const [, stage] = ofType(d(), 'AWS::ApiGateway::Stage')[0]!;
    const methods = stage.Properties.MethodSettings[0];
    expect(methods).toMatchObject(name === 'branch' ? { ThrottlingRateLimit: 10_000, ThrottlingBurstLimit: 5_000 } : { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(methods.MetricsEnabled).toBe(false);
    const [, mapping] = ofType(d(), 'AWS::Lambda::EventSourceMapping')[0]!;
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: ORDER_QUEUE.maxConcurrency });
    expect(ORDER_QUEUE.maxConcurrency).toBeGreaterThanOrEqual(2);
    const appServer = d().resources[d().mod.ordersStack.getLogicalId(d().mod.backend.appServer.resources.cfnResources.cfnFunction)]!;
    expect(appServer.Properties.Timeout).toBeLessThan(API_INTEGRATION_TIMEOUT_SECONDS);
    // Alarms go to ALARM_EMAIL only; NOTIFICATION_EMAIL is the order topic's (neither set here).
    expect(ofType(d(), 'AWS::SNS::Subscription')).toEqual([]);
  });
});

afterAll(() => {
  // The table for the closing note: each limit, the longest value the long names reach.
  const rows = Object.entries(LIMITS_SEEN)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, { longest, limit }]) => `  ${key.padEnd(70)} ${String(longest).padStart(4)} / ${limit}`);
  if (rows.length > 0) console.log(`Names against their limits (longest of both deployments / limit):\n${rows.join('\n')}`);
});

describe('two deployments in one account', () => {
  /** Every literal physical name (a `…Name` property set to a string) in a deployment's templates. */
  const SCOPED_NAMES: Record<string, string[]> = {
    // Names that only need to be unique within their parent (the API, the role, the stack).
    'AWS::ApiGateway::Model': ['Name'],
    'AWS::ApiGateway::RequestValidator': ['Name'],
    'AWS::ApiGateway::Stage': ['StageName'],
    'AWS::ApiGateway::Deployment': ['StageName'],
    'AWS::IAM::Policy': ['PolicyName'],
    'AWS::Cognito::UserPoolGroup': ['GroupName'], // ADMINS, within its own user pool
    'AWS::AppSync::ChannelNamespace': ['Name'], // orders, within its own Event API
  };
  /** `…Name` properties that name no resource: a label, a metric. */
  const NOT_NAMES = ['DisplayName', 'MetricName'];
  const physicalNames = (d: Deployment): string[] =>
    allResources(d).flatMap(([, r]) =>
      Object.entries((r.Properties ?? {}) as Json)
        .filter(
          ([key, value]) =>
            /Name$/.test(key) && typeof value === 'string' && !NOT_NAMES.includes(key) && !(SCOPED_NAMES[r.Type] ?? []).includes(key),
        )
        .map(([key, value]) => `${r.Type}.${key}=${value}`),
    );
  /** The dimension sets of every metric every alarm watches. */
  const alarmDimensionSets = (d: Deployment): Json[][] =>
    allResources(d)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .flatMap(([, r]) => [
        ...(r.Properties.Dimensions ? [r.Properties.Dimensions as Json[]] : []),
        ...((r.Properties.Metrics ?? []) as Json[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.Dimensions as Json[]),
      ]);
  /**
   * Literal dimension values. A `Ref`/`GetAtt` value names this deployment's own resource, whose
   * physical name CloudFormation generates from the stack's name; an index name only qualifies its
   * table (`TableName` is always beside it).
   */
  const alarmDimensionValues = (d: Deployment): string[] =>
    alarmDimensionSets(d)
      .flat()
      .filter((dim) => dim.Name !== 'GlobalSecondaryIndexName')
      .map((dim) => dim.Value)
      .filter((value): value is string => typeof value === 'string');

  it('share no physical resource name', () => {
    const sandbox = physicalNames(deployments.sandbox).map((n) => n.split('=')[1]);
    const branch = physicalNames(deployments.branch).map((n) => n.split('=')[1]);
    expect(sandbox.length).toBeGreaterThan(8);
    expect(sandbox.filter((n) => branch.includes(n))).toEqual([]);
  });

  it('share no account-global name (CloudFront policies and access controls, the dashboard, X-Ray rules), nested ones included', () => {
    const GLOBAL = ['AWS::CloudFront::ResponseHeadersPolicy', 'AWS::CloudFront::OriginAccessControl', 'AWS::CloudFront::Function', 'AWS::CloudWatch::Dashboard', 'AWS::XRay::SamplingRule'];
    const globalNames = (d: Deployment) =>
      namesOf(d.templates)
        .filter((n) => GLOBAL.includes(n.type) && n.property !== 'SamplingRule.ServiceName')
        .map((n) => n.value);
    const sandbox = globalNames(deployments.sandbox);
    expect(sandbox).toHaveLength(5);
    expect(sandbox.filter((n) => globalNames(deployments.branch).includes(n))).toEqual([]);
  });

  it('share no custom metric namespace', () => {
    const namespaces = (d: Deployment) =>
      allResources(d)
        .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && typeof r.Properties.Namespace === 'string' && !r.Properties.Namespace.startsWith('AWS/'))
        .map(([, r]) => r.Properties.Namespace as string);
    expect(namespaces(deployments.sandbox).length).toBeGreaterThan(0);
    expect(namespaces(deployments.sandbox).filter((n) => namespaces(deployments.branch).includes(n))).toEqual([]);
  });

  it('share no alarm dimension value, and alarm on no fixed one', () => {
    const sandbox = alarmDimensionValues(deployments.sandbox);
    const branch = alarmDimensionValues(deployments.branch);
    expect(sandbox.length).toBeGreaterThan(0);
    expect(sandbox.filter((v) => branch.includes(v))).toEqual([]);
    for (const [name, d] of Object.entries(deployments)) {
      for (const value of alarmDimensionValues(d)) expect(value, name).toContain(d.mod.deploymentName);
      // Every watched metric is pinned to this deployment: a value of its own, or its own resource.
      for (const dims of alarmDimensionSets(d)) {
        const own = dims.some((dim) => typeof dim.Value !== 'string' || dim.Value.includes(d.mod.deploymentName));
        expect(own, `${name}: ${JSON.stringify(dims)}`).toBe(true);
        if (dims.some((dim) => dim.Name === 'GlobalSecondaryIndexName')) expect(dims.map((dim) => dim.Name)).toContain('TableName');
      }
    }
  });
});

describe('amplify.yml', () => {
  it('pins Node 22 (>= 20.19 for Vite 8, the Lambdas’ version) before anything runs npm', () => {
    const lines = readFileSync(join(PROJECT_ROOT, 'amplify.yml'), 'utf8').split('\n');
    const firstNpm = lines.findIndex((l) => /\bnpm\b|\bnpx\b/.test(l) && l.trim().startsWith('-'));
    // `nvm install`/`nvm use` without a version read .nvmrc, which names a Node 22.
    expect(readFileSync(join(PROJECT_ROOT, '.nvmrc'), 'utf8').trim()).toMatch(/^22\.\d+\.\d+$/);
    const firstPin = lines.findIndex((l) => /nvm install\b/.test(l));
    expect(firstPin).toBeGreaterThanOrEqual(0);
    expect(firstPin).toBeLessThan(firstNpm);
    // And the frontend phase (its own shell) pins it too.
    const frontend = lines.findIndex((l) => l.startsWith('frontend:'));
    expect(lines.slice(frontend).some((l) => /nvm use\b/.test(l))).toBe(true);
    expect(existsSync(join(PROJECT_ROOT, 'package.json'))).toBe(true);
  });
});

describe('customer e-mail (SES): the branch with MAIL_FROM, the sandbox without', () => {
  const sesTypes = ['AWS::SES::EmailIdentity', 'AWS::SES::ConfigurationSet', 'AWS::SES::ConfigurationSetEventDestination'];
  it('the branch has the domain identity with DKIM (deleted with the stack), the configuration set with suppression, its events to EventBridge and a rule to process-order', () => {
    const d = deployments.branch;
    const identity = ofType(d, 'AWS::SES::EmailIdentity')[0]?.[1];
    expect(identity!.Properties).toMatchObject({ EmailIdentity: 'shop.example.com', DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' } });
    expect(identity!.DeletionPolicy ?? 'Delete').toBe('Delete');
    const [setId, set] = ofType(d, 'AWS::SES::ConfigurationSet')[0] ?? [];
    expect(set!.Properties.Name).toBeUndefined(); // generated per stack: deployments never collide
    expect(set!.Properties.SuppressionOptions).toEqual({ SuppressedReasons: ['BOUNCE', 'COMPLAINT'] });
    const destination = ofType(d, 'AWS::SES::ConfigurationSetEventDestination')[0]?.[1];
    expect(destination!.Properties.ConfigurationSetName).toEqual({ Ref: setId });
    expect(destination!.Properties.EventDestination.MatchingEventTypes).toEqual(['bounce', 'complaint']);
    const rule = ofType(d, 'AWS::Events::Rule').find(([, r]) => r.Properties.EventPattern?.source?.[0] === 'aws.ses')![1];
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complained'],
      detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: setId }] } } },
    });
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(rule.Properties.Targets[0].Arn['Fn::GetAtt'][0]).toMatch(/^processorderlambda/);
  });

  it('process-order may send only from MAIL_FROM, through that identity and configuration set; its environment names them', () => {
    const d = deployments.branch;
    const statements = ofType(d, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
    const ses = statements.filter((st) => JSON.stringify(st.Action).includes('ses:'));
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({ Action: 'ses:SendEmail', Effect: 'Allow', Condition: { StringEquals: { 'ses:FromAddress': 'orders@shop.example.com' } } });
    const resources = JSON.stringify(ses[0]!.Resource);
    expect(resources).toContain(':identity/shop.example.com');
    expect(resources).toContain(':configuration-set/');
    expect(resources).not.toContain('*');
    const fn = ofType(d, 'AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.MAIL_FROM)![1];
    expect(fn.Properties.Environment.Variables).toMatchObject({ MAIL_FROM: 'Desk & Gadget Co. <orders@shop.example.com>', SES_CONFIGURATION_SET: { Ref: expect.any(String) } });
  });

  it("the branch's user pool sends through SES from MAIL_FROM; the sandbox's keeps Cognito's default, with no SES resource and a warning naming the cap", () => {
    const pools = (d: Deployment) => allResources(d).filter(([, r]) => r.Type === 'AWS::Cognito::UserPool').map(([, r]) => r.Properties.EmailConfiguration);
    const [branch] = pools(deployments.branch);
    expect(branch).toMatchObject({ EmailSendingAccount: 'DEVELOPER', From: 'Desk & Gadget Co. <orders@shop.example.com>' });
    expect(JSON.stringify(branch.SourceArn)).toContain(':identity/shop.example.com');
    expect(pools(deployments.sandbox)[0]?.EmailSendingAccount).not.toBe('DEVELOPER');
    expect(allResources(deployments.sandbox).filter(([, r]) => sesTypes.includes(r.Type))).toEqual([]);
    const warnings = deployments.sandbox.app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
    expect(warnings.some((w) => w.includes('MAIL_FROM is not set') && w.includes('50 e-mails a day'))).toBe(true);
  });
});
