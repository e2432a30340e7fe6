/**
 * The cost run, inside a child process with an instrumented stack: customers place orders the way
 * the storefront does (POST with an Idempotency-Key) and each keeps the order page open, which,
 * signed in, opens its live socket (AppSync Events, issue 26), reads GET /orders/{id} once when
 * subscribed and follows the status events, with the page's stopping rule (`keepsPolling` of
 * src/lib/timeline.ts: until the order ships or is final). The run then waits until every order
 * is final (the scheduled delivery confirmations included), and everything the handlers and the
 * page did is counted and sent back.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DescribeTableCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Order } from '../amplify/domain/order.ts';
import { isFinal } from '../amplify/domain/order-rules.ts';
import { LOCAL_AWS } from '../local/shared/aws.ts';
import type { OperationStats } from '../local/shared/service-proxy.ts';
import type { LocalStack } from '../local/stack/stack.ts';
import { CANCEL_WINDOW } from '../amplify/server/settings/pipeline.ts';
import { keepsPolling, pollDelay } from '../src/lib/timeline.ts';
import { itemSize } from './item-size.ts';
import { idempotencyKey, orderRequest } from './order-request.ts';
import { openLivePage } from './live-page.ts';
import { isNewer, withEvent } from '../amplify/domain/live-updates.ts';
import { FALLBACK_POLL } from '../src/lib/live-orders.ts';
import { DEMO_USERS, signInWithPassword } from '../local/cognito/cognito.ts';
import { strongReadUnits, WriteLedger, type LedgerTotals, type TableSpec } from './write-ledger.ts';

/** Log output of the handlers during the run, by Powertools `service` (the function's name). */
export interface LogCounts {
  bytes: number;
  events: number;
}

/** How the simulated customer's order page polls: src/lib/timeline.ts's defaults unless the bench assumes otherwise. */
export interface PollBackoff {
  initial?: number;
  factor?: number;
  max?: number;
}

export interface CostCounts {
  orders: number;
  apiRequests: { post: number; get: number; other: number };
  /** GET /orders/{id} per order page, from POST until the page stops polling. */
  pollsPerOrder: { mean: number; min: number; max: number };
  watchSeconds: { mean: number };
  /** Final statuses of the run's orders (from the table, once every order is final). */
  statuses: Record<string, number>;
  invocations: Record<string, number>;
  durationsMs: Record<string, number>;
  services: Record<string, Record<string, OperationStats>>;
  dynamodbByTable: Record<string, number>;
  executions: {
    count: number;
    transitions: number;
    retries: number;
    byStatus: Record<string, number>;
    /** Wall time of each execution, start to stop (local timings). */
    durationsMs: number[];
    /** Executions a cancel window's shipment schedule started (each one Scheduler invocation). */
    shipmentStarts: number;
  };
  /** Write and read request units by table, from each call's item sizes (write-ledger.ts). */
  dynamodbUnits: Record<string, LedgerTotals & { readUnits: number; reads: number; shadowMismatches: number }>;
  /** What the handlers wrote to stdout/stderr (their CloudWatch Logs), by function. */
  logs: Record<string, LogCounts>;
  pollBackoff: PollBackoff;
  /**
   * Live order status (issue 26), per run: the order pages' sockets (one connect and one subscribe
   * each), the events the functions published (every channel), the events delivered to the pages,
   * and the seconds the sockets were open. Absent in counts recorded before it existed.
   */
  liveEvents?: { connects: number; subscribes: number; publishes: number; deliveries: number; connectionSeconds: number };
  /** What the outbox received: today the notification topic's publishes (one e-mail each to its subscriber). */
  mails: number;
  /**
   * The outbox's e-mails by `kind` when its records carry one (issue 21's per-customer e-mails:
   * order-confirmed, order-shipped, ...); absent when none does (today).
   */
  emailsByKind?: Record<string, number>;
  /**
   * Powertools EMF metric lines the handlers wrote, by function (one per invocation that added a
   * metric; counted from `publishStoredMetrics`, which the local stack's POWERTOOLS_METRICS_DISABLED
   * keeps from printing: each line is serialized as the cloud would print it, and its bytes counted).
   */
  metricLines?: Record<string, LogCounts>;
  itemBytes: { orders: { mean: number; max: number; pendingMean: number }; idempotency: { mean: number; max: number } };
  settings: { paymentSuccessRate: number; deliveryWaitMs: number; retryIntervalMs: number; concurrency: number };
  /**
   * Mean handler time per invocation (ms) by function, from a second, sequential pass of a few
   * orders after the counted run (one customer at a time), so that time spent queueing for the
   * machine's two shared cores is not priced as Lambda duration.
   */
  calibratedMeanMs: Record<string, number>;
  calibrationOrders: number;
  /** Wall time of each workflow execution of the sequential pass (Express bills duration). */
  calibrationExecutionMs: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function snapshot(stats: Map<string, OperationStats>): Record<string, OperationStats> {
  return Object.fromEntries([...stats.entries()].map(([op, s]) => [op, { ...s }]));
}

function diff(after: Record<string, OperationStats>, before: Record<string, OperationStats>): Record<string, OperationStats> {
  const out: Record<string, OperationStats> = {};
  for (const [op, a] of Object.entries(after)) {
    const b = (before[op] ?? {}) as unknown as Record<string, number>;
    // Every numeric field of the proxy's stats, whatever fields it has.
    const d = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'number' ? v - (b[k] ?? 0) : v])) as unknown as OperationStats;
    if (d.requests > 0) out[op] = d;
  }
  return out;
}

