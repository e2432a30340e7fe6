/**
 * AWS cost per 100,000 orders from what the local cost run counted (cost-scenario.ts), times the
 * list prices of aws-prices.ts, for the deployment the backend's CDK source describes
 * (cloud-config.ts: Standard or Express workflow, Lambda architecture, workflow log level, X-Ray
 * sampling). Every line is `counted quantity per order x unit price x 100,000`. What the stack pays
 * every month whatever the orders is apart: `fixedMonthly` (fixed-monthly.ts, set by the bench).
 */
import { NOTIFICATION_EVENTS_DEFAULT } from '../amplify/cloud/settings.ts';
import { FUNCTION_LOGGING, FUNCTIONS } from '../amplify/server/settings/functions.ts';
import { LAMBDA_CPU_SOURCE, LAMBDA_MB_PER_VCPU, PRICE_LIST, PRICES, PRICES_DATE, PRICES_REGION, PRICES_SOURCE } from './aws-prices.ts';
import { XRAY_DEFAULT_SAMPLING, type CloudConfig } from './cloud-config.ts';
import type { CostCounts } from './cost-scenario.ts';
import type { MonthlyBill } from './bill.ts';
import type { FixedMonthly } from './fixed-monthly.ts';

export const ORDERS_PER_MONTH = 100_000;
const SECONDS_PER_MONTH = 30 * 24 * 3600;
const GB = 1024 ** 3;

export interface CostLine {
  service: string;
  what: string;
  /** The billed quantity per order (requests, GB-seconds, units, GB, traces). */
  perOrder: number;
  unitPriceUSD: number;
  per100kUSD: number;
}

export interface Lever {
  name: string;
  /** Where the change would be made. */
  where: string;
  savesPer100kUSD: number;
}

/** A modelling choice the headline rests on, and what the other choice would add. */
export interface Sensitivity {
  name: string;
  addsPer100kUSD: number;
}

export interface CostFigures {
  per100kOrdersUSD: number;
  target: number;
  breakdown: CostLine[];
  byService: Record<string, number>;
  perOrder: Record<string, number>;
  /** The headline with the free tiers this workload would use in a new account (see assumptions). */
  freeTierAdjustedPer100kUSD: number;
  /** What the free tiers apply to, per 100,000 orders (the monthly bill caps them with the fixed part's). */
  freeTier: { xrayTracesPer100k: number; schedulerInvocationsPer100k: number };
  levers: Lever[];
  /** The headline minus every lever's saving. */
  withLeversPer100kUSD: number;
  sensitivities: Sensitivity[];
  /** What one deployment pays every month whatever the orders (not in the headline); the bench sets it from a synthesis. */
  fixedMonthly?: FixedMonthly;
  /** The whole monthly bill of the scenario (bill.ts); the bench sets it. */
  monthly?: MonthlyBill;
  /** How the browser reaches the API, read from the synthesized template; the bench sets it. */
  apiPath?: BrowserApiPath & { behaviors: string[] };
  deployment: CloudConfig;
  prices: { date: string; region: string; source: string; list: typeof PRICE_LIST };
  assumptions: string[];
  counts: CostCounts;
}

const memoryOf = (name: string) => Object.values(FUNCTIONS).find((f) => f.name === name)?.memoryMB ?? 128;

// ---- log line formats the cloud writes and the local run does not (lengths only) ----
const REQUEST_ID = '3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
/** Lambda's platform lines per invocation (text format), with X-Ray's line when tracing is active. */
export function lambdaPlatformLines(tracing: boolean): string[] {
  return [
    `START RequestId: ${REQUEST_ID} Version: $LATEST`,
    `END RequestId: ${REQUEST_ID}`,
    `REPORT RequestId: ${REQUEST_ID}\tDuration: 42.42 ms\tBilled Duration: 43 ms\tMemory Size: 128 MB\tMax Memory Used: 96 MB\t` +
      (tracing ? `\nXRAY TraceId: 1-6749a1b2-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\tSampled: true\t` : ''),
  ];
}
/** One Step Functions log event (vended logs, without execution data), e.g. TaskStateEntered. */
export const WORKFLOW_LOG_EVENT = JSON.stringify({
  id: '12',
  type: 'TaskStateEntered',
  details: { name: 'ArrangeShipment' },
  previous_event_id: '11',
  event_timestamp: '1764400250123',
  execution_arn: `arn:aws:states:us-east-1:123456789012:express:orderplatform-sandbox-order-workflow:${REQUEST_ID}:${REQUEST_ID}`,
  redrive_count: '0',
});
/** Values an API Gateway access log line is filled with (the format comes from the stage). */
export const ACCESS_LOG_VALUES: Record<string, string> = {
  requestId: REQUEST_ID,
  ip: '203.0.113.42',
  user: '-',
  caller: '-',
  requestTime: '29/Nov/2026:07:10:50 +0000',
  httpMethod: 'GET',
  resourcePath: '/orders/{orderId}',
  status: '200',
  protocol: 'HTTP/1.1',
  responseLength: '1480',
};

