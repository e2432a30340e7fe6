/**
 * API and pipeline speed against the local DynamoDB's own limits, in one run, with one tool
 * (autocannon) and one concurrency for both sides of each ratio.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { LOCAL_AWS } from '../local/shared/aws.ts';
import type { StackChild } from './child.ts';
import { idempotencyKey, orderRequest } from './order-request.ts';
import { median, pairedRatio } from './stats.ts';

export const CONNECTIONS = 16;

export interface LoadResult {
  perSec: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** CPU time (user + system) of the stack's process per answered request, µs: set where measured. */
  cpuUsPerRequest?: number;
}

interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Returns the next request's path and body. */
  next: () => { path?: string; body?: string; headers?: Record<string, string> };
  durationSec?: number;
  amount?: number;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSec ?? 4 }),
    method: options.method,
    headers: options.headers,
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const n = options.next();
          return { ...request, ...(n.path ? { path: n.path } : {}), ...(n.body ? { body: n.body } : {}), headers: { ...request.headers, ...n.headers } };
        },
      },
    ],
  });
  const ok = result['2xx'];
  return { perSec: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99, ok, failed: result.non2xx + result.errors + result.timeouts };
}

const DYNAMO_HEADERS = {
  'Content-Type': 'application/x-amz-json-1.0',
  // dynalite checks that a signature is present, not that it is valid.
  Authorization: 'AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0000',
  'X-Amz-Date': '20250101T000000Z',
};

export interface SpeedTarget {
  apiUrl: string;
  /** The signed-in customer's ID token, sent in Authorization. */
  idToken: string;
  dynamodb: string;
  ordersTable: string;
  /** The SDK floor server (sdk-floor.ts) in the stack's process. */
  floorUrl: string;
}

export interface ApiFigures {
  connections: number;
  trials: number;
  durationSec: number;
  postOrdersPerSec: number;
  postP50Ms: number;
  postP99Ms: number;
  rawPutPerSec: number;
  ratio: number;
  /** The calls POST makes (sdk-floor.ts) through the SDK from a bare node:http server, same process as the stack. */
  sdkFloorPostPerSec: number;
  /** The median of the trials' POST / floor ratios (each trial's pair back to back), and its median absolute deviation. */
  sdkFloorRatio: number;
  sdkFloorRatioSpread: number;
  getPerSec: number;
  getP50Ms: number;
  getP99Ms: number;
  rawGetPerSec: number;
  getRatio: number;
  /** GetItem through the SDK from the same bare server. */
  sdkFloorGetPerSec: number;
  /** As `sdkFloorRatio`, for GET /orders/{id}. */
  getSdkFloorRatio: number;
  getSdkFloorRatioSpread: number;
  /**
   * The same pairs by CPU instead of rate: the floor's CPU time per request over the route's (the
   * stack process's user + system time during the load, per 2xx answer), median and spread. On a
   * shared machine the rate follows whatever else runs; the CPU a request costs much less.
   */
  sdkFloorCpuRatio: number;
  sdkFloorCpuRatioSpread: number;
  getSdkFloorCpuRatio: number;
  getSdkFloorCpuRatioSpread: number;
  /** The order queue's poller is paused while POST is loaded: the workflow runs afterwards. */
  pollerPausedDuringPost: true;
  orderItemBytes: number;
  failedRequests: number;
  trialsDetail: { post: number[]; rawPut: number[]; floorPost: number[]; get: number[]; rawGet: number[]; floorGet: number[]; cpuUsPerRequest: { post: number[]; floorPost: number[]; get: number[]; floorGet: number[] } };
}

/** `run`'s load with the CPU time the stack's process spent on it, per answered request. */
async function withCpu(child: StackChild, run: () => Promise<LoadResult>): Promise<LoadResult> {
  child.send({ type: 'cpu' });
  const before = await child.next('cpu');
  const result = await run();
  child.send({ type: 'cpu' });
  const after = await child.next('cpu');
  const cpu = after.user - before.user + after.system - before.system;
  return { ...result, cpuUsPerRequest: result.ok > 0 ? cpu / result.ok : Number.NaN };
}

