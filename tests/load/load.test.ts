/**
 * Load (issue #5, "Reliability"): LOAD_ORDERS (default 2,000) orders through the whole local
 * pipeline, posted LOAD_CONCURRENCY (default 24) at a time, a quarter of them with an
 * Idempotency-Key and some of those posted three times at once. Once every order is final, the
 * reconciliation must find no mismatch and the counts must agree exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_HEADER } from '../../amplify/domain/api.ts';
import { type CreateOrderRequest, type Order } from '../../amplify/domain/order.ts';
import { FINAL_STATUSES } from '../../amplify/domain/order-rules.ts';
import { CATALOG } from '../../amplify/domain/catalog.ts';
import { checkReconciliation, formatReport, reconcile, scanTable, type MailInfo, type ReconcileData } from '../../scripts/reconcile-lib.ts';
import { orderRequest } from '../fixtures.ts';
import { startTestStack } from '../helpers/stack.ts';

const ORDERS = Number(process.env.LOAD_ORDERS ?? 2000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 24);
/** Every KEYED_EVERY-th order carries an Idempotency-Key; every DUPLICATE_EVERY-th of those is sent 3 times at once. */
const KEYED_EVERY = 4;
const DUPLICATE_EVERY = 10;
const COPIES = 3;

let stack: Awaited<ReturnType<typeof startTestStack>>;

interface Job {
  index: number;
  body: CreateOrderRequest;
  key?: string;
}
interface Outcome {
  job: Job;
  status: number;
  orderId?: string;
  replayed: boolean;
  error?: string;
}

function jobs(): Job[] {
  const list: Job[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const product = CATALOG[i % CATALOG.length]!;
    const other = CATALOG[(i * 7 + 3) % CATALOG.length]!;
    const body = orderRequest({
      customerName: `Load Customer ${i % 97}`,
      items: product.productId === other.productId ? [{ productId: product.productId, quantity: 1 + (i % 10) }] : [
        { productId: product.productId, quantity: 1 + (i % 10) },
        { productId: other.productId, quantity: 1 },
      ],
    });
    const keyed = i % KEYED_EVERY === 0;
    const job: Job = { index: i, body, key: keyed ? `load-key-${i}` : undefined };
    // Duplicates go in right behind the original, so they are in flight together.
    const copies = keyed && (i / KEYED_EVERY) % DUPLICATE_EVERY === 0 ? COPIES : 1;
    for (let c = 0; c < copies; c++) list.push(job);
  }
  return list;
}

async function send(job: Job): Promise<Outcome> {
  try {
    const response = await fetch(new URL('orders', stack.apiUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: stack.customer.idToken, ...(job.key ? { [IDEMPOTENCY_KEY_HEADER]: job.key } : {}) },
      body: JSON.stringify(job.body),
    });
    const body = (await response.json()) as { orderId?: string };
    return { job, status: response.status, orderId: body.orderId, replayed: response.headers.get('idempotent-replayed') === 'true' };
  } catch (error) {
    return { job, status: 0, replayed: false, error: (error as Error).message };
  }
}

