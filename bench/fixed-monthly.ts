/**
 * What one deployment pays every month whatever the orders (issue 20): counted from the CloudFormation
 * templates of a real offline synthesis of amplify/backend.ts (bench/synth-child.ts, in a child
 * process with a temporary CDK_OUTDIR), resource by resource and by type, so the figure follows the
 * stack as it changes. Custom metrics are not resources: the handlers publish them (Powertools EMF),
 * and the child derives which from each handler's module graph (`PublishedMetrics`).
 *
 *   CloudWatch alarms      per metric each alarm evaluates (a metric-math alarm: every `MetricStat` of
 *                          its `Metrics`; a plain alarm: 1), standard or high resolution by period
 *   CloudWatch dashboards  per dashboard
 *   custom metrics         each metric name x dimension set the handlers publish, plus API Gateway's
 *                          per-method metrics when a stage has `MetricsEnabled` (7 per method)
 *   KMS, WAF, Secrets Manager, Route 53: per key, web ACL and rule, secret, hosted zone
 *   usage that recurs     an SQS event source's idle long polls; scheduled rules' Lambda runs (and
 *                          their traces when the function is Active)
 * Every other resource type found is listed with no fixed monthly price (`noFixedPrice`).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRICES } from './aws-prices.ts';
import { LAMBDA_SAMPLING, sampledShare } from './cost.ts';

const SECONDS_PER_MONTH = 30 * 24 * 3600;

/** A CloudFormation template, as much of it as the count reads. */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, unknown> }>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** The custom metrics one function's handler publishes (Powertools EMF). */
export interface PublishedMetrics {
  function: string;
  namespace: string;
  /** Each dimension set every metric is published with (Powertools' default dimension: `service`). */
  dimensionSets: Record<string, string>[];
  /** Distinct metric names its handler's modules publish. */
  metrics: string[];
  /** The handler's own modules (its bundle's inputs outside node_modules) that name a metric. */
  sources: string[];
  /** Calls that would publish more dimension sets or metrics than counted (addDimension, singleMetric, ColdStart). */
  uncounted: string[];
}

export interface FixedMonthlyLine {
  service: string;
  what: string;
  quantity: number;
  unitPriceUSD: number;
  monthlyUSD: number;
}

export interface FixedMonthly {
  /** Per deployment per month, free tiers ignored (they are per account). */
  totalUSD: number;
  lines: FixedMonthlyLine[];
  /** What the account's free tiers would cover of this deployment's lines (a new account, nothing else in it). */
  freeTier: { what: string; monthlyUSD: number }[];
  freeTierAdjustedUSD: number;
  customMetrics: {
    powertools: PublishedMetrics[];
    apiGatewayDetailed: ApiStageMetrics[];
  };
  /** Resource types found whose resources have no fixed monthly price (usage-priced or free), with their count. */
  noFixedPrice: Record<string, number>;
  templates: string[];
  notes: string[];
  /** Set by the bench: the synthesis the templates came from. */
  synthesized?: { stackName: string; context: Record<string, unknown>; seconds: number };
}

/** API Gateway's per-method metrics with detailed metrics on: Count, 4XXError, 5XXError, Latency, IntegrationLatency, CacheHitCount, CacheMissCount. */
export const API_GATEWAY_METHOD_METRICS = ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency', 'CacheHitCount', 'CacheMissCount'] as const;

/** Lambda's pollers of an SQS event source: 5 long polls of 20 s each, all the time (standard mode). */
export const SQS_EVENT_SOURCE_POLLERS = 5;
const LONG_POLL_SECONDS = 20;