async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The orders table once it holds `count` orders, all final (at most 60 s after the last poll). */
async function untilAllFinal(client: DynamoDBClient, table: string, count: number): Promise<Record<string, AttributeValue>[]> {
  for (let waited = 0; ; waited += 200) {
    const items = await scanAll(client, table);
    const open = items.filter((item) => !isFinal(item.status?.S as Order['status']));
    if (items.length >= count && open.length === 0) return items;
    if (waited >= 60_000) throw new Error(`cost run: ${open.length} of ${items.length} orders not final after 60 s`);
    await sleep(200);
  }
}

/** The table's keys and indexes as the local stack created them (from amplify/server/settings/tables.ts, like the CDK table). */
async function tableSpec(client: DynamoDBClient, name: string): Promise<TableSpec> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  return {
    name,
    keys: (Table?.KeySchema ?? []).map((k) => k.AttributeName!),
    indexes: (Table?.GlobalSecondaryIndexes ?? []).map((i) => ({
      name: i.IndexName!,
      partitionKey: i.KeySchema!.find((k) => k.KeyType === 'HASH')!.AttributeName!,
      sortKey: i.KeySchema!.find((k) => k.KeyType === 'RANGE')?.AttributeName,
      projection: (i.Projection?.ProjectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
      nonKeyAttributes: i.Projection?.NonKeyAttributes,
    })),
  };
}

/**
 * Counts the EMF lines Powertools would print: every `publishStoredMetrics` with stored metrics is
 * one line (the serialized EMF object), attributed to its `service` dimension. Locally the metrics
 * are disabled (nothing printed, so captureLogs does not count them twice); the serialization is
 * the same, except that the cloud's namespace and service also name the deployment (~2 x 30 bytes).
 */
function captureMetricLines(): { lines: Record<string, LogCounts>; restore: () => void } {
  const lines: Record<string, LogCounts> = {};
  const proto = Metrics.prototype as unknown as { publishStoredMetrics: (this: Metrics) => Metrics };
  const original = proto.publishStoredMetrics;
  proto.publishStoredMetrics = function (this: Metrics) {
    if (this.hasStoredMetrics()) {
      const emf = this.serializeMetrics() as unknown as Record<string, unknown>;
      const service = typeof emf.service === 'string' ? emf.service : 'other';
      const counts = (lines[service] ??= { bytes: 0, events: 0 });
      counts.bytes += Buffer.byteLength(JSON.stringify(emf), 'utf8');
      counts.events += 1;
    }
    return original.call(this);
  };
  return { lines, restore: () => (proto.publishStoredMetrics = original) };
}