/** Lambda's own sampling for the traces it starts (no upstream decision): 1 request a second and 5% more; sampling rules do not apply. */
export const LAMBDA_SAMPLING = { reservoirPerSecond: 1, fixedRate: 0.05 };

/** The share of trace roots X-Ray records under a sampling rule at a steady request rate (per second). */
export function sampledShare(ratePerSecond: number, rule: { reservoirPerSecond: number; fixedRate: number }): number {
  if (ratePerSecond <= 0) return 0;
  const reserved = Math.min(ratePerSecond, rule.reservoirPerSecond);
  return (reserved + rule.fixedRate * (ratePerSecond - reserved)) / ratePerSecond;
}

/** Billed Express duration of one execution: 100 ms steps, at least one. */
export const expressBilledSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 100)) / 10;

export interface CostOptions {
  target?: number;
  /** Bytes of one API access log line (from the stage's format); 0 when the stage has none. */
  accessLogLineBytes: number;
  /**
   * How a browser reaches the API (bench/bill.ts `apiPathFromTemplates`): cross-origin, with a CORS
   * preflight before each POST and before each new order URL's GETs, or through the storefront's
   * own CloudFront distribution (same origin: no preflight, one CloudFront request per API request).
   * Absent: the requests as the run's Node `fetch` sent them (no preflight).
   */
  browser?: BrowserApiPath;
  /**
   * Price Lambda (and the Express executions waiting on it) at the CPU a function of its memory gets
   * (`cpuShare`: 128 MB = 0.072 of a vCPU) instead of the in-process time on a whole core.
   */
  cloudCpu?: boolean;
}

export interface BrowserApiPath {
  apiViaCloudFront: boolean;
  /** A WAF web ACL on the API stage (bench/bill.ts `apiPathFromTemplates`): $0.60 per million requests inspected. */
  webAclOnApi?: boolean;
  /** A CloudFront Function on the API's behavior: $0.10 per million invocations. */
  functionOnApi?: boolean;
  /** Access-Control-Max-Age the preflight answers with (amplify/domain/api.ts CORS.maxAgeSeconds). */
  corsMaxAgeSeconds: number;
  /** Where the decision came from (the template's distribution, or a default). */
  source: string;
}

/** Chromium caps Access-Control-Max-Age at 2 hours (Firefox at 24); the preflight cache is per URL, method and headers. */
export const BROWSER_PREFLIGHT_CACHE_CAP_SECONDS = 7200;

/**
 * CORS preflights a browser sends for the run's requests, cross-origin: one before every POST
 * /orders (each customer's first in the cache's lifetime), and before the first GET of each order
 * page's URL, again each time the preflight cache (max-age, capped by the browser) has expired
 * over the time the page watches the order.
 */
export function corsPreflights(c: Pick<CostCounts, 'orders' | 'apiRequests' | 'pollsPerOrder' | 'watchSeconds'>, maxAgeSeconds: number): { post: number; get: number } {
  const cache = Math.max(1, Math.min(maxAgeSeconds, BROWSER_PREFLIGHT_CACHE_CAP_SECONDS));
  const ordersPolled = c.pollsPerOrder.min >= 1 ? c.orders : Math.min(c.orders, c.apiRequests.get);
  const perUrl = Math.max(1, Math.ceil(c.watchSeconds.mean / cache));
  return { post: c.apiRequests.post, get: Math.min(c.apiRequests.get, ordersPolled * perUrl) };
}

/** The share of a vCPU a Lambda function of `memoryMB` gets (1,769 MB = 1 vCPU, aws-prices.ts LAMBDA_MB_PER_VCPU). */
export const cpuShare = (memoryMB: number) => Math.min(1, memoryMB / LAMBDA_MB_PER_VCPU);

/** A handler's in-process time on a whole core, as it would run on the CPU share of `memoryMB` (all of it CPU: an upper bound). */
export const cloudDurationMs = (localMs: number, memoryMB: number) => localMs / cpuShare(memoryMB);

/** How much longer each Express execution waits for its process-order tasks at the function's CPU share. */
export function expressTaskWaitMs(c: CostCounts, scheduledInvocations: number): number {
  const executions = c.executions.count;
  if (executions === 0) return 0;
  const tasks = Math.max(0, (c.invocations['process-order'] ?? 0) - scheduledInvocations) / executions;
  const count = c.invocations['process-order'] ?? 0;
  const localMs = c.calibratedMeanMs?.['process-order'] ?? (count > 0 ? (c.durationsMs['process-order'] ?? 0) / count : 0);
  return tasks * (cloudDurationMs(localMs, memoryOf('process-order')) - localMs);
}