/** One resource of a template, with the template it is in (references resolve within it). */
export interface TemplateResource {
  file: string;
  id: string;
  type: string;
  props: Record<string, any>;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, attr] }` points at. */
function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
    if (typeof att === 'string') return att.split('.')[0];
  }
  return undefined;
}

/** The metrics one alarm is billed for, and whether at the high-resolution price (period < 60 s). */
export function alarmMetrics(props: Record<string, any>): { metrics: number; highResolution: boolean; anomalyDetection: boolean } {
  const entries: Record<string, any>[] = Array.isArray(props.Metrics) ? props.Metrics : [];
  if (entries.length === 0) return { metrics: 1, highResolution: Number(props.Period ?? 60) < 60, anomalyDetection: false };
  const stats = entries.filter((m) => m.MetricStat);
  const periods = [...stats.map((m) => Number(m.MetricStat.Period ?? 60)), ...entries.filter((m) => m.Period !== undefined).map((m) => Number(m.Period))];
  // An anomaly detection alarm is billed for its metric and the band's two bounds.
  const anomalyDetection = entries.some((m) => typeof m.Expression === 'string' && /ANOMALY_DETECTION_BAND/i.test(m.Expression));
  return { metrics: Math.max(1, stats.length) * (anomalyDetection ? 3 : 1), highResolution: periods.some((p) => p < 60), anomalyDetection };
}

/** Runs a month of a `rate(...)` schedule expression; undefined for `cron(...)` and anything else. */
export function scheduleRunsPerMonth(expression: unknown): number | undefined {
  const m = typeof expression === 'string' ? /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim()) : null;
  if (!m) return undefined;
  const unit = m[2]!.startsWith('minute') ? 60 : m[2]!.startsWith('hour') ? 3600 : 86_400;
  return SECONDS_PER_MONTH / (Number(m[1]) * unit);
}

/**
 * Every method of every REST API stage that publishes per-method metrics: the stage's
 * `MethodSettings` (the most specific entry matching the method's path and verb wins; `/*` and `*`
 * match all), or a deployment's `StageDescription.MetricsEnabled`.
 */
export function apiGatewayDetailedMetrics(resources: TemplateResource[]): ApiStageMetrics[] {
  const byId = new Map(resources.map((r) => [`${r.file}#${r.id}`, r]));
  const get = (file: string, id: string | undefined) => (id ? byId.get(`${file}#${id}`) : undefined);
  const pathOf = (file: string, resourceRef: unknown): string => {
    const resource = get(file, refId(resourceRef));
    if (!resource || resource.type !== 'AWS::ApiGateway::Resource') return ''; // the API's root
    return `${pathOf(file, resource.props.ParentId)}/${resource.props.PathPart}`;
  };
  const methodsOf = (file: string, api: string | undefined) =>
    resources
      .filter((r) => r.file === file && r.type === 'AWS::ApiGateway::Method' && refId(r.props.RestApiId) === api)
      .map((r) => ({ path: pathOf(file, r.props.ResourceId) || '/', verb: String(r.props.HttpMethod) }));
  const decode = (resourcePath: string) => (resourcePath === '/*' || resourcePath === '/' ? resourcePath : resourcePath.slice(1).replace(/~1/g, '/'));

  const out: ApiStageMetrics[] = [];
  const stages = resources.filter((r) => r.type === 'AWS::ApiGateway::Stage' || (r.type === 'AWS::ApiGateway::Deployment' && r.props.StageDescription));
  for (const stage of stages) {
    const api = refId(stage.props.RestApiId);
    const settings: Record<string, any>[] =
      stage.type === 'AWS::ApiGateway::Stage'
        ? (stage.props.MethodSettings ?? [])
        : [{ ResourcePath: '/*', HttpMethod: '*', ...stage.props.StageDescription }, ...(stage.props.StageDescription.MethodSettings ?? [])];
    // The most specific entry last: a path beats `/*`, a verb beats `*`.
    const specificity = (s: Record<string, any>) => Number((s.ResourcePath ?? '/*') !== '/*') * 2 + Number((s.HttpMethod ?? '*') !== '*');
    const all = methodsOf(stage.file, api);
    const enabled = all.filter((method) => {
      const matching = settings
        .filter((s) => s.MetricsEnabled !== undefined)
        .filter((s) => (s.ResourcePath ?? '/*') === '/*' || decode(s.ResourcePath) === method.path)
        .filter((s) => (s.HttpMethod ?? '*') === '*' || s.HttpMethod === method.verb)
        .sort((a, b) => specificity(a) - specificity(b));
      return matching.at(-1)?.MetricsEnabled === true;
    });
    const name = typeof stage.props.StageName === 'string' ? stage.props.StageName : typeof stage.props.StageDescription?.StageName === 'string' ? stage.props.StageDescription.StageName : stage.id;
    out.push({ stage: name, methods: enabled.map((m) => `${m.verb} ${m.path}`), allMethods: all.length, metricsPerMethod: API_GATEWAY_METHOD_METRICS.length });
  }
  return out;
}

/** A REST API stage: the methods it publishes per-method metrics for (detailed metrics on), of all its API's methods. */
export interface ApiStageMetrics {
  stage: string;
  methods: string[];
  allMethods: number;
  metricsPerMethod: number;
}