function postOrders(target: SpeedTarget, durationSec?: number, amount?: number, baseUrl = target.apiUrl): Promise<LoadResult> {
  let i = 0;
  return load({
    url: new URL('orders', baseUrl).toString(),
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: target.idToken },
    next: () => ({ body: JSON.stringify(orderRequest(i++)), headers: { 'Idempotency-Key': idempotencyKey() } }),
    ...(durationSec ? { durationSec } : {}),
    ...(amount ? { amount } : {}),
  });
}

/** Waits until every order posted so far has run through the workflow. */
async function drain(child: StackChild, expected: number): Promise<void> {
  child.send({ type: 'pipeline', expected });
  await child.next('pipeline', 600_000);
}

export async function measureApi(target: SpeedTarget, child: StackChild, log: (line: string) => void, trials = 3, durationSec = 4): Promise<{ figures: ApiFigures; ordersPosted: number; rawPutPerSecTrials: number[] }> {
  const db = new DynamoDBClient({ ...LOCAL_AWS, endpoint: target.dynamodb });
  // An order as POST stores it: the item template for raw writes of the same size.
  const created = await fetch(new URL('orders', target.apiUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: target.idToken, 'Idempotency-Key': idempotencyKey() },
    body: JSON.stringify(orderRequest(1)),
  });
  const { orderId } = (await created.json()) as { orderId: string };
  child.send({ type: 'floor-template', orderId });
  await child.next('done');
  const { Item } = await db.send(new GetItemCommand({ TableName: target.ordersTable, Key: { orderId: { S: orderId } }, ConsistentRead: true }));
  if (!Item) throw new Error('The sample order was not stored');
  const template: Record<string, AttributeValue> = Item;
  const orderItemBytes = Buffer.byteLength(JSON.stringify(template));
  let posted = 1;

  const rawPut = () =>
    load({
      url: target.dynamodb,
      method: 'POST',
      headers: { ...DYNAMO_HEADERS, 'X-Amz-Target': 'DynamoDB_20120810.PutItem' },
      // The least a create needs: a conditional put of an order-sized item under a new key.
      next: () => ({
        body: JSON.stringify({
          TableName: target.ordersTable,
          Item: { ...template, orderId: { S: randomUUID() } },
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      }),
      durationSec,
    });

  const ids = async () => {
    const page = await db.send(new ScanCommand({ TableName: target.ordersTable, Limit: 2000, ProjectionExpression: 'orderId' }));
    return (page.Items ?? []).map((item) => item.orderId!.S!);
  };
  const apiGet = (keys: string[], baseUrl = target.apiUrl) => {
    let i = 0;
    return load({ url: baseUrl, method: 'GET', headers: { Authorization: target.idToken }, next: () => ({ path: `/orders/${keys[i++ % keys.length]}` }), durationSec });
  };
  const rawGet = (keys: string[]) => {
    let i = 0;
    return load({
      url: target.dynamodb,
      method: 'POST',
      headers: { ...DYNAMO_HEADERS, 'X-Amz-Target': 'DynamoDB_20120810.GetItem' },
      next: () => ({ body: JSON.stringify({ TableName: target.ordersTable, Key: { orderId: { S: keys[i++ % keys.length] } }, ConsistentRead: true }) }),
      durationSec,
    });
  };

  /** POST load with the order queue's poller paused: the API alone; the workflow runs after. */
  const paused = async <T>(run: () => Promise<T>): Promise<T> => {
    child.send({ type: 'pause' });
    await child.next('done');
    try {
      return await run();
    } finally {
      child.send({ type: 'resume' });
      await child.next('done');
    }
  };

  // Warm-up: every path once, briefly, then let the workflow catch up.
  log('  warm-up');
  const warm = durationSec;
  durationSec = 1;
  await rawPut();
  await postOrders(target, 1, undefined, target.floorUrl);
  posted += (await paused(() => postOrders(target, 1))).ok;
  await drain(child, posted);
  let keys = await ids();
  await rawGet(keys);
  await apiGet(keys, target.floorUrl);
  await apiGet(keys);
  durationSec = warm;

  const post: LoadResult[] = [];
  const put: LoadResult[] = [];
  const floorPost: LoadResult[] = [];
  const get: LoadResult[] = [];
  const rget: LoadResult[] = [];
  const floorGet: LoadResult[] = [];
  // Each route is measured right beside its floor. GET's pair goes in turn first (odd trials the
  // floor, even the route), so neither always meets a warmer or a busier machine; POST's floor always
  // goes first, since the orders the route posts run through the workflow once the poller resumes
  // and would slow a floor measured after them.
  const pair = async <T>(first: () => Promise<T>, second: () => Promise<T>, t: number): Promise<[T, T]> => {
    if (t % 2) {
      const a = await first();
      return [a, await second()];
    }
    const b = await second();
    return [await first(), b];
  };
  const us = (r: LoadResult) => `${((r.cpuUsPerRequest ?? Number.NaN) / 1000).toFixed(2)} ms`;
  for (let t = 1; t <= trials; t++) {
    put.push(await rawPut());
    floorPost.push(await withCpu(child, () => postOrders(target, durationSec, undefined, target.floorUrl)));
    const p = await paused(() => withCpu(child, () => postOrders(target, durationSec)));
    post.push(p);
    posted += p.ok;
    // The orders just posted run through the workflow now, before the next measurement.
    await drain(child, posted);
    keys = await ids();
    rget.push(await rawGet(keys));
    const [fg, g] = await pair(() => withCpu(child, () => apiGet(keys, target.floorUrl)), () => withCpu(child, () => apiGet(keys)), t);
    floorGet.push(fg);
    get.push(g);
    log(
      `  trial ${t}: POST ${p.perSec.toFixed(0)}/s vs SDK floor ${floorPost.at(-1)!.perSec.toFixed(0)}/s vs PutItem ${put.at(-1)!.perSec.toFixed(0)}/s; ` +
        `GET ${get.at(-1)!.perSec.toFixed(0)}/s vs SDK floor ${floorGet.at(-1)!.perSec.toFixed(0)}/s vs GetItem ${rget.at(-1)!.perSec.toFixed(0)}/s; ` +
        `CPU per request POST ${us(p)} vs floor ${us(floorPost.at(-1)!)}, GET ${us(g)} vs floor ${us(fg)}`,
    );
  }
  db.destroy();
  const m = (xs: LoadResult[], f: (r: LoadResult) => number) => median(xs.map(f));
  const postOrdersPerSec = m(post, (r) => r.perSec);
  const rawPutPerSec = m(put, (r) => r.perSec);
  const getPerSec = m(get, (r) => r.perSec);
  const rawGetPerSec = m(rget, (r) => r.perSec);
  const sdkFloorPostPerSec = m(floorPost, (r) => r.perSec);
  const sdkFloorGetPerSec = m(floorGet, (r) => r.perSec);
  const perSec = (xs: LoadResult[]) => xs.map((r) => r.perSec);
  const postVsFloor = pairedRatio(perSec(post), perSec(floorPost));
  const getVsFloor = pairedRatio(perSec(get), perSec(floorGet));
  // By CPU: the floor's cost per request over the route's (higher is better, as for the rates).
  const cpu = (xs: LoadResult[]) => xs.map((r) => r.cpuUsPerRequest ?? Number.NaN);
  const postCpu = pairedRatio(cpu(floorPost), cpu(post));
  const getCpu = pairedRatio(cpu(floorGet), cpu(get));
  return {
    ordersPosted: posted,
    rawPutPerSecTrials: put.map((r) => r.perSec),
    figures: {
      connections: CONNECTIONS,
      trials,
      durationSec,
      postOrdersPerSec,
      postP50Ms: m(post, (r) => r.p50),
      postP99Ms: m(post, (r) => r.p99),
      rawPutPerSec,
      ratio: postOrdersPerSec / rawPutPerSec,
      sdkFloorPostPerSec,
      sdkFloorRatio: postVsFloor.ratio,
      sdkFloorRatioSpread: postVsFloor.spread,
      getPerSec,
      getP50Ms: m(get, (r) => r.p50),
      getP99Ms: m(get, (r) => r.p99),
      rawGetPerSec,
      getRatio: getPerSec / rawGetPerSec,
      sdkFloorGetPerSec,
      getSdkFloorRatio: getVsFloor.ratio,
      getSdkFloorRatioSpread: getVsFloor.spread,
      sdkFloorCpuRatio: postCpu.ratio,
      sdkFloorCpuRatioSpread: postCpu.spread,
      getSdkFloorCpuRatio: getCpu.ratio,
      getSdkFloorCpuRatioSpread: getCpu.spread,
      pollerPausedDuringPost: true,
      orderItemBytes,
      failedRequests: [...post, ...put, ...floorPost, ...get, ...rget, ...floorGet].reduce((s, r) => s + r.failed, 0),
      trialsDetail: {
        post: post.map((r) => r.perSec),
        rawPut: put.map((r) => r.perSec),
        floorPost: floorPost.map((r) => r.perSec),
        get: get.map((r) => r.perSec),
        rawGet: rget.map((r) => r.perSec),
        floorGet: floorGet.map((r) => r.perSec),
        cpuUsPerRequest: { post: cpu(post), floorPost: cpu(floorPost), get: cpu(get), floorGet: cpu(floorGet) },
      },
    },
  };
}

export interface PipelineFigures {
  orders: number;
  trials: number;
  ordersPerSec: number;
  limitOrdersPerSec: number;
  ratio: number;
  /** Put rate used for the limit (median of the raw PutItem trials of this run). */
  rawPutPerSec: number;
  writesPerOrderFloor: number;
  trialsDetail: { ordersPerSec: number[]; seconds: number[] };
  deliveryWaitMs: number;
  retryIntervalMs: number;
}

/** Posts `orders` orders as fast as the API takes them and times them until all are final. */
export async function measurePipeline(target: SpeedTarget, child: StackChild, alreadyPosted: number, rawPutPerSec: number, log: (line: string) => void, orders = 300, trials = 3): Promise<PipelineFigures> {
  let posted = alreadyPosted;
  const rates: number[] = [];
  const seconds: number[] = [];
  for (let t = 1; t <= trials; t++) {
    const started = performance.now();
    const result = await postOrders(target, undefined, orders);
    posted += result.ok;
    if (result.failed > 0) log(`  warning: ${result.failed} POSTs failed`);
    await drain(child, posted);
    const elapsed = (performance.now() - started) / 1000;
    rates.push(result.ok / elapsed);
    seconds.push(elapsed);
    log(`  trial ${t}: ${result.ok} orders POST -> DELIVERED in ${elapsed.toFixed(2)} s = ${(result.ok / elapsed).toFixed(1)} orders/s`);
  }
  const ordersPerSec = median(rates);
  const limitOrdersPerSec = rawPutPerSec / 5;
  return {
    orders,
    trials,
    ordersPerSec,
    limitOrdersPerSec,
    ratio: ordersPerSec / limitOrdersPerSec,
    rawPutPerSec,
    writesPerOrderFloor: 5,
    trialsDetail: { ordersPerSec: rates, seconds },
    deliveryWaitMs: 0,
    retryIntervalMs: 0,
  };
}