export function computeCost(c: CostCounts, deployment: CloudConfig, options: CostOptions): CostFigures {
  const n = c.orders;
  const target = options.target ?? 5;
  const lines: CostLine[] = [];
  const add = (service: string, what: string, total: number, unitPriceUSD: number) => {
    const perOrder = total / n;
    lines.push({ service, what, perOrder, unitPriceUSD, per100kUSD: perOrder * unitPriceUSD * ORDERS_PER_MONTH });
  };
  const express = deployment.workflowType === 'EXPRESS';
  const browser = options.browser;
  const preflight = browser && !browser.apiViaCloudFront ? corsPreflights(c, browser.corsMaxAgeSeconds) : { post: 0, get: 0 };
  const preflights = preflight.post + preflight.get;
  const appRequests = c.apiRequests.post + c.apiRequests.get + c.apiRequests.other;
  // Every request API Gateway answers (preflights too: a MOCK integration is billed, logged and traced like any).
  const apiRequests = appRequests + preflights;
  const delivered = c.statuses.DELIVERED ?? 0;
  // Express: each shipped order's delivery is confirmed by one scheduled invocation of
  // process-order (a one-time EventBridge Scheduler schedule), not by a workflow task; and each
  // order held for its cancel window is started again by one (its execution is counted above).
  const scheduledInvocations = express ? delivered + c.executions.shipmentStarts : 0;

  // ---- API Gateway: every request the customer's browser made for the order.
  add('API Gateway', `REST requests (${(c.apiRequests.post / n).toFixed(2)} POST + ${c.pollsPerOrder.mean.toFixed(2)} GET polls)`, appRequests, PRICES.apiGatewayRestRequest);
  if (browser && !browser.apiViaCloudFront) {
    add(
      'API Gateway',
      `CORS preflights (OPTIONS), cross-origin API: ${(preflight.post / n).toFixed(2)} before the POST + ${(preflight.get / n).toFixed(2)} before the order page's GETs (Access-Control-Max-Age ${browser.corsMaxAgeSeconds} s, per URL)`,
      preflights,
      PRICES.apiGatewayRestRequest,
    );
  }
  if (browser?.apiViaCloudFront) {
    add('CloudFront', `API requests through the storefront's distribution (same origin, caching disabled: no preflight; ${browser.source})`, appRequests, PRICES.cloudFrontHttpsRequest);
  }
  if (browser?.functionOnApi) add('CloudFront', "the API behavior's function (the viewer's address for WAF), once per API request", appRequests, PRICES.cloudFrontFunctionInvocation);
  if (browser?.webAclOnApi) add('WAF', 'API requests inspected by the web ACL on the stage', appRequests + preflights, PRICES.wafRequest);

  // ---- AppSync Events (live order status, issue 26): the order page's socket replaces its polls.
  if (c.liveEvents) {
    const e = c.liveEvents;
    const operations = e.connects + e.subscribes + e.publishes + e.deliveries;
    add(
      'AppSync Events',
      `operations (${(e.connects / n).toFixed(2)} connect + ${(e.subscribes / n).toFixed(2)} subscribe + ${(e.publishes / n).toFixed(2)} events published, customer's and staff's channels + ${(e.deliveries / n).toFixed(2)} delivered to the order page)`,
      operations,
      PRICES.appsyncEventsOperation,
    );
    add('AppSync Events', `connection minutes (the order page open ${(e.connectionSeconds / Math.max(1, e.connects)).toFixed(1)} s, billed by the minute)`, Math.max(e.connects, Math.ceil(e.connectionSeconds / 60)), PRICES.appsyncEventsConnectionMinute);
  }

  // ---- Lambda: requests, and GB-seconds from the mean local handler time rounded up to 1 ms.
  const gbSecondPrice = deployment.lambdaArchitecture === 'arm64' ? PRICES.lambdaArmGbSecond : PRICES.lambdaGbSecond;
  const invocations = Object.entries(c.invocations).filter(([, v]) => v > 0);
  for (const [name, count] of invocations) {
    add('Lambda', `${name} requests`, count, PRICES.lambdaRequest);
    // The sequential pass's handler time when there is one (no queueing for the shared cores).
    const calibrated = c.calibratedMeanMs?.[name];
    const localMs = calibrated ?? (c.durationsMs[name] ?? 0) / count;
    const memory = memoryOf(name);
    const meanMs = Math.ceil(options.cloudCpu ? cloudDurationMs(localMs, memory) : localMs);
    const gbSeconds = count * (meanMs / 1000) * (memory / 1024);
    const timing = options.cloudCpu ? `${localMs.toFixed(1)} ms${calibrated === undefined ? '' : ' sequential'} / ${cpuShare(memory).toFixed(3)} vCPU = ${meanMs} ms` : `${meanMs} ms${calibrated === undefined ? '' : ' sequential'}`;
    add('Lambda', `${name} GB-s, ${deployment.lambdaArchitecture} (${(count / n).toFixed(2)} x ${timing} x ${memory} MB)`, gbSeconds, gbSecondPrice);
  }

  // ---- Step Functions.
  const executions = c.executions.count;
  const transitions = c.executions.transitions + c.executions.retries;
  if (express) {
    add('Step Functions', `Express requests (${(executions / n).toFixed(2)}/order)`, executions, PRICES.sfnExpressRequest);
    // Billed per execution in 100 ms steps; the sequential pass's executions when there are
    // some (the counted run's wall times include queueing for the shared cores).
    const measured = c.calibrationExecutionMs?.length ? c.calibrationExecutionMs : c.executions.durationsMs;
    // At the functions' CPU share each execution also waits longer for its process-order tasks.
    const taskWaitMs = options.cloudCpu ? expressTaskWaitMs(c, scheduledInvocations) : 0;
    const sample = measured.map((ms) => ms + taskWaitMs);
    const billedPerExecution = sample.reduce((s, ms) => s + expressBilledSeconds(ms), 0) / Math.max(1, sample.length);
    const billedSeconds = billedPerExecution * executions;
    add('Step Functions', `Express duration (${billedPerExecution.toFixed(1)} s/execution billed in 100 ms steps, 64 MB)`, billedSeconds * (64 / 1024), PRICES.sfnExpressGbSecond);
    add('EventBridge Scheduler', `delivery confirmations and cancel-window shipments (${(scheduledInvocations / n).toFixed(2)}/order)`, scheduledInvocations, PRICES.schedulerInvocation);
  } else {
    add('Step Functions', `Standard transitions (${(transitions / n).toFixed(2)}/order incl. ${c.executions.retries} retries)`, transitions, PRICES.sfnStandardTransition);
  }

  // ---- DynamoDB: write units per table and per index from each write's before/after item.
  for (const [table, u] of Object.entries(c.dynamodbUnits)) {
    add('DynamoDB', `${table} table WRU (${(u.writes / n).toFixed(2)} writes/order, ${u.failedConditionalWrites} refused)`, u.tableUnits, PRICES.dynamoWriteRequestUnit);
    for (const [index, i] of Object.entries(u.indexes)) {
      const ops = [`${(i.puts / n).toFixed(2)} put`, `${(i.moves / n).toFixed(2)} key moves (2 writes)`, `${(i.rewrites / n).toFixed(2)} rewrites`, `${(i.deletes / n).toFixed(2)} deletes`];
      add('DynamoDB', `${index} WRU (${ops.join(', ')} per order)`, i.units, PRICES.dynamoWriteRequestUnit);
    }
    if (u.reads > 0) add('DynamoDB', `${table} GetItem RRU (${(u.reads / n).toFixed(2)}/order)`, u.readUnits, PRICES.dynamoReadRequestUnit);
  }
  for (const op of ['Query', 'Scan']) {
    const stats = c.services.dynamodb?.[op];
    if (stats && stats.requests > 0) add('DynamoDB', `${op} RRU (by returned size)`, Math.max(stats.requests, Math.ceil(stats.responseBytes / 4096)), PRICES.dynamoReadRequestUnit);
  }

  // ---- SQS: SendMessage from the handlers, plus the event source's receive and delete per batch.
  const sqsHandler = Object.values(c.services.sqs ?? {}).reduce((s, op) => s + op.requests, 0);
  add('SQS', 'handler requests (SendMessage)', sqsHandler, PRICES.sqsRequest);
  const batches = c.invocations['order-starter'] ?? 0;
  add('SQS', `event source ReceiveMessage + DeleteMessageBatch (${(batches / n).toFixed(2)} batches/order)`, batches * 2, PRICES.sqsRequest);

  // ---- SNS: the order events, and the operator's e-mail of those NOTIFICATION_EVENTS lets through
  // (one event per customer e-mail kind the run sent: the outbox's count by kind).
  add('SNS', 'Publish (order events)', c.services.sns?.Publish?.requests ?? 0, PRICES.snsPublish);
  const operatorEvents = NOTIFICATION_EVENTS_DEFAULT.reduce((sum, kind) => sum + (c.emailsByKind?.[kind] ?? 0), 0);
  add('SNS', `the operator's e-mail (NOTIFICATION_EMAIL, filtered to ${NOTIFICATION_EVENTS_DEFAULT.join(', ')}: ${(operatorEvents / n).toFixed(3)} per order)`, operatorEvents, PRICES.snsEmailDelivery);

  // ---- CloudWatch Logs: bytes per event plus 26 bytes of per-event overhead, priced per GB.
  const overhead = PRICES.cloudWatchLogsEventOverheadBytes;
  const handlerBytes = Object.values(c.logs).reduce((s, l) => s + l.bytes + l.events * overhead, 0);
  const handlerEvents = Object.values(c.logs).reduce((s, l) => s + l.events, 0);
  add('CloudWatch Logs', `Lambda handler logs at ${FUNCTION_LOGGING.applicationLevel} (${(handlerEvents / n).toFixed(1)} lines/order, measured)`, handlerBytes / GB, PRICES.cloudWatchLogsIngestGb);
  if (c.metricLines) {
    const metricEvents = Object.values(c.metricLines).reduce((s, l) => s + l.events, 0);
    const metricBytes = Object.values(c.metricLines).reduce((s, l) => s + l.bytes + l.events * overhead, 0);
    add('CloudWatch Logs', `Powertools EMF metric lines (${(metricEvents / n).toFixed(2)} lines/order, ${Math.round(metricBytes / Math.max(1, metricEvents))} B each, measured)`, metricBytes / GB, PRICES.cloudWatchLogsIngestGb);
  }
  const allInvocations = invocations.reduce((s, [, v]) => s + v, 0);
  // Lambda's own lines per invocation: INFO (its default) writes them, WARN drops them.
  const platformBytes = deployment.lambdaSystemLogLevel === 'WARN' ? 0 : lambdaPlatformLines(true).reduce((s, l) => s + Buffer.byteLength(l) + overhead, 0);
  add(
    'CloudWatch Logs',
    `Lambda START/END/REPORT lines (${(allInvocations / n).toFixed(2)} invocations/order, system log level ${deployment.lambdaSystemLogLevel}${platformBytes === 0 ? ': none written' : ''})`,
    (allInvocations * platformBytes) / GB,
    PRICES.cloudWatchLogsIngestGb,
  );
  if (options.accessLogLineBytes > 0) {
    add('CloudWatch Logs', `API access log (${deployment.apiAccessLogFormat}, ${options.accessLogLineBytes} B/request)`, (apiRequests * (options.accessLogLineBytes + overhead)) / GB, PRICES.cloudWatchLogsIngestGb);
  }
  const workflowEvents = workflowLogEvents(c, deployment, scheduledInvocations);
  add('CloudWatch Logs', `workflow log at ${deployment.workflowLogLevel} (${(workflowEvents / n).toFixed(1)} events/order)`, (workflowEvents * (Buffer.byteLength(WORKFLOW_LOG_EVENT) + overhead)) / GB, PRICES.cloudWatchLogsIngestGb);
  const ingestedGb = lines.filter((l) => l.service === 'CloudWatch Logs').reduce((s, l) => s + l.perOrder * n, 0);
  add('CloudWatch Logs', 'storage, 1-month retention (uncompressed: an upper bound)', ingestedGb, PRICES.cloudWatchLogsStorageGbMonth);

  // ---- X-Ray: one trace per request that starts one; the services and functions it reaches join it.
  // API Gateway decides for each request by the account's sampling rules (the backend's
  // CfnSamplingRule, else X-Ray's default rule). A function in Active mode decides for the
  // invocations that arrive without a decision (order-starter's SQS batches, the scheduled delivery
  // confirmations) by Lambda's own fixed rule, which no sampling rule changes: at this volume it
  // records all of them. In PassThrough mode (`deployment.functionTracing`) it starts none. Step Functions
  // follows the decision the execution's starter hands it in the X-Amzn-Trace-Id header and samples
  // by the account's rules only executions started without one. order-starter always sends one: Lambda
  // gives every invocation a trace header in either mode and the SDK passes it on (in PassThrough
  // unsampled unless the invocation is part of a sampled trace; in Active its own trace's, counted
  // above). So no execution starts a trace (the recovery job's few restarts follow its own trace).
  const apiRate = ((apiRequests / n) * ORDERS_PER_MONTH) / SECONDS_PER_MONTH;
  const apiShare = sampledShare(apiRate, deployment.xraySampling);
  add('X-Ray', `API traces recorded (${(apiRequests / n).toFixed(2)} requests/order x ${(apiShare * 100).toFixed(1)}% sampled: ${deployment.xraySampling.rule})`, apiRequests * apiShare, PRICES.xrayTraceRecorded);
  const active = (fn: keyof typeof FUNCTIONS) => deployment.functionTracing[FUNCTIONS[fn].name] !== 'PassThrough';
  const lambdaRoots = (active('orderStarter') ? batches : 0) + (active('processOrder') ? scheduledInvocations : 0);
  const lambdaRate = ((lambdaRoots / n) * ORDERS_PER_MONTH) / SECONDS_PER_MONTH;
  const lambdaShare = sampledShare(lambdaRate, LAMBDA_SAMPLING);
  add(
    'X-Ray',
    `Lambda-started traces recorded (${active('orderStarter') ? `${(batches / n).toFixed(2)} SQS batches` : 'none from order-starter (PassThrough)'} + ${active('processOrder') ? `${(scheduledInvocations / n).toFixed(2)} scheduled invocations/order` : 'none from the schedules (process-order PassThrough)'} x ${(lambdaShare * 100).toFixed(0)}%: Lambda's fixed rule)`,
    lambdaRoots * lambdaShare,
    PRICES.xrayTraceRecorded,
  );
  const workflowRoots = 0;
  add(
    'X-Ray',
    `workflow-started traces recorded (none: the ${(executions / n).toFixed(2)} executions/order follow the decision order-starter (${active('orderStarter') ? 'Active' : 'PassThrough'}) hands them in its trace header)`,
    workflowRoots,
    PRICES.xrayTraceRecorded,
  );
  const roots = apiRequests + lambdaRoots + workflowRoots;
  // Sensitivity: were Step Functions to sample every execution itself by X-Ray's default rule.
  const executionRate = ((executions / n) * ORDERS_PER_MONTH) / SECONDS_PER_MONTH;
  const executionDefaultShare = sampledShare(executionRate, XRAY_DEFAULT_SAMPLING);
  const sensitivities: Sensitivity[] = [
    {
      name: `Step Functions sampling every execution itself by X-Ray's default rule (1/s + 5%: ${(executionDefaultShare * 100).toFixed(0)}% of ${executionRate.toFixed(3)} executions/s) instead of following order-starter's decision`,
      addsPer100kUSD: executions * executionDefaultShare * PRICES.xrayTraceRecorded * (ORDERS_PER_MONTH / n),
    },
  ];

  const total = lines.reduce((s, l) => s + l.per100kUSD, 0);
  const byService: Record<string, number> = {};
  for (const l of lines) byService[l.service] = (byService[l.service] ?? 0) + l.per100kUSD;
  // The customers' e-mails (SES, per e-mail sent, counted in the run): their own line, beside the
  // infrastructure total and not in it (its target is the infrastructure's); e-mails are the shop's message to its customers.
  byService.SES = c.mails * PRICES.sesEmail * (ORDERS_PER_MONTH / n);

  // ---- Free tiers (ignored by the headline: they are per account and shared with other workloads).
  const schedulerUsd = byService['EventBridge Scheduler'] ?? 0;
  const tracesPerMonth = ((apiRequests * apiShare + lambdaRoots * lambdaShare) / n) * ORDERS_PER_MONTH;
  const xrayFree = Math.min(tracesPerMonth, PRICES.xrayFreeTracesPerMonth) * PRICES.xrayTraceRecorded;
  const schedulerFree = (scheduledInvocations / n) * ORDERS_PER_MONTH <= PRICES.schedulerFreeInvocationsPerMonth ? schedulerUsd : 0;

  // ---- Levers: what each change not yet made would save, from the same counts (0 once made).
  const levers: Lever[] = [];
  const leanRule = { reservoirPerSecond: 0, fixedRate: 0.05 };
  const apiTracesUsd = lines.find((l) => l.what.startsWith('API traces'))?.per100kUSD ?? 0;
  levers.push({
    name: 'X-Ray sampling rule for the API stage: reservoir 0, 5% of requests (CfnSamplingRule)',
    where: 'backend (amplify/cloud/tracing.ts): the bench reads the rule from there',
    savesPer100kUSD: apiTracesUsd - apiRequests * sampledShare(apiRate, leanRule) * PRICES.xrayTraceRecorded * (ORDERS_PER_MONTH / n),
  });
  // PassThrough: Lambda records a trace only when its caller's header says sampled (0 once pulled);
  // the executions then follow order-starter's unsampled decision, so nothing takes those traces' place.
  const lambdaTracesUsd = lines.find((l) => l.what.startsWith('Lambda-started traces'))?.per100kUSD ?? 0;
  levers.push({
    name: "Lambda tracing PassThrough on order-starter and process-order: no traces of their own, only as part of a sampled one",
    where: 'backend (amplify/server/settings/functions.ts FUNCTIONS tracing)',
    savesPer100kUSD: lambdaTracesUsd,
  });
  const platformUsd = lines.find((l) => l.what.startsWith('Lambda START/END/REPORT'))?.per100kUSD ?? 0;
  levers.push({
    name: "Lambda's system log level WARN (JSON log format): drops the START/END/REPORT lines of every invocation",
    where: 'backend (amplify/server/settings/functions.ts FUNCTION_LOGGING)',
    savesPer100kUSD: platformUsd * (1 + PRICES.cloudWatchLogsStorageGbMonth / PRICES.cloudWatchLogsIngestGb),
  });
  if (preflights > 0) {
    // Same origin through the storefront's distribution: no preflight (nor its access log line and
    // trace), one CloudFront request per API request instead.
    const preflightShare = preflights / apiRequests;
    const logsAndTracesUsd = lines.filter((l) => l.what.startsWith('API access log') || l.what.startsWith('API traces')).reduce((s, l) => s + l.per100kUSD, 0) * preflightShare;
    levers.push({
      name: `API through the storefront's CloudFront (a /prod/* behavior, caching disabled): no CORS preflight (${(preflights / n).toFixed(2)}/order), +1 CloudFront request per API request`,
      where: 'backend (amplify/cloud/storefront-distribution.ts: a cache behavior to the API origin; the storefront calls it same-origin)',
      savesPer100kUSD: (preflights * PRICES.apiGatewayRestRequest - appRequests * PRICES.cloudFrontHttpsRequest) * (ORDERS_PER_MONTH / n) + logsAndTracesUsd,
    });
  }
  // With the CloudFront lever in the same list, the HTTP API saves only on the requests that remain.
  const restUsd = (byService['API Gateway'] ?? 0) - preflights * PRICES.apiGatewayRestRequest * (ORDERS_PER_MONTH / n);
  levers.push({
    name: 'HTTP API instead of REST ($1.00 instead of $3.50 per million requests)',
    where: 'backend (API construct; the Cognito authorizer and CORS exist for HTTP APIs too)',
    savesPer100kUSD: restUsd * (1 - PRICES.apiGatewayHttpRequest / PRICES.apiGatewayRestRequest),
  });
  // One poll of the order page: an API request, an app-server invocation, a read, its logs and trace.
  const perPollUsd = perPollCost(c, lines, apiShare, options.accessLogLineBytes);
  levers.push({
    name: `order page polls once less per order (now ${c.pollsPerOrder.mean.toFixed(2)}; each costs $${perPollUsd.toFixed(3)} per 100k orders)`,
    where: 'storefront (src/lib/timeline.ts pollDelay) or a push channel',
    savesPer100kUSD: perPollUsd,
  });

  return {
    per100kOrdersUSD: total,
    target,
    breakdown: lines,
    byService,
    perOrder: {
      apiRequests: apiRequests / n,
      corsPreflights: preflights / n,
      metricLines: Object.values(c.metricLines ?? {}).reduce((s, l) => s + l.events, 0) / n,
      getPolls: c.pollsPerOrder.mean,
      lambdaInvocations: allInvocations / n,
      workflowExecutions: executions / n,
      stateTransitions: transitions / n,
      scheduledInvocations: scheduledInvocations / n,
      dynamodbWrites: Object.values(c.dynamodbUnits).reduce((s, u) => s + u.writes, 0) / n,
      dynamodbWriteUnits: Object.values(c.dynamodbUnits).reduce((s, u) => s + u.tableUnits + Object.values(u.indexes).reduce((t, i) => t + i.units, 0), 0) / n,
      dynamodbReads: Object.values(c.dynamodbUnits).reduce((s, u) => s + u.reads, 0) / n,
      logBytes: (ingestedGb * GB) / n,
      traceRoots: roots / n,
      snsPublishes: (c.services.sns?.Publish?.requests ?? 0) / n,
      emails: c.mails / n,
      sesPer100kUSD: byService.SES,
    },
    freeTierAdjustedPer100kUSD: total - xrayFree - schedulerFree,
    freeTier: { xrayTracesPer100k: tracesPerMonth, schedulerInvocationsPer100k: (scheduledInvocations / n) * ORDERS_PER_MONTH },
    // A lever already pulled (e.g. the sampling rule, once deployed) saves nothing more.
    levers: levers.filter((l) => l.savesPer100kUSD > 0.0005),
    withLeversPer100kUSD: total - levers.reduce((s, l) => s + Math.max(0, l.savesPer100kUSD), 0),
    sensitivities,
    deployment,
    prices: { date: PRICES_DATE, region: PRICES_REGION, source: PRICES_SOURCE, list: PRICE_LIST },
    assumptions: [
      `Deployment read from the backend source: ${deployment.workflowType} workflow (${deployment.sources.workflowType}), workflow log level ${deployment.workflowLogLevel}, Lambda ${deployment.lambdaArchitecture} (${deployment.sources.lambdaArchitecture}), X-Ray ${deployment.xraySampling.rule}.`,
      `Payment success rate ${c.settings.paymentSuccessRate} (declines are real traffic); outcomes ${JSON.stringify(c.statuses)} of ${n} orders.`,
      c.liveEvents
        ? `Each customer (signed in) keeps the order page open from POST until the order is shipped or final (src/lib/timeline.ts keepsPolling; delivery is days later), on its live socket (issue 26): one connect, one subscribe, one GET once subscribed (${c.pollsPerOrder.mean.toFixed(2)} GETs per order), then the status events; staff's All orders page is not open (its deliveries would add one operation per event while open). A customer coming back to see the delivery costs one more GET (the poll lever's price).`
        : `Each customer keeps the order page open from POST until the page stops polling (src/lib/timeline.ts keepsPolling: once the order is shipped or final; delivery is days later), with the page's back-off (${JSON.stringify(c.pollBackoff)} over its defaults): ${c.pollsPerOrder.mean.toFixed(2)} GETs per order. A customer coming back to see the delivery costs one more GET (the poll lever's price).`,
      `Lambda durations: the local handlers' mean time per invocation in a sequential pass of ${c.calibrationOrders} more orders after the counted run (in-process, beside the local services on two shared cores: an upper bound for I/O-bound handlers), rounded up to 1 ms; the counted run's own mean includes queueing for the cores.${options.cloudCpu ? ` Then divided by the CPU share of the function's memory (Lambda: 1,769 MB = one vCPU, ${LAMBDA_CPU_SOURCE}; 128 MB = ${cpuShare(128).toFixed(3)} of a core, x${(1 / cpuShare(128)).toFixed(1)}), as if all of it were the handler's CPU: an upper bound (the in-process time includes the local services' own work and waits that the cloud's network replaces). Express executions: each waits that much longer for its process-order tasks.` : ' At a whole core (no CPU share applied).'}`,
      browser
        ? browser.apiViaCloudFront
          ? `API requests as a browser makes them: same origin through the storefront's CloudFront (${browser.source}): no CORS preflight; each API request is also a CloudFront request ($0.0100 per 10,000; the responses' ~1.5 KB of data transfer out, ~1 GB a month, is inside CloudFront's free 1 TB and not priced).`
          : `API requests as a browser makes them: cross-origin (${browser.source}), so each POST and each new order URL's GETs are preceded by a CORS preflight (Authorization, Idempotency-Key and a JSON body make them non-simple; Access-Control-Max-Age ${browser.corsMaxAgeSeconds} s, capped at ${BROWSER_PREFLIGHT_CACHE_CAP_SECONDS} s by Chromium, caches per URL): ${(preflights / n).toFixed(2)} per order, billed, logged and traced as API requests.`
        : 'API requests as the run\'s Node fetch made them (no CORS preflight; a browser sends them).',
      c.metricLines
        ? `EMF metric lines: counted from the run (each publishStoredMetrics with stored metrics is one line, serialized as the cloud prints it; the cloud's namespace and service also carry the deployment name, ~60 bytes more a line, not added).`
        : 'EMF metric lines: not counted in these counts (an older counts file).',
      'Express duration: each execution\'s local wall time rounded up to 100 ms at the 64 MB minimum (local retry waits are shortened, so a run with retries under-counts them).',
      'DynamoDB: every write priced at the larger of its before/after item, every index entry it puts, moves (2 writes), rewrites or deletes at the projected size (write-ledger.ts); reads at the size of the item read; refused conditional writes cost their item size.',
      'SQS: the event source is approximated by one ReceiveMessage and one DeleteMessageBatch per order-starter batch; its idle long polls (~$0.26 a month) are not per order: they are in fixedMonthly.',
      `CloudWatch Logs: the handlers' log lines as the local run wrote them at ${FUNCTION_LOGGING.applicationLevel} (the functions' application log level in the cloud, settings/functions.ts FUNCTION_LOGGING), Lambda's START/END/REPORT lines per invocation unless its system log level is WARN, one access log line per API request in the stage's format, the workflow's history events at its log level; 26 bytes per event; EMF metric lines as counted (below).`,
      `X-Ray: API requests at ${apiRate.toFixed(2)}/s (100,000 orders spread over a month) under ${deployment.xraySampling.rule}: ${(apiShare * 100).toFixed(1)}% recorded; Lambda-started traces (SQS batches, scheduled invocations of functions in Active mode) at ${lambdaRate.toFixed(3)}/s under Lambda's fixed rule (1/s + 5%, not configurable): ${(lambdaShare * 100).toFixed(0)}% recorded; workflow executions: none start a trace of their own, they follow the decision order-starter hands Step Functions in its trace header (Lambda gives every invocation one, PassThrough or Active, and the SDK passes it on; Step Functions samples by the account's rules only executions started without one). Were Step Functions to sample every execution by X-Ray's default rule (1/s + 5%) instead, ${executionRate.toFixed(3)} executions/s: ${(executionDefaultShare * 100).toFixed(0)}% recorded, +$${sensitivities[0]!.addsPer100kUSD.toFixed(2)} per 100k orders. The functions a trace reaches join it.`,
      `Free tiers are ignored in the headline (they are per account). With them (a new account): X-Ray's first 100,000 traces a month and Scheduler's first 14 million invocations are free: $${(total - xrayFree - schedulerFree).toFixed(2)}.`,
      'Not in the per-order figure: what the stack pays every month whatever the orders (fixedMonthly, counted from a synthesis of the backend), the storefront\'s CloudFront requests and data out (per visit), Cognito (per monthly active user), the customers\' SES e-mails and table storage: all in the whole monthly bill, `monthly` (bill.ts).',
    ],
    counts: c,
  };
}

