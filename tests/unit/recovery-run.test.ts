/**
 * The recovery job's use case (`server/recovery.ts`) against in-memory ports: how many executions an
 * order that stays stuck gets over many runs (never more than `RECOVERY.maxExecutionsPerOrder`: each
 * one may charge, so the cap is the bound on what recovery can repeat), which orders it leaves
 * alone, every index page read, the deadline kept to the millisecond and between pages, one order's
 * failure kept to that order. The module is imported inside each test (`load`) so that StrykerJS sees
 * its module-level code (the empty report) run inside a test.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import type { OrderQueue, OrderRepository, WorkflowStarter } from '../../amplify/server/ports.ts';
import type { RecoveryDeps } from '../../amplify/server/recovery.ts';
import { RECOVERY } from '../../amplify/server/settings/recovery.ts';

const STALE_MS = 15 * 60_000;
const FINAL = new Set(['DELIVERED', 'CANCELLED', 'PAYMENT_FAILED', 'SHIPMENT_FAILED', 'OUT_OF_STOCK']);

async function load() {
  vi.resetModules();
  return import('../../amplify/server/recovery.ts');
}

const orderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface StoredOrder {
  status: string;
  updatedAt: string;
  recoveryAttempts: number;
}

/** The open-orders index and the conditional claim, as the DynamoDB repository keeps them. */
function fakeStore(orders: Record<string, StoredOrder>) {
  const claims: { orderId: string; maxAttempts: number; now: string; unchangedSince?: string }[] = [];
  const queries: { cutoff: string; limit: number; startKey?: Record<string, unknown> }[] = [];
  const store = {
    claims,
    queries,
    async openOrdersDueBefore(cutoff: string, limit: number, startKey?: Record<string, unknown>) {
      queries.push({ cutoff, limit, startKey });
      const ids = Object.keys(orders).filter((id) => !FINAL.has(orders[id]!.status));
      const from = (startKey?.position as number | undefined) ?? 0;
      const page = ids.slice(from, from + limit);
      return { orderIds: page, nextKey: from + limit < ids.length ? { position: from + limit } : undefined };
    },
    async claimRecoveryAttempt(id: string, maxAttempts: number, now: string, unchangedSince?: string) {
      claims.push({ orderId: id, maxAttempts, now, unchangedSince });
      const order = orders[id]!;
      if (FINAL.has(order.status)) return 'closed' as const;
      if (unchangedSince !== undefined && order.updatedAt >= unchangedSince) return 'moving' as const;
      if (order.recoveryAttempts >= maxAttempts) return 'exhausted' as const;
      order.recoveryAttempts += 1;
      order.updatedAt = now;
      return { order: { orderId: id, status: order.status } as Order, attempt: order.recoveryAttempts };
    },
  };
  return store as typeof store & OrderRepository;
}

function fakeStarters() {
  const started: [string, number | undefined][] = [];
  const enqueued: string[] = [];
  const workflow: WorkflowStarter = { start: async (id: string, attempt?: number) => void started.push([id, attempt]) } as WorkflowStarter;
  const queue: OrderQueue = { enqueue: async (id: string) => void enqueued.push(id) };
  return { started, enqueued, workflow, queue };
}

/** A clock the test moves. */
function clock(startIso: string) {
  let now = Date.parse(startIso);
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms), at: () => now };
}