/** The outbox's records by `kind`, when they carry one (issue 21's customer e-mails); else undefined. */
export function emailsByKind(records: readonly object[]): Record<string, number> | undefined {
  const kinds = records.map((r) => (r as { kind?: unknown }).kind).filter((k): k is string => typeof k === 'string');
  if (kinds.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const k of kinds) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/**
 * Counts (and swallows) what the handlers write to stdout/stderr: Powertools' JSON log lines,
 * attributed to the function by their `service` field. The stack's own lines (`[stack] ...`) pass.
 */
function captureLogs(): { logs: Record<string, LogCounts>; restore: () => void } {
  const logs: Record<string, LogCounts> = {};
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const counting = (original: typeof originals.out) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('[stack]')) return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      for (const line of text.split('\n').filter((l) => l.length > 0)) {
        const service = /"service":"([^"]+)"/.exec(line)?.[1] ?? 'other';
        const counts = (logs[service] ??= { bytes: 0, events: 0 });
        counts.bytes += Buffer.byteLength(line, 'utf8');
        counts.events += 1;
      }
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = counting(originals.out);
  process.stderr.write = counting(originals.err);
  return {
    logs,
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

export async function runCostScenario(stack: LocalStack, orders: number, concurrency = 8, backoff: PollBackoff = {}): Promise<CostCounts> {
  const services = stack.services!;
  const direct = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb });
  const ledgers = new Map<string, WriteLedger>();
  const reads = new Map<string, { units: number; count: number }>();
  // The stock table (each order's reservation, then its release or sale, per product, and a refused
  // reservation's read of the item) and the stats table (issue 27: one counter ADD per status change).
  for (const table of [stack.names.ordersTable, stack.names.idempotencyTable, stack.names.stockTable, stack.names.statsTable]) {
    ledgers.set(table, new WriteLedger(await tableSpec(direct, table)));
    reads.set(table, { units: 0, count: 0 });
  }
  // Every answered DynamoDB call, in answer order: writes go to the table's ledger; a GetItem is
  // priced at the size of the item it read (strongly consistent: 4 KB units; else half).
  services.dynamodb.observers.push(({ operation, requestBody, status }) => {
    const request = JSON.parse(requestBody.toString('utf8')) as Record<string, unknown>;
    const tables = operation === 'BatchWriteItem' ? Object.keys(request.RequestItems as object) : [request.TableName as string];
    for (const table of tables) {
      const ledger = ledgers.get(table);
      if (!ledger) continue;
      if (operation === 'GetItem') {
        const item = ledger.get(request.Key as Record<string, AttributeValue>);
        const r = reads.get(table)!;
        r.count += 1;
        r.units += strongReadUnits(item ? itemSize(item) : 0) * (request.ConsistentRead ? 1 : 0.5);
      } else if (status < 500) ledger.record(operation, request, status < 400);
    }
  });
  const capture = captureLogs();
  const metricCapture = captureMetricLines();
  const before = Object.fromEntries(Object.entries(services).map(([name, proxy]) => [name, snapshot(proxy.stats)]));
  const invocationsBefore = new Map(stack.invocations);
  const durationsBefore = new Map(stack.durations);
  const executionsBefore = new Set(stack.stepFunctions.list().map((e) => e.name));
  const tablesBefore = new Map(services.dynamodb.byTable);

  const api = { post: 0, get: 0, other: 0 };
  const polls: number[] = [];
  const watchMs: number[] = [];
  const statuses: Record<string, number> = {};
  const pendingSizes: number[] = [];
  const url = (route: string) => new URL(route.replace(/^\//, ''), stack.apiUrl);
  const tokens = await signInWithPassword(stack.cognito, DEMO_USERS.customer.email, DEMO_USERS.customer.password);
  const Authorization = tokens.IdToken;
  const customerSub = (JSON.parse(Buffer.from(tokens.IdToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;
  const live = { connects: 0, subscribes: 0, deliveries: 0, openMs: 0 };
  const publishedBefore = [...stack.events.published.values()].reduce((a, b) => a + b, 0);
  const eventsUrl = stack.outputs().custom!.events!.url;

  const customer = async (i: number) => {
    const started = performance.now();
    // The checkout's prefill and the saved details come from Cognito (src/lib/saved-checkout.ts):
    // no call to the store's API.
    api.post += 1;
    const response = await fetch(url('/orders'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization, 'Idempotency-Key': idempotencyKey() },
      body: JSON.stringify(orderRequest(i)),
    });
    if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
    const created = (await response.json()) as Order;
    // The order page, as useLiveOrder runs it for a signed-in customer (issue 26): it shows the
    // POST's answer, opens its live socket, reads the order once when subscribed, then follows
    // the status events until the order is shipped or final (the same stopping rule as polling).
    // A page that hears nothing for a while reads again with the slow fallback's back-off.
    const page = await openLivePage(eventsUrl, tokens.AccessToken, customerSub, created.orderId);
    live.connects += 1;
    live.subscribes += 1;
    let attempt = 0;
    let count = 0;
    const read = async () => {
      api.get += 1;
      count += 1;
      return (await (await fetch(url(`/orders/${created.orderId}`), { headers: { Authorization } })).json()) as Order;
    };
    let seen: Order = await read();
    while (keepsPolling(seen)) {
      const event = await page.next(pollDelay(attempt++, { ...FALLBACK_POLL, ...backoff }));
      if (!event) seen = await read();
      else if (isNewer(event, seen)) seen = withEvent(seen, event);
    }
    const { deliveries, openMs } = page.close();
    live.deliveries += deliveries;
    live.openMs += openMs;
    polls.push(count);
    watchMs.push(performance.now() - started);
  };

  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < orders) await customer(next++);
      }),
    );
    await stack.stepFunctions.idle();
    // Orders the page stopped watching at SHIPPED are delivered by their schedule: wait for those too.
    for (const item of await untilAllFinal(direct, stack.names.ordersTable, orders)) {
      const status = item.status?.S ?? 'UNKNOWN';
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  } finally {
    capture.restore();
    metricCapture.restore();
  }
  // The local SES writes each e-mail before it answers: the outbox is complete once the orders are final.
  const tableCounts = new Map([...services.dynamodb.byTable].map(([key, n]) => [key, n - (tablesBefore.get(key) ?? 0)]));

  const after = Object.fromEntries(Object.entries(services).map(([name, proxy]) => [name, snapshot(proxy.stats)]));
  const executions = stack.stepFunctions.list().filter((e) => !executionsBefore.has(e.name));
  const byStatus: Record<string, number> = {};
  for (const e of executions) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;

  const orderItems = await scanAll(direct, stack.names.ordersTable);
  const idemItems = await scanAll(direct, stack.names.idempotencyTable);
  const stockItems = await scanAll(direct, stack.names.stockTable);
  const statsItems = await scanAll(direct, stack.names.statsTable);
  direct.destroy();
  const itemsOf = (table: string) =>
    table === stack.names.ordersTable ? orderItems : table === stack.names.stockTable ? stockItems : table === stack.names.statsTable ? statsItems : idemItems;
  const dynamodbUnits = Object.fromEntries(
    [...ledgers].map(([table, ledger]) => [
      table,
      {
        ...ledger.totals,
        readUnits: reads.get(table)!.units,
        reads: reads.get(table)!.count,
        shadowMismatches: ledger.mismatches(itemsOf(table)),
      },
    ]),
  );
  const sizes = orderItems.map(itemSize);
  const idemSizes = idemItems.map(itemSize);
  // The size of what POST wrote: the item without the attributes later steps add.
  const later = ['paymentDate', 'transactionId', 'shipmentDate', 'trackingNumber', 'estimatedDeliveryDays', 'estimatedDeliveryDate', 'deliveryDate', 'notificationSentDate', 'failureReason'];
  for (const item of orderItems) {
    const pending = Object.fromEntries(Object.entries(item).filter(([k]) => !later.includes(k)));
    pendingSizes.push(itemSize(pending));
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const sub = (a: Map<string, number>, b: Map<string, number>) => Object.fromEntries([...a.entries()].map(([k, v]) => [k, v - (b.get(k) ?? 0)]));
  const invocations = sub(stack.invocations, invocationsBefore);
  const durationsMs = sub(stack.durations, durationsBefore);

  // What the counted run saw, before the calibration adds to it.
  // The customers' e-mails about orders (account e-mails from Cognito carry no order).
  const orderMails = stack.outbox.list().filter((m) => m.orderId !== '');
  const published = [...stack.events.published.values()].reduce((a, b) => a + b, 0) - publishedBefore;
  const counted = {
    api: { ...api },
    polls: [...polls],
    watchMs: [...watchMs],
    statuses: { ...statuses },
    mails: orderMails.length,
    emailsByKind: emailsByKind(orderMails),
    liveEvents: { connects: live.connects, subscribes: live.subscribes, publishes: published, deliveries: live.deliveries, connectionSeconds: live.openMs / 1000 },
  };

  // Calibration: a few more orders, one at a time, counted for handler time only.
  services.dynamodb.observers.length = 0;
  const calibration = { invocations: new Map(stack.invocations), durations: new Map(stack.durations), executions: new Set(stack.stepFunctions.list().map((e) => e.name)) };
  const calibrationOrders = Math.min(5, orders);
  const quiet = captureLogs();
  try {
    for (let i = 0; i < calibrationOrders; i++) await customer(orders + i);
    await stack.stepFunctions.idle();
  } finally {
    quiet.restore();
  }
  const calInvocations = sub(stack.invocations, calibration.invocations);
  const calDurations = sub(stack.durations, calibration.durations);
  const calibrationExecutionMs = stack.stepFunctions
    .list()
    .filter((e) => !calibration.executions.has(e.name) && e.stopDate)
    .map((e) => Date.parse(e.stopDate!) - Date.parse(e.startDate));
  const calibratedMeanMs = Object.fromEntries(Object.entries(calInvocations).filter(([, v]) => v > 0).map(([name, v]) => [name, calDurations[name]! / v]));

  return {
    orders,
    apiRequests: counted.api,
    pollsPerOrder: { mean: mean(counted.polls), min: Math.min(...counted.polls), max: Math.max(...counted.polls) },
    watchSeconds: { mean: mean(counted.watchMs) / 1000 },
    statuses: counted.statuses,
    invocations,
    durationsMs,
    services: Object.fromEntries(Object.keys(after).map((name) => [name, diff(after[name]!, before[name] ?? {})])),
    dynamodbByTable: Object.fromEntries(tableCounts),
    executions: {
      count: executions.length,
      transitions: executions.reduce((s, e) => s + e.transitions, 0),
      retries: executions.reduce((s, e) => s + e.retries, 0),
      byStatus,
      durationsMs: executions.filter((e) => e.stopDate).map((e) => Date.parse(e.stopDate!) - Date.parse(e.startDate)),
      shipmentStarts: executions.filter((e) => e.name.endsWith(CANCEL_WINDOW.localExecutionSuffix)).length,
    },
    dynamodbUnits,
    logs: capture.logs,
    pollBackoff: backoff,
    liveEvents: counted.liveEvents,
    mails: counted.mails,
    ...(counted.emailsByKind ? { emailsByKind: counted.emailsByKind } : {}),
    metricLines: metricCapture.lines,
    itemBytes: {
      orders: { mean: mean(sizes), max: Math.max(0, ...sizes), pendingMean: mean(pendingSizes) },
      idempotency: { mean: mean(idemSizes), max: Math.max(0, ...idemSizes) },
    },
    settings: { paymentSuccessRate: 0.9, deliveryWaitMs: 3000, retryIntervalMs: 200, concurrency },
    calibratedMeanMs,
    calibrationOrders,
    calibrationExecutionMs,
  };
}
