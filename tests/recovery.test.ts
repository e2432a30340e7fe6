/**
 * The recovery job (`recoverStuckOrders`, run in AWS by `recover-orders` on a schedule) against the
 * real local stack: an order stored but never enqueued is put on the queue again, and an order
 * whose execution failed before the order reached a final status gets a new execution.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RECOVERY } from '../amplify/server/settings.ts';
import type { ExecutionRecord } from '../local/step-functions.ts';
import { orderRequest } from './fixtures.ts';
import { api, mailsFor, postOrder, startTestStack, waitForFinal } from './helpers/stack.ts';

/** Orders whose shipment steps fail (as a broken carrier integration would), retries included. */
const brokenShipments = new Set<string>();

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({
    instrument: true,
    taskHook: (stateName, input, invoke) => {
      const { orderId } = input as { orderId: string };
      if (brokenShipments.has(orderId) && (stateName === 'ArrangeShipment' || stateName === 'MarkShipmentFailed')) {
        return Promise.reject(Object.assign(new Error(`Injected failure in ${stateName}`), { name: 'CarrierUnavailable' }));
      }
      return invoke(input);
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});
beforeEach(() => {
  stack.services!.sqs.clearFaults();
  brokenShipments.clear();
});
afterEach(() => {
  vi.useRealTimers();
});

const executionsOf = (orderId: string) =>
  stack.stepFunctions.list().filter((e) => e.name === orderId || e.name.startsWith(`${orderId}-r`));

async function waitForExecution(name: string, done: (e: ExecutionRecord) => boolean, timeoutMs = 15_000): Promise<ExecutionRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = stack.stepFunctions.list().find((e) => e.name === name);
    if (execution && done(execution)) return execution;
    if (Date.now() > deadline) throw new Error(`Execution ${name} is ${execution?.status ?? 'missing'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('recovery job', () => {
  it('re-enqueues an order that was stored but never reached the queue', async () => {
    const sqs = stack.services!.sqs;
    sqs.inject('SendMessage', 10);
    const { status, body } = await postOrder(stack, orderRequest());
    // The order is durable once stored: the API answers 201 although the message was not sent.
    expect(status).toBe(201);
    const orderId = body.orderId as string;
    expect(sqs.stats.get('SendMessage')?.faults).toBeGreaterThan(0);
    sqs.clearFaults();

    // Nothing moves it on: still PENDING, no workflow.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api(stack, `/orders/${orderId}`)).body.status).toBe('PENDING');
    expect(executionsOf(orderId)).toEqual([]);

    const report = await stack.recover(0);
    expect(report).toMatchObject({ enqueued: [orderId], restarted: [], gaveUp: [] });

    const order = await waitForFinal(stack, orderId);
    expect(order.status).toBe('DELIVERED');
    await stack.stepFunctions.idle();
    expect(executionsOf(orderId).map((e) => [e.name, e.status])).toEqual([[orderId, 'SUCCEEDED']]);
    expect(await mailsFor(stack, orderId, 1)).toHaveLength(1);
  });

  it('starts <orderId>-r1 for an order whose execution failed before the order was final', async () => {
    const { status, body } = await postOrder(stack, orderRequest());
    expect(status).toBe(201);
    const orderId = body.orderId as string;
    brokenShipments.add(orderId);

    // Shipment and marking it failed both keep failing: the execution fails, the order is paid
    // but stuck short of a final status.
    const failed = await waitForExecution(orderId, (e) => e.status !== 'RUNNING');
    expect(failed.status).toBe('FAILED');
    const stuck = (await api(stack, `/orders/${orderId}`)).body;
    expect(stuck.status).toBe('PAYMENT_PROCESSED');

    brokenShipments.delete(orderId);
    const report = await stack.recover(0);
    expect(report).toMatchObject({ enqueued: [], restarted: [orderId], gaveUp: [] });

    const order = await waitForFinal(stack, orderId);
    expect(order.status).toBe('DELIVERED');
    // The payment step ran again but charged nothing new.
    expect(order.transactionId).toBe(stuck.transactionId);
    await stack.stepFunctions.idle();
    expect(executionsOf(orderId).map((e) => [e.name, e.status]).sort()).toEqual([
      [orderId, 'FAILED'],
      [`${orderId}-r1`, 'SUCCEEDED'],
    ]);
    expect(await mailsFor(stack, orderId, 1)).toHaveLength(1);

    // Recovered orders are final: the next run finds nothing to do.
    expect(await stack.recover(0)).toMatchObject({ enqueued: [], restarted: [], gaveUp: [] });
  });

  it('the recover-orders Lambda handler runs the same job with the shared staleness (RECOVERY.staleAfterMinutes)', async () => {
    const sqs = stack.services!.sqs;
    sqs.inject('SendMessage', 10);
    const { body } = await postOrder(stack, orderRequest());
    const orderId = body.orderId as string;
    sqs.clearFaults();

    // The handler reads its environment (set by the local stack) when loaded, as in AWS.
    const { handler } = await import('../amplify/functions/recover-orders/handler.ts');
    const invoke = () => handler({} as ScheduledEvent, { functionName: 'recover-orders', awsRequestId: 'test' } as Context);

    // A fresh order is in flight, not stuck.
    expect(await invoke()).toMatchObject({ examined: 0, enqueued: [] });

    // Once it has been untouched for longer than RECOVERY.staleAfterMinutes, it is re-enqueued.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + (RECOVERY.staleAfterMinutes + 1) * 60_000);
    const before = sqs.count('SendMessage');
    expect(await invoke()).toMatchObject({ examined: 1, enqueued: [orderId], restarted: [], gaveUp: [] });
    expect(sqs.count('SendMessage')).toBe(before + 1);
    vi.useRealTimers();

    expect((await waitForFinal(stack, orderId)).status).toBe('DELIVERED');
    expect(await mailsFor(stack, orderId, 1)).toHaveLength(1);
  });
});