/** A pool of `concurrency` workers over the list. */
async function postAll(list: Job[], concurrency: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      outcomes[i] = await send(list[i]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

async function ordersInTable(): Promise<Order[]> {
  return scanTable<Order>(stack.endpoints.dynamodb, stack.names.ordersTable);
}

/** Polls the table until `expected` orders are all final. */
async function untilAllFinal(expected: number, timeoutMs: number): Promise<Order[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const orders = await ordersInTable();
    const open = orders.filter((o) => !FINAL_STATUSES.includes(o.status));
    if (orders.length >= expected && open.length === 0) return orders;
    if (Date.now() > deadline) throw new Error(`${open.length} of ${orders.length} orders still open after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('load', () => {
  beforeAll(async () => {
    stack = await startTestStack({
      paymentSuccessRate: 0.9,
      deliveryWaitMs: 0,
      retryIntervalMs: 10,
      // Under load the order-starter can be slower than a second; a longer visibility timeout
      // avoids redeliveries (harmless, but they would blur the counts). Recovery stays out of the
      // way: nothing is stuck, and the assertion is that every order has exactly one execution.
      visibilityTimeoutSeconds: 60,
      recoveryIntervalMs: 3_600_000,
      // 2,000 orders from a few accounts in minutes: the per-account limit (a shop's, not a load test's) is off.
      orderRateLimit: 0,
      // The counting proxies add an HTTP hop to every AWS call; off by default (they halve throughput here), LOAD_INSTRUMENT=1 also counts SQS sends.
      instrument: process.env.LOAD_INSTRUMENT === '1',
    });
  });
  afterAll(async () => {
    await stack?.stop();
    stack?.removeData();
  });

  it(`takes ${ORDERS} orders through the pipeline and reconciles them exactly`, { timeout: 600_000 }, async () => {
    const list = jobs();
    const started = Date.now();
    const outcomes = await postAll(list, CONCURRENCY);
    const postedMs = Date.now() - started;

    // Every request accepted; duplicates answered with the original order.
    const failures = outcomes.filter((o) => o.status !== 201);
    expect(failures.map((o) => `${o.job.index}: ${o.status} ${o.error ?? ''}`)).toEqual([]);
    const accepted = new Set(outcomes.map((o) => o.orderId!));
    const keyed = list.filter((job, i) => job.key && list.indexOf(job) === i);
    const duplicatePosts = list.length - ORDERS;
    expect(accepted.size).toBe(ORDERS);
    for (const job of keyed) {
      const forJob = outcomes.filter((o) => o.job === job);
      expect(new Set(forJob.map((o) => o.orderId)).size, `key ${job.key}`).toBe(1);
      expect(forJob.filter((o) => !o.replayed), `key ${job.key}`).toHaveLength(1);
    }
    expect(outcomes.filter((o) => o.replayed)).toHaveLength(duplicatePosts);

    // Wait until the pipeline is idle: every order final, no execution running, outbox delivered.
    // A bound that stops a stuck run, not a speed target (speed is `npm run bench`'s): generous for a shared 2-core machine.
    const orders = await untilAllFinal(ORDERS, 540_000);
    // Final is not idle: a delivered order's e-mail is recorded just after its transition.
    await stack.idle();
    const pipelineMs = Date.now() - started;

    const report = await reconcile(stack);
    console.log(formatReport(report, 20));
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);

    const { counts } = report;
    const delivered = counts.byStatus.DELIVERED;
    const paid = counts.byStatus.PAYMENT_PROCESSED + counts.byStatus.SHIPPED + delivered + counts.byStatus.SHIPMENT_FAILED;
    expect(orders).toHaveLength(ORDERS);
    expect(counts.orders).toBe(accepted.size);
    expect(new Set(orders.map((o) => o.orderId))).toEqual(accepted);
    expect(counts.open).toBe(0);
    // At least one execution per order: Express does not deduplicate a redelivered message's start.
    expect(counts.executions).toBeGreaterThanOrEqual(counts.orders);
    expect(counts.recoveryExecutions).toBe(0);
    expect(new Set(stack.stepFunctions.list().map((e) => e.name))).toEqual(accepted);
    expect(counts.mails).toBe(counts.recordedEmails);
    expect(counts.withNotificationSentDate).toBe(delivered);
    expect(counts.transactionIds).toBe(paid);
    expect(delivered + counts.byStatus.PAYMENT_FAILED).toBe(ORDERS);
    expect(counts.byStatus.SHIPMENT_FAILED).toBe(0);
    // 10% declines, binomially: far outside 3 to 20% only with a broken simulation.
    expect(counts.byStatus.PAYMENT_FAILED).toBeGreaterThan(ORDERS * 0.03);
    expect(counts.byStatus.PAYMENT_FAILED).toBeLessThan(ORDERS * 0.2);
    const sends = stack.services?.sqs.count('SendMessage');
    if (sends !== undefined) expect(sends).toBeGreaterThanOrEqual(ORDERS);

    console.log(
      [
        `load: ${list.length} POSTs (${ORDERS} orders, ${keyed.length} with an Idempotency-Key, ${duplicatePosts} duplicate POSTs) at concurrency ${CONCURRENCY}`,
        `  posted in ${(postedMs / 1000).toFixed(1)} s (${((list.length / postedMs) * 1000).toFixed(0)} requests/s); all final, pipeline idle after ${(pipelineMs / 1000).toFixed(1)} s`,
        `  orders ${counts.orders}: DELIVERED ${delivered}, PAYMENT_FAILED ${counts.byStatus.PAYMENT_FAILED}, SHIPMENT_FAILED ${counts.byStatus.SHIPMENT_FAILED}`,
        `  executions ${counts.executions} (${JSON.stringify(counts.executionsByStatus)}), e-mails ${counts.mails}, transactionIds ${counts.transactionIds}, SQS SendMessage ${sends ?? 'not counted'}`,
        `  Lambda invocations: ${JSON.stringify(Object.fromEntries(stack.invocations))}`,
      ].join('\n'),
    );
  });
});

describe('reconciliation checks', () => {
  const t = '2026-01-01T00:00:00.000Z';
  const later = '2026-01-01T00:01:00.000Z';
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const order = (n: number, fields: Partial<Order>): Order => ({
    ...orderRequest(),
    customerId: 'customer-001',
    customerEmail: 'ana@example.com',
    items: [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 1, price: 129.99 }],
    orderId: id(n),
    orderDate: t,
    updatedAt: t,
    totalAmount: 129.99,
    status: 'DELIVERED',
    ...fields,
  });
  /** Three consistent orders: delivered with an e-mail, payment failed, shipment failed. */
  const clean = (): ReconcileData => ({
    orders: [
      order(1, { status: 'DELIVERED', transactionId: 'txn_1', notificationSentDate: t, emailsSent: ['order-shipped'] }),
      order(2, { status: 'PAYMENT_FAILED', failureReason: 'PaymentDeclinedError' }),
      order(3, { status: 'SHIPMENT_FAILED', transactionId: 'txn_3', refundId: 'rfnd_3', refundDate: t }),
    ],
    executions: [
      { name: id(1), status: 'SUCCEEDED', startDate: t, stopDate: t },
      { name: id(2), status: 'FAILED', startDate: t, stopDate: t },
      { name: id(3), status: 'FAILED', startDate: t, stopDate: t },
    ],
    mails: [{ id: 'm1', orderId: id(1), kind: 'order-shipped', to: 'ana@example.com' }],
  });
  const kinds = (data: ReconcileData, options = {}) => checkReconciliation(data, options).mismatches.map((m) => `${m.kind} ${m.id}`);

  it('finds nothing wrong with consistent data, and counts it', () => {
    const report = checkReconciliation(clean());
    expect(report.mismatches).toEqual([]);
    expect(report.counts).toMatchObject({ orders: 3, executions: 3, mails: 1, transactionIds: 2, withNotificationSentDate: 1, recordedEmails: 1, open: 0 });
    expect(report.counts.byStatus).toMatchObject({ DELIVERED: 1, PAYMENT_FAILED: 1, SHIPMENT_FAILED: 1, PENDING: 0 });
  });

  it('finds a charge owed back: a cancelled, unshipped or returned order charged and not refunded', () => {
    const data = clean();
    data.orders[2] = { ...data.orders[2]!, refundId: undefined, refundDate: undefined };
    data.orders.push(order(4, { status: 'CANCELLED', transactionId: 'txn_4' }), order(5, { status: 'REFUNDED', transactionId: 'txn_5', refundId: 'rfnd_5' }), order(6, { status: 'CANCELLED' }));
    data.executions.push(...[4, 5, 6].map((n) => ({ name: id(n), status: 'SUCCEEDED', startDate: t, stopDate: t })));
    expect(kinds(data)).toEqual([`refund-owed ${id(3)}`, `refund-owed ${id(4)}`]);
  });

  it("takes an order's cancel-window shipment execution (`<orderId>-ship`) as the order's own, not as an orphan or a recovery", () => {
    const data = clean();
    data.executions.push({ name: `${id(1)}-ship`, status: 'SUCCEEDED', startDate: later, stopDate: later });
    expect(kinds(data)).toEqual([]);
    data.executions.push({ name: `${id(9)}-ship`, status: 'SUCCEEDED', startDate: later, stopDate: later });
    expect(kinds(data)).toEqual([`orphan-execution ${id(9)}-ship`]);
  });

  it('reports open orders, as mismatches unless they are allowed', () => {
    const data = clean();
    data.orders.push(order(4, { status: 'SHIPPED', transactionId: 'txn_4' }));
    data.executions.push({ name: id(4), status: 'RUNNING', startDate: t });
    expect(kinds(data)).toEqual([`order-not-final ${id(4)}`]);
    const allowed = checkReconciliation(data, { allowOpen: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.open).toEqual([{ orderId: id(4), status: 'SHIPPED', updatedAt: t }]);
  });

  it('accepts recovery executions only after an execution that ended', () => {
    const data = clean();
    data.orders[2] = order(3, { status: 'DELIVERED', transactionId: 'txn_3' });
    data.executions.push({ name: `${id(3)}-r1`, status: 'FAILED', startDate: later, stopDate: later }, { name: `${id(3)}-r2`, status: 'SUCCEEDED', startDate: later, stopDate: later });
    // After a succeeded execution too: the order's delivery schedule may have failed after it.
    data.executions.push({ name: `${id(1)}-r1`, status: 'SUCCEEDED', startDate: later, stopDate: later });
    expect(kinds(data)).toEqual([]);
    expect(checkReconciliation(data).counts.recoveryExecutions).toBe(3);

    const bad = clean();
    bad.executions[0] = { name: id(1), status: 'RUNNING', startDate: t };
    bad.executions.push(
      { name: `${id(1)}-r1`, status: 'SUCCEEDED', startDate: later }, // the first one still runs
      { name: `${id(2)}-r2`, status: 'SUCCEEDED', startDate: later }, // no -r1
      { name: `${id(3)}-r1`, status: 'FAILED', startDate: '2025-12-31T23:59:59.000Z' }, // before the first ended
      { name: `${id(3)}-r4`, status: 'FAILED', startDate: later }, // past the limit
    );
    expect(kinds(bad)).toEqual([
      `unexpected-recovery-execution ${id(1)}`,
      `unexpected-recovery-execution ${id(2)}`,
      `unexpected-recovery-execution ${id(3)}`,
      `unexpected-recovery-execution ${id(3)}`,
    ]);
  });

  it('finds missing and orphan executions', () => {
    const data = clean();
    data.executions.splice(1, 1);
    data.executions.push({ name: id(9), status: 'SUCCEEDED' }, { name: `${id(8)}-r1`, status: 'FAILED' });
    expect(kinds(data)).toEqual([`orphan-execution ${id(9)}`, `orphan-execution ${id(8)}-r1`, `missing-execution ${id(2)}`]);
  });

  it('finds shared, missing and unexpected transaction ids', () => {
    const data = clean();
    data.orders[0]!.transactionId = 'txn_3';
    data.orders[1]!.transactionId = 'txn_2';
    data.orders.push(order(4, { status: 'PAYMENT_PROCESSED' }), order(5, { status: 'PENDING', transactionId: '' }));
    data.executions.push({ name: id(4), status: 'RUNNING' }, { name: id(5), status: 'RUNNING' });
    expect(kinds(data, { allowOpen: true })).toEqual([
      `unexpected-transaction-id ${id(2)}`,
      `missing-transaction-id ${id(4)}`,
      `unexpected-transaction-id ${id(5)}`,
      `duplicate-transaction-id ${id(1)}`,
      `duplicate-transaction-id ${id(3)}`,
    ]);
  });

  it('finds duplicate, missing, unrecorded, misaddressed and orphan e-mails', () => {
    const data = clean();
    const mail = (n: string, orderId: string, kind: MailInfo['kind'], to = 'ana@example.com') => ({ id: n, orderId, kind, to });
    data.mails.push(mail('m2', id(1), 'order-shipped'), mail('m3', id(2), 'payment-declined', 'eve@example.com'), mail('m9', id(9), 'order-shipped'));
    data.orders[2]!.emailsSent = ['order-refunded'];
    expect(kinds(data)).toEqual([
      `orphan-email ${id(9)}`,
      `duplicate-email ${id(1)}`,
      `email-not-recorded ${id(2)}`,
      `email-to-someone-else ${id(2)}`,
      `recorded-email-not-sent ${id(3)}`,
    ]);
  });
});