/** History events the workflow writes to its log group at its log level. */
export function workflowLogEvents(c: CostCounts, deployment: CloudConfig, scheduledInvocations: number): number {
  const failed = c.executions.byStatus.FAILED ?? 0;
  // Task attempts of the workflow: process-order invocations it made (retries included).
  const taskAttempts = Math.max(0, (c.invocations['process-order'] ?? 0) - scheduledInvocations);
  switch (deployment.workflowLogLevel) {
    case 'ALL':
      // ExecutionStarted + ExecutionSucceeded/Failed; StateEntered + StateExited per state;
      // TaskScheduled + TaskStarted + TaskSucceeded/Failed per task attempt.
      return c.executions.count * 2 + c.executions.transitions * 2 + taskAttempts * 3;
    case 'ERROR':
      // Failure events only: a failed attempt (retried or caught) and a failed execution.
      return c.executions.retries + failed * 2;
    case 'FATAL':
      return failed;
    default:
      return 0;
  }
}

/** What one more GET of the order page costs, per 100k orders, from the run's own per-request figures. */
function perPollCost(c: CostCounts, lines: CostLine[], traceShare: number, accessLogLineBytes: number): number {
  const appServer = c.invocations['app-server'] ?? 0;
  const lambdaGbs = lines.find((l) => l.what.startsWith('app-server GB-s'));
  const gbsPerInvocation = lambdaGbs && appServer > 0 ? (lambdaGbs.perOrder * c.orders) / appServer : 0;
  const orders = Object.values(c.dynamodbUnits)[0];
  const readUnitsPerGet = orders && orders.reads > 0 ? orders.readUnits / orders.reads : 1;
  const logBytes = (c.logs['app-server']?.bytes ?? 0) / Math.max(1, appServer) + accessLogLineBytes + 3 * PRICES.cloudWatchLogsEventOverheadBytes;
  const usd =
    PRICES.apiGatewayRestRequest +
    PRICES.lambdaRequest +
    gbsPerInvocation * (lambdaGbs?.unitPriceUSD ?? PRICES.lambdaGbSecond) +
    readUnitsPerGet * PRICES.dynamoReadRequestUnit +
    (logBytes / GB) * PRICES.cloudWatchLogsIngestGb +
    traceShare * PRICES.xrayTraceRecorded;
  return usd * ORDERS_PER_MONTH;
}