describe('recovery, run after run', () => {
  it(`gives an order that stays stuck at most ${RECOVERY.maxExecutionsPerOrder} executions, then reports it every run and starts nothing more`, async () => {
    const { recoverStuckOrders } = await load();
    const long = '2026-12-01T00:00:00.000Z';
    const orders = {
      [orderId(1)]: { status: 'PAYMENT_PROCESSED', updatedAt: long, recoveryAttempts: 0 },
      [orderId(2)]: { status: 'PENDING', updatedAt: long, recoveryAttempts: 0 },
    };
    const store = fakeStore(orders);
    const { started, enqueued, workflow, queue } = fakeStarters();
    const time = clock('2026-12-07T10:00:00.000Z');
    const reports = [];
    for (let run = 0; run < RECOVERY.maxExecutionsPerOrder + 2; run++) {
      reports.push(await recoverStuckOrders({ store, workflow, queue, staleAfterMs: STALE_MS, pageSize: 10, now: time.now }));
      time.advance(STALE_MS + 1);
    }
    // The PENDING order's first recovery is a message (order-starter starts it); every later one an execution.
    expect(enqueued).toEqual([orderId(2)]);
    expect(started).toEqual(
      [1, 2, 3].flatMap((attempt) => [[orderId(1), attempt], ...(attempt > 1 ? [[orderId(2), attempt] as [string, number]] : [])]),
    );
    expect(started.filter(([id]) => id === orderId(1))).toHaveLength(RECOVERY.maxExecutionsPerOrder);
    expect(started.length + enqueued.length).toBe(2 * RECOVERY.maxExecutionsPerOrder);
    expect(reports.map((report) => report.gaveUp)).toEqual([[], [], [], [orderId(1), orderId(2)], [orderId(1), orderId(2)]]);
    expect(store.claims.every((claim) => claim.maxAttempts === RECOVERY.maxExecutionsPerOrder)).toBe(true);
  });

  it('claims each order with the run\'s time and its cutoff (now minus the staleness), and leaves a moving or closed order alone', async () => {
    const { recoverStuckOrders } = await load();
    const time = clock('2026-12-07T10:00:00.000Z');
    const cutoff = new Date(time.at() - STALE_MS).toISOString();
    const store = fakeStore({
      [orderId(1)]: { status: 'SHIPPED', updatedAt: '2026-12-07T09:00:00.000Z', recoveryAttempts: 0 },
      // Changed after the cutoff: its execution is still at work.
      [orderId(2)]: { status: 'PAYMENT_PROCESSED', updatedAt: '2026-12-07T09:50:00.000Z', recoveryAttempts: 0 },
    });
    const { started, enqueued, workflow, queue } = fakeStarters();
    const report = await recoverStuckOrders({ store, workflow, queue, staleAfterMs: STALE_MS, pageSize: 10, now: time.now });
    expect(store.queries).toEqual([{ cutoff, limit: 10, startKey: undefined }]);
    expect(store.claims).toEqual([
      { orderId: orderId(1), maxAttempts: RECOVERY.maxExecutionsPerOrder, now: '2026-12-07T10:00:00.000Z', unchangedSince: cutoff },
      { orderId: orderId(2), maxAttempts: RECOVERY.maxExecutionsPerOrder, now: '2026-12-07T10:00:00.000Z', unchangedSince: cutoff },
    ]);
    expect(started).toEqual([[orderId(1), 1]]);
    expect(enqueued).toEqual([]);
    expect(report).toEqual({ examined: 2, pages: 1, enqueued: [], restarted: [orderId(1)], gaveUp: [], failed: [], stoppedEarly: false });
  });

  it('reads every page of the index, and fills in the report it is given (or a new one)', async () => {
    const { recoverStuckOrders, emptyRecoveryReport } = await load();
    expect(emptyRecoveryReport()).toEqual({ examined: 0, pages: 0, enqueued: [], restarted: [], gaveUp: [], failed: [], stoppedEarly: false });
    const orders = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [orderId(n), { status: 'SHIPPED', updatedAt: '2026-12-01T00:00:00.000Z', recoveryAttempts: 0 }]));
    const store = fakeStore(orders);
    const { started, workflow, queue } = fakeStarters();
    const report = await recoverStuckOrders({ store, workflow, queue, staleAfterMs: STALE_MS, pageSize: 2 });
    expect(report).toEqual({ examined: 5, pages: 3, enqueued: [], restarted: [1, 2, 3, 4, 5].map(orderId), gaveUp: [], failed: [], stoppedEarly: false });
    expect(store.queries.map((query) => query.startKey)).toEqual([undefined, { position: 2 }, { position: 4 }]);
    expect(started).toHaveLength(5);

    const given = emptyRecoveryReport();
    const returned = await recoverStuckOrders({ store, workflow, queue, staleAfterMs: 0, pageSize: 2, now: () => new Date(Date.now() + 3_600_000) }, given);
    expect(returned).toBe(given);
    expect(given.examined).toBe(5);
  });
});

