/**
 * The recovery job (`recoverStuckOrders` in the `recover-orders` handler, which the local stack
 * invokes as the EventBridge rule does in AWS) against the real local stack, with no
 * DescribeExecution (the workflow is Express): an order stored but never enqueued is put on the
 * queue again, an order whose execution failed before the order reached a
 * final status gets a new execution (at most RECOVERY.maxExecutionsPerOrder, counted on the order), and a
 * SHIPPED order whose delivery schedule is missing gets it back.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RECOVERY } from '../../amplify/server/settings/recovery.ts';
import type { ExecutionRecord } from '../../local/step-functions/step-functions.ts';
import { orderRequest } from '../fixtures.ts';
import { api, DELIVERED_MAILS, kindsOf, mailsFor, postOrder, startTestStack, waitForFinal } from '../helpers/stack.ts';

/** Orders whose shipment steps fail (as a broken carrier integration would), retries included. */
const brokenShipments = new Set<string>();
/** Orders whose delivery schedule cannot be created (Scheduler down through every retry). */
const brokenSchedules = new Set<string>();

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({
    instrument: true,
    taskHook: (stateName, input, invoke) => {
      const { orderId } = input as { orderId: string };
      if (brokenShipments.has(orderId) && (stateName === 'ArrangeShipment' || stateName === 'MarkShipmentFailed')) {
        return Promise.reject(Object.assign(new Error(`Injected failure in ${stateName}`), { name: 'CarrierUnavailable' }));
      }
      if (brokenSchedules.has(orderId) && stateName === 'ScheduleDelivery') {
        return Promise.reject(Object.assign(new Error('Injected failure: Scheduler unavailable'), { name: 'ServiceUnavailable' }));
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
  brokenSchedules.clear();
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
    expect(kindsOf(await mailsFor(stack, orderId, 3))).toEqual(DELIVERED_MAILS);
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
    expect(kindsOf(await mailsFor(stack, orderId, 3))).toEqual(DELIVERED_MAILS);

    // Recovered orders are final: the next run finds nothing to do.
    expect(await stack.recover(0)).toMatchObject({ enqueued: [], restarted: [], gaveUp: [] });
  });

  it('re-creates the delivery schedule of a SHIPPED order that has none, once it is overdue, and the order is delivered once', async () => {
    const { body } = await postOrder(stack, orderRequest());
    const orderId = body.orderId as string;
    brokenSchedules.add(orderId);
    const failed = await waitForExecution(orderId, (e) => e.status !== 'RUNNING');
    expect(failed).toMatchObject({ status: 'FAILED', error: 'DeliveryNotScheduled' });
    const shipped = (await api(stack, `/orders/${orderId}`)).body;
    expect(shipped.status).toBe('SHIPPED');
    brokenSchedules.delete(orderId);

    // Due at its estimated delivery date, which on the local clock is the stack's delivery wait
    // after the shipment (in AWS its 2 to 5 days): not stale a minute before it, the job leaves it alone.
    expect(Date.parse(shipped.estimatedDeliveryDate) - Date.parse(shipped.shipmentDate)).toBe(200);
    expect((await stack.recover(60_000)).restarted).not.toContain(orderId);
    // Once the date has passed (on a quiet machine this test gets here sooner): overdue, restarted.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(shipped.estimatedDeliveryDate) + 1 - Date.now())));
    const report = await stack.recover(0);
    expect(report.restarted).toContain(orderId);
    const order = await waitForFinal(stack, orderId);
    expect(order).toMatchObject({ status: 'DELIVERED', trackingNumber: shipped.trackingNumber, transactionId: shipped.transactionId });
    await stack.stepFunctions.idle();
    const restarted = executionsOf(orderId).find((e) => e.name === `${orderId}-r1`)!;
    expect(restarted.status).toBe('SUCCEEDED');
    expect(JSON.parse(restarted.output!).delivery).toMatchObject({ created: true });
    expect(kindsOf(await mailsFor(stack, orderId, 4, 1000))).toEqual(DELIVERED_MAILS);
  });

  it('the recover-orders Lambda handler runs the same job with the shared staleness (RECOVERY.staleAfterMinutes)', async () => {
    const sqs = stack.services!.sqs;
    sqs.inject('SendMessage', 10);
    const { body } = await postOrder(stack, orderRequest());
    const orderId = body.orderId as string;
    sqs.clearFaults();

    // The handler reads its environment (its manifest's, set by the local stack) when loaded, as in AWS.
    const { handler } = await stack.inFunction('recoverOrders', () => import('../../amplify/functions/recover-orders/handler.ts'));
    const invoke = () => stack.inFunction('recoverOrders', () => handler({} as ScheduledEvent, { functionName: 'recover-orders', awsRequestId: 'test' } as Context));

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
    expect(kindsOf(await mailsFor(stack, orderId, 3))).toEqual(DELIVERED_MAILS);
  });

  // Last: the order it gives up on stays overdue, and every later run would report it again.
  it(`gives an order that keeps failing ${RECOVERY.maxExecutionsPerOrder} new executions, then gives up and says so`, async () => {
    const { body } = await postOrder(stack, orderRequest());
    const orderId = body.orderId as string;
    brokenShipments.add(orderId);
    await waitForExecution(orderId, (e) => e.status !== 'RUNNING');
    for (let attempt = 1; attempt <= RECOVERY.maxExecutionsPerOrder; attempt++) {
      expect(await stack.recover(0)).toMatchObject({ restarted: [orderId], gaveUp: [] });
      expect((await waitForExecution(`${orderId}-r${attempt}`, (e) => e.status !== 'RUNNING')).status).toBe('FAILED');
    }
    expect(await stack.recover(0)).toMatchObject({ enqueued: [], restarted: [], gaveUp: [orderId] });
    expect(executionsOf(orderId)).toHaveLength(1 + RECOVERY.maxExecutionsPerOrder);
    expect((await api(stack, `/orders/${orderId}`)).body.status).toBe('PAYMENT_PROCESSED');
    // The counter is the server's own: the API never shows it.
    expect((await api(stack, `/orders/${orderId}`)).body.recoveryAttempts).toBeUndefined();
  });
});