/** The fixed monthly lines of one deployment's templates and the metrics its handlers publish. */
export function fixedMonthlyCost(templates: Record<string, CfnTemplate>, published: PublishedMetrics[]): FixedMonthly {
  const resources: TemplateResource[] = Object.entries(templates).flatMap(([file, t]) =>
    Object.entries(t.Resources ?? {}).map(([id, r]) => ({ file, id, type: r.Type, props: r.Properties ?? {} })),
  );
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const handled = new Set<string>();
  const lines: FixedMonthlyLine[] = [];
  const notes: string[] = [];
  const add = (service: string, what: string, quantity: number, unitPriceUSD: number) => {
    if (quantity > 0) lines.push({ service, what, quantity, unitPriceUSD, monthlyUSD: quantity * unitPriceUSD });
  };
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

  // ---- CloudWatch alarms: per alarm metric, standard and high resolution apart.
  handled.add('AWS::CloudWatch::Alarm');
  const alarms = ofType('AWS::CloudWatch::Alarm').map((a) => ({ name: typeof a.props.AlarmName === 'string' ? a.props.AlarmName : a.id, ...alarmMetrics(a.props) }));
  let standardAlarmMetrics = 0;
  for (const highResolution of [false, true]) {
    const group = alarms.filter((a) => a.highResolution === highResolution);
    if (group.length === 0) continue;
    const metrics = group.reduce((s, a) => s + a.metrics, 0);
    if (!highResolution) standardAlarmMetrics = metrics;
    const math = group.filter((a) => a.metrics > 1);
    const detail = math.length > 0 ? ` (${group.length - math.length} on 1 metric, ${math.length} metric-math on ${math.map((a) => a.metrics).join(' + ')} metrics${group.some((a) => a.anomalyDetection) ? '; anomaly detection: 3 per metric' : ''})` : '';
    add('CloudWatch', `${plural(group.length, `${highResolution ? 'high' : 'standard'}-resolution alarm`)}${detail}: alarm metrics`, metrics, highResolution ? PRICES.cloudWatchHighResolutionAlarmMetricMonth : PRICES.cloudWatchAlarmMetricMonth);
  }
  handled.add('AWS::CloudWatch::CompositeAlarm');
  add('CloudWatch', 'composite alarms', ofType('AWS::CloudWatch::CompositeAlarm').length, PRICES.cloudWatchCompositeAlarmMonth);

  // ---- Dashboards.
  handled.add('AWS::CloudWatch::Dashboard');
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  add('CloudWatch', plural(dashboards, 'dashboard'), dashboards, PRICES.cloudWatchDashboardMonth);

  // ---- Custom metrics: what the handlers publish, and API Gateway's per-method metrics.
  const powertools = published.filter((p) => p.metrics.length > 0);
  const powertoolsMetrics = powertools.reduce((s, p) => s + p.metrics.length * Math.max(1, p.dimensionSets.length), 0);
  const dims = [...new Set(powertools.flatMap((p) => p.dimensionSets.map((d) => `{${Object.keys(d).join(', ')}}`)))].join(' or ');
  add(
    'CloudWatch',
    `custom metrics the handlers publish (Powertools EMF): ${powertools.map((p) => `${p.function} ${p.metrics.length}`).join(' + ')} metric names x 1 dimension set ${dims || '(none)'} each`,
    powertoolsMetrics,
    PRICES.cloudWatchCustomMetricMonth,
  );
  for (const p of published) if (p.uncounted.length > 0) notes.push(`${p.function} may publish more metrics than counted: ${p.uncounted.join(', ')}.`);
  handled.add('AWS::ApiGateway::Stage');
  const detailed = apiGatewayDetailedMetrics(resources);
  for (const d of detailed) {
    add('CloudWatch', `API Gateway detailed metrics, stage ${d.stage} (MetricsEnabled): ${d.methods.length} methods x ${d.metricsPerMethod} metrics (custom metric price)`, d.methods.length * d.metricsPerMethod, PRICES.cloudWatchCustomMetricMonth);
    if (d.methods.length < d.allMethods) {
      const off = (d.allMethods - d.methods.length) * d.metricsPerMethod;
      notes.push(`API Gateway stage ${d.stage}: per-method metrics off for ${d.allMethods - d.methods.length} of ${d.allMethods} methods (MetricsEnabled not true; the API-level ones are free); on, they would add ${off} custom metrics, $${(off * PRICES.cloudWatchCustomMetricMonth).toFixed(2)} a month.`);
    }
  }
  const customMetrics = powertoolsMetrics + detailed.reduce((s, d) => s + d.methods.length * d.metricsPerMethod, 0);

  // ---- Resources priced per month each.
  handled.add('AWS::KMS::Key');
  const keys = ofType('AWS::KMS::Key');
  const rotated = keys.filter((k) => k.props.EnableKeyRotation === true).length;
  add('KMS', `${plural(keys.length, 'customer managed key')}${rotated ? ` (${rotated} rotated yearly: +$1 a month after each of the first two rotations)` : ''}`, keys.length, PRICES.kmsKeyMonth);
  handled.add('AWS::WAFv2::WebACL');
  const acls = ofType('AWS::WAFv2::WebACL');
  add('WAF', plural(acls.length, 'web ACL'), acls.length, PRICES.wafWebAclMonth);
  const rules = acls.reduce((s, a) => s + (Array.isArray(a.props.Rules) ? a.props.Rules.length : 0), 0);
  add('WAF', `rules in ${plural(acls.length, 'web ACL')} (requests $0.60/M not included)`, rules, PRICES.wafRuleMonth);
  handled.add('AWS::SecretsManager::Secret');
  add('Secrets Manager', 'secrets', ofType('AWS::SecretsManager::Secret').length, PRICES.secretsManagerSecretMonth);
  handled.add('AWS::Route53::HostedZone');
  add('Route 53', 'hosted zones', ofType('AWS::Route53::HostedZone').length, PRICES.route53HostedZoneMonth);

  // ---- Usage that recurs every month: an SQS event source's idle polls, scheduled runs.
  const byId = new Map(resources.map((r) => [`${r.file}#${r.id}`, r]));
  for (const mapping of ofType('AWS::Lambda::EventSourceMapping')) {
    const source = byId.get(`${mapping.file}#${refId(mapping.props.EventSourceArn)}`);
    const sqs = source?.type === 'AWS::SQS::Queue' || (typeof mapping.props.EventSourceArn === 'string' && mapping.props.EventSourceArn.includes(':sqs:'));
    if (!sqs) continue;
    handled.add('AWS::Lambda::EventSourceMapping');
    if (mapping.props.ProvisionedPollerConfig) notes.push(`${mapping.id}: provisioned pollers (billed per event poller unit-hour) are not priced.`);
    const polls = SQS_EVENT_SOURCE_POLLERS * (SECONDS_PER_MONTH / LONG_POLL_SECONDS);
    add('SQS', `idle long polls of the ${fnName(byId.get(`${mapping.file}#${refId(mapping.props.FunctionName)}`)) ?? mapping.id} event source (${SQS_EVENT_SOURCE_POLLERS} pollers x ${LONG_POLL_SECONDS} s, an estimate)`, polls, PRICES.sqsRequest);
  }
  for (const rule of ofType('AWS::Events::Rule')) {
    const runs = scheduleRunsPerMonth(rule.props.ScheduleExpression);
    if (rule.props.ScheduleExpression === undefined || rule.props.State === 'DISABLED') continue;
    handled.add('AWS::Events::Rule');
    if (runs === undefined) {
      notes.push(`${rule.id}: schedule ${String(rule.props.ScheduleExpression)} not priced (only rate(...) is read).`);
      continue;
    }
    for (const target of Array.isArray(rule.props.Targets) ? rule.props.Targets : []) {
      const fn = byId.get(`${rule.file}#${refId(target.Arn)}`);
      if (fn?.type !== 'AWS::Lambda::Function') continue;
      const name = fnName(fn) ?? fn.id;
      add('Lambda', `${name} runs on ${rule.props.ScheduleExpression}: requests (duration, logs and the run's own reads not counted)`, runs, PRICES.lambdaRequest);
      if (fn.props.TracingConfig?.Mode === 'Active') {
        const share = sampledShare(runs / SECONDS_PER_MONTH, LAMBDA_SAMPLING);
        add('X-Ray', `${name} runs traced (Active: Lambda's fixed rule, 1/s + 5%, records ${(share * 100).toFixed(0)}%)`, runs * share, PRICES.xrayTraceRecorded);
      }
    }
  }

  // ---- Free tiers (per account: shared with every other deployment and workload in it).
  const xrayTraces = lines.filter((l) => l.service === 'X-Ray').reduce((s, l) => s + l.quantity, 0);
  const freeTier = [
    { what: `CloudWatch: the first ${PRICES.cloudWatchFreeAlarmMetrics} standard-resolution alarm metrics`, monthlyUSD: Math.min(standardAlarmMetrics, PRICES.cloudWatchFreeAlarmMetrics) * PRICES.cloudWatchAlarmMetricMonth },
    { what: `CloudWatch: the first ${PRICES.cloudWatchFreeDashboards} dashboards`, monthlyUSD: Math.min(dashboards, PRICES.cloudWatchFreeDashboards) * PRICES.cloudWatchDashboardMonth },
    { what: `CloudWatch: the first ${PRICES.cloudWatchFreeMetrics} custom or detailed metrics`, monthlyUSD: Math.min(customMetrics, PRICES.cloudWatchFreeMetrics) * PRICES.cloudWatchCustomMetricMonth },
    { what: `X-Ray: the first ${PRICES.xrayFreeTracesPerMonth.toLocaleString('en-US')} traces (shared with the per-order traces)`, monthlyUSD: Math.min(xrayTraces, PRICES.xrayFreeTracesPerMonth) * PRICES.xrayTraceRecorded },
  ].filter((f) => f.monthlyUSD > 0);

  const noFixedPrice: Record<string, number> = {};
  for (const r of resources) if (!handled.has(r.type)) noFixedPrice[r.type] = (noFixedPrice[r.type] ?? 0) + 1;
  const totalUSD = lines.reduce((s, l) => s + l.monthlyUSD, 0);
  return {
    totalUSD,
    lines,
    freeTier,
    freeTierAdjustedUSD: totalUSD - freeTier.reduce((s, f) => s + f.monthlyUSD, 0),
    customMetrics: { powertools: published, apiGatewayDetailed: detailed },
    noFixedPrice,
    templates: Object.keys(templates),
    notes,
  };
}

/** A function's name as Amplify tags it (`amplify:friendly-name`), else its FunctionName. */
function fnName(fn: TemplateResource | undefined): string | undefined {
  if (!fn) return undefined;
  const tag = Array.isArray(fn.props.Tags) ? fn.props.Tags.find((t: { Key: string }) => t.Key === 'amplify:friendly-name') : undefined;
  return typeof tag?.Value === 'string' ? tag.Value : typeof fn.props.FunctionName === 'string' ? fn.props.FunctionName : undefined;
}

/** What the synthesis child writes (bench/synth-child.ts). */
export interface SynthResult {
  stackName: string;
  context: Record<string, unknown>;
  templates: Record<string, CfnTemplate>;
  published: PublishedMetrics[];
  seconds: number;
}

/**
 * The deployment the bill is for: the shop's production branch (Amplify Hosting's branch
 * deployment, as amplify.yml deploys it), with its customers' e-mail through a verified SES
 * identity and the operator's addresses set. A branch has what a sandbox has not (the WAF web ACL,
 * retained data, access logs). CDK_CONTEXT_JSON, when set, is merged over it.
 */
export const SHOP_DEPLOYMENT_CONTEXT: Record<string, unknown> = {
  'amplify-backend-namespace': 'shopapp1234567',
  'amplify-backend-name': 'main',
  'amplify-backend-type': 'branch',
  mailFrom: 'Shop <orders@shop.example.com>',
  mailIdentityVerified: 'true',
  notificationEmail: 'operator@shop.example.com',
  alarmEmail: 'oncall@shop.example.com',
};

/**
 * Synthesizes the backend offline in a child process (bench/synth-child.ts) into a temporary
 * CDK_OUTDIR, reads every template (root and nested) and what the handlers publish, and deletes the
 * directory. About 8 s and ~20 MB of disk while it runs.
 */
export async function synthesize(root: string, timeoutMs = 180_000, context: Record<string, unknown> = SHOP_DEPLOYMENT_CONTEXT): Promise<SynthResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'orders-synth-'));
  try {
    const given: Record<string, unknown> = process.env.CDK_CONTEXT_JSON ? JSON.parse(process.env.CDK_CONTEXT_JSON) : {};
    const child = fork(fileURLToPath(new URL('./synth-child.ts', import.meta.url)), [dir], {
      cwd: root,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ ...context, ...given }) },
      execArgv: ['--import', 'tsx', '--no-warnings'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`synthesis: no result after ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code !== 0) throw new Error(`synthesis failed (exit ${code}):\n${output.slice(-4000)}`);
    return JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as SynthResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