describe('the deadline', () => {
  it('reached to the millisecond: nothing is read or started', async () => {
    const { recoverStuckOrders } = await load();
    const store = fakeStore({ [orderId(1)]: { status: 'SHIPPED', updatedAt: '2026-12-01T00:00:00.000Z', recoveryAttempts: 0 } });
    const { started, workflow, queue } = fakeStarters();
    const time = clock('2026-12-07T10:00:00.000Z');
    const report = await recoverStuckOrders({ store, workflow, queue, staleAfterMs: STALE_MS, pageSize: 10, now: time.now, deadline: time.at() });
    expect(report).toMatchObject({ examined: 0, pages: 0, stoppedEarly: true });
    expect(store.queries).toEqual([]);
    expect(started).toEqual([]);

    // A millisecond before it, the run goes on.
    const before = await recoverStuckOrders({ store, workflow, queue, staleAfterMs: STALE_MS, pageSize: 10, now: time.now, deadline: time.at() + 1 });
    expect(before).toMatchObject({ examined: 1, restarted: [orderId(1)], stoppedEarly: false });
  });

  it('passed while a page was worked on: the next page is not read, the next order not started', async () => {
    const { recoverStuckOrders } = await load();
    const orders = Object.fromEntries([1, 2, 3].map((n) => [orderId(n), { status: 'SHIPPED', updatedAt: '2026-12-01T00:00:00.000Z', recoveryAttempts: 0 }]));
    const store = fakeStore(orders);
    const { started, queue } = fakeStarters();
    const time = clock('2026-12-07T10:00:00.000Z');
    const deadline = time.at() + 1_000;
    // Each start takes 600 ms: the second start ends past the deadline.
    const workflow = { start: async (id: string, attempt?: number) => void (started.push([id, attempt]), time.advance(600)) } as WorkflowStarter;

    const lastOfPage = await recoverStuckOrders({ store, workflow, queue, staleAfterMs: STALE_MS, pageSize: 2, now: time.now, deadline });
    expect(lastOfPage).toMatchObject({ examined: 2, pages: 1, stoppedEarly: true });
    expect(store.queries).toHaveLength(1);
    expect(started.map(([id]) => id)).toEqual([orderId(1), orderId(2)]);

    // Within a page: the order after the deadline is left for the next run.
    const store2 = fakeStore(Object.fromEntries([1, 2, 3].map((n) => [orderId(n), { status: 'SHIPPED', updatedAt: '2026-12-01T00:00:00.000Z', recoveryAttempts: 0 }])));
    started.length = 0;
    const time2 = clock('2026-12-07T10:00:00.000Z');
    const workflow2 = { start: async (id: string, attempt?: number) => void (started.push([id, attempt]), time2.advance(600)) } as WorkflowStarter;
    const midPage = await recoverStuckOrders({ store: store2, workflow: workflow2, queue, staleAfterMs: STALE_MS, pageSize: 10, now: time2.now, deadline: time2.at() + 1_000 });
    expect(midPage).toMatchObject({ examined: 2, pages: 1, stoppedEarly: true, restarted: [orderId(1), orderId(2)] });
    expect(store2.claims.map((claim) => claim.orderId)).toEqual([orderId(1), orderId(2)]);
  });
});

describe("one order's failure", () => {
  it('is counted and told (onError), and the others are recovered; with nobody to tell, it is only counted', async () => {
    const { recoverStuckOrders } = await load();
    const orders = Object.fromEntries([1, 2].map((n) => [orderId(n), { status: 'SHIPPED', updatedAt: '2026-12-01T00:00:00.000Z', recoveryAttempts: 0 }]));
    const { started, queue } = fakeStarters();
    const failure = new Error('Rate exceeded');
    const workflow = {
      start: async (id: string, attempt?: number) => {
        if (id === orderId(1)) throw failure;
        started.push([id, attempt]);
      },
    } as WorkflowStarter;
    const told: [string, unknown][] = [];
    const deps: RecoveryDeps = { store: fakeStore(orders), workflow, queue, staleAfterMs: STALE_MS, pageSize: 10, onError: (id, error) => void told.push([id, error]) };
    expect(await recoverStuckOrders(deps)).toMatchObject({ examined: 2, failed: [orderId(1)], restarted: [orderId(2)] });
    expect(told).toEqual([[orderId(1), failure]]);

    const again = Object.fromEntries([1, 2].map((n) => [orderId(n), { status: 'SHIPPED', updatedAt: '2026-12-01T00:00:00.000Z', recoveryAttempts: 0 }]));
    const { onError: _onError, ...withoutOnError } = deps;
    expect(await recoverStuckOrders({ ...withoutOnError, store: fakeStore(again) })).toMatchObject({ examined: 2, failed: [orderId(1)], restarted: [orderId(2)] });
  });
});
