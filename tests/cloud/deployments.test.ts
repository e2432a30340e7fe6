/**
 * Issue 11, "safe to deploy": a sandbox and a branch deployment of `amplify/backend.ts`, each
 * synthesized offline (as `ampx` would, cycle detection on), checked for what only goes wrong in a
 * real account beside other deployments. One synthesis per deployment for the whole file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App, CfnResource, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALARMS } from '../../amplify/cloud/monitoring.ts';
import { offlineSynthContext, SETTINGS } from '../../amplify/cloud/settings.ts';
import { FUNCTIONS, metricsNamespace, metricsServiceName, ORDERS_TABLE } from '../../amplify/server/settings.ts';

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

const CONTEXTS = {
  sandbox: offlineSynthContext(),
  branch: offlineSynthContext({
    'amplify-backend-namespace': 'd1exampleappid',
    'amplify-backend-name': 'main',
    'amplify-backend-type': 'branch',
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
    expect(ofType(d(), 'AWS::CloudWatch::Alarm')).toHaveLength(8);
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

    // DynamoDB throttles > 0: reads and writes, both tables and each index of the orders table.
    const throttles = alarm(m.dynamoThrottles);
    expect(throttles).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const seen = metricsOf(throttles).map((s) => {
      const dims = Object.fromEntries((s.Metric.Dimensions as Json[]).map((x) => [x.Name, x.Value]));
      return `${s.Metric.MetricName} ${JSON.stringify(dims.TableName)} ${dims.GlobalSecondaryIndexName ?? '-'}`;
    });
    const orders = JSON.stringify({ Ref: idOf(d(), d().mod.cloud.ordersTable) });
    const idem = JSON.stringify({ Ref: idOf(d(), d().mod.cloud.idempotencyTable) });
    expect(seen.sort()).toEqual(
      ['ReadThrottleEvents', 'WriteThrottleEvents']
        .flatMap((metric) => [
          `${metric} ${orders} -`,
          `${metric} ${orders} ${ORDERS_TABLE.customerIndex.name}`,
          `${metric} ${orders} ${ORDERS_TABLE.openOrdersIndex.name}`,
          `${metric} ${idem} -`,
        ])
        .sort(),
    );
    expect(expression(throttles)).toMatch(/^FILL\(t0, 0\)( \+ FILL\(t\d, 0\)){7}$/);

    // Step Functions ExecutionsFailed > 3 in 10 minutes (declines no longer fail executions).
    expect(alarm(m.workflowFailures)).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Period: 600,
      Statistic: 'Sum',
      Threshold: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
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

  it('6. the log bucket is never deleted with the stack (logs keep arriving: aws-cdk#21776), and empties itself', () => {
    const bucket = idOf(d(), d().mod.cloud.accessLogBucket);
    const policy = d().mod.ordersStack.getLogicalId(d().mod.cloud.accessLogBucket.policy!.node.defaultChild as CfnResource);
    // The rendered template: Amplify's sandbox aspect would otherwise turn Retain into Delete.
    const rendered = d().templates.find((t) => t.Resources?.[bucket])!.Resources as Record<string, Json>;
    for (const id of [bucket, policy]) expect(rendered[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const autoDelete = Object.values(rendered).filter((r) => r.Type === 'Custom::S3AutoDeleteObjects');
    expect(autoDelete.map((r) => r.Properties.BucketName)).not.toContainEqual({ Ref: bucket });
    expect(rendered[bucket]!.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(name === 'sandbox' ? 7 : 90);
  });

  it('7. Step Functions logs to /aws/vendedlogs/states/<deployment>-…', () => {
    const group = d().resources[idOf(d(), d().mod.cloud.workflowLogs)]!.Properties;
    expect(group.LogGroupName).toBe(`/aws/vendedlogs/states/${d().mod.deploymentName}-order-workflow`);
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

  it('8. app-server: item reads/writes on the table (create, read, cancel, the lists\' reads by id) and its Idempotency-Keys only, Query on its three indexes only', () => {
    const role = d().mod.ordersStack.getLogicalId(d().mod.backend.appServer.resources.lambda.role!.node.defaultChild as CfnResource);
    const dynamo = ofType(d(), 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    const table = { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.ordersTable), 'Arn'] };
    const keys = { 'Fn::GetAtt': [idOf(d(), d().mod.cloud.idempotencyTable), 'Arn'] };
    expect(dynamo).toEqual([
      { Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: table },
      {
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: [
          { 'Fn::Join': ['', [table, `/index/${ORDERS_TABLE.customerIndex.name}`]] },
          { 'Fn::Join': ['', [table, `/index/${ORDERS_TABLE.statusIndex.name}`]] },
          { 'Fn::Join': ['', [table, `/index/${ORDERS_TABLE.orderNumberIndex.name}`]] },
        ],
      },
      { Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Effect: 'Allow', Resource: keys },
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
