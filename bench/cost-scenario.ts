/**
 * The cost run, inside a child process with an instrumented stack: customers place orders the way
 * the storefront does (POST with an Idempotency-Key) and each keeps the order page open, which
 * polls GET /orders/{id} with the page's own back-off (`pollDelay` of src/lib/timeline.ts) until
 * the order is final. Everything the handlers and the page did is counted and sent back.
 */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { type Order } from '../amplify/domain/order.ts';
import { isFinal } from '../amplify/domain/order-rules.ts';
import { LOCAL_AWS } from '../local/aws.ts';
import type { OperationStats } from '../local/service-proxy.ts';
import type { LocalStack } from '../local/stack.ts';
import { pollDelay } from '../src/lib/timeline.ts';
import { itemSize } from './item-size.ts';
import { benchToken, idempotencyKey, orderRequest } from './order-request.ts';

export interface CostCounts {
  orders: number;
  apiRequests: { post: number; get: number; other: number };
  /** GET /orders/{id} per order page, from POST to a final status. */
  pollsPerOrder: { mean: number; min: number; max: number };
  watchSeconds: { mean: number };
  statuses: Record<string, number>;
  invocations: Record<string, number>;
  durationsMs: Record<string, number>;
  services: Record<string, Record<string, OperationStats>>;
  dynamodbByTable: Record<string, number>;
  executions: { count: number; transitions: number; retries: number; byStatus: Record<string, number> };
  mails: number;
  itemBytes: { orders: { mean: number; max: number; pendingMean: number }; idempotency: { mean: number; max: number } };
  settings: { paymentSuccessRate: number; deliveryWaitMs: number; retryIntervalMs: number; concurrency: number };
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

export async function runCostScenario(stack: LocalStack, orders: number, concurrency = 20): Promise<CostCounts> {
  const services = stack.services!;
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
  const Authorization = await benchToken(stack);

  const customer = async (i: number) => {
    const started = performance.now();
    api.post += 1;
    const response = await fetch(url('/orders'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization, 'Idempotency-Key': idempotencyKey() },
      body: JSON.stringify(orderRequest(i)),
    });
    if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
    const created = (await response.json()) as Order;
    // The order page, as useLiveOrder runs it: fetch at once, then back off while nothing changes.
    let attempt = 0;
    let last: string | undefined;
    let count = 0;
    for (;;) {
      api.get += 1;
      count += 1;
      const order = (await (await fetch(url(`/orders/${created.orderId}`), { headers: { Authorization } })).json()) as Order;
      if (order.status !== last) attempt = 0;
      last = order.status;
      if (isFinal(order.status)) break;
      await sleep(pollDelay(attempt++));
    }
    polls.push(count);
    watchMs.push(performance.now() - started);
    statuses[last] = (statuses[last] ?? 0) + 1;
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < orders) await customer(next++);
    }),
  );
  await stack.stepFunctions.idle();
  // Let the topic's e-mails reach the outbox before counting them.
  const publishes = () => services.sns.count('Publish') - (before.sns?.Publish?.requests ?? 0);
  for (let waited = 0; stack.outbox.list().length < publishes() && waited < 10_000; waited += 100) await sleep(100);
  const tableCounts = new Map([...services.dynamodb.byTable].map(([key, n]) => [key, n - (tablesBefore.get(key) ?? 0)]));

  const after = Object.fromEntries(Object.entries(services).map(([name, proxy]) => [name, snapshot(proxy.stats)]));
  const executions = stack.stepFunctions.list().filter((e) => !executionsBefore.has(e.name));
  const byStatus: Record<string, number> = {};
  for (const e of executions) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;

  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb });
  const orderItems = await scanAll(client, stack.names.ordersTable);
  const idemItems = await scanAll(client, stack.names.idempotencyTable);
  client.destroy();
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

  return {
    orders,
    apiRequests: api,
    pollsPerOrder: { mean: mean(polls), min: Math.min(...polls), max: Math.max(...polls) },
    watchSeconds: { mean: mean(watchMs) / 1000 },
    statuses,
    invocations: sub(stack.invocations, invocationsBefore),
    durationsMs: sub(stack.durations, durationsBefore),
    services: Object.fromEntries(Object.keys(after).map((name) => [name, diff(after[name]!, before[name] ?? {})])),
    dynamodbByTable: Object.fromEntries(tableCounts),
    executions: {
      count: executions.length,
      transitions: executions.reduce((s, e) => s + e.transitions, 0),
      retries: executions.reduce((s, e) => s + e.retries, 0),
      byStatus,
    },
    mails: stack.outbox.list().length,
    itemBytes: {
      orders: { mean: mean(sizes), max: Math.max(0, ...sizes), pendingMean: mean(pendingSizes) },
      idempotency: { mean: mean(idemSizes), max: Math.max(0, ...idemSizes) },
    },
    settings: { paymentSuccessRate: 0.9, deliveryWaitMs: 3000, retryIntervalMs: 200, concurrency },
  };
}
