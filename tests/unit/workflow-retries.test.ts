/**
 * The workflow's retries as they happen, not as the template says: the deployed ASL file runs in
 * the local interpreter with each Task failing on purpose, and the test counts the attempts and
 * reads every wait the interpreter sleeps before a retry (fake timers: no real waiting). The
 * expected numbers are written here, not read from the definition, so a changed interval, backoff
 * or attempt count fails.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { renderWorkflow, WORKFLOW_DEFINITION } from '../../amplify/server/workflow.ts';

const PROCESS_ORDER_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:process-order';
const ORDER_ID = '0f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';

/** What each Task answers when it succeeds: the happy path (the outcomes its Choice states read). */
const SUCCESS: Record<string, unknown> = {
  ReserveStock: { outcome: 'reserved' },
  ProcessPayment: { outcome: 'approved', transactionId: 'txn_1' },
  ArrangeShipment: { outcome: 'shipped', trackingNumber: 'TRK1' },
  SendNotification: { notificationSentDate: '2026-11-29T10:00:00.000Z' },
  ScheduleDelivery: { scheduled: true },
  NotifyPaymentApproved: { emailsSent: ['order-confirmed'] },
  // No cancel window here (its hold is the next describe's).
  HoldForCancelWindow: { held: false },
  NotifyPaymentDeclined: { emailsSent: ['payment-declined'] },
  MarkPaymentFailed: { status: 'PAYMENT_FAILED' },
  MarkShipmentFailed: { status: 'SHIPMENT_FAILED' },
  Compensate: { status: 'SHIPMENT_FAILED' },
};

/** A failure the workflow retries (what a throttled SDK call or a carrier outage raises). */
class TransientError extends Error {
  override readonly name = 'CarrierUnavailableError';
}
/** Powertools idempotency's answer while another invocation holds the charge's record. */
class ChargeInFlightError extends Error {
  override readonly name = 'IdempotencyAlreadyInProgressError';
}
/** A failure it must not retry: the order moved on meanwhile. */
class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
}

interface Run {
  /** Every Task call in order, with the sleeps the interpreter took just before it. */
  calls: { state: string; waitedMs: number[] }[];
  status: string;
}

/**
 * Runs the workflow once with the given Tasks always throwing `error`; the others succeed. Returns
 * the calls and, for each, the waits (the interpreter's timers that fired) that came before it.
 */
async function run(failing: readonly string[], error: () => Error = () => new TransientError('down'), answers: Record<string, unknown> = {}): Promise<Run> {
  const calls: Run['calls'] = [];
  let pendingWaits: number[] = [];
  const fakeSetTimeout = globalThis.setTimeout;
  // A wait is a timer that fired (a Task's own timeout timer is set too, and cleared when it answers).
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) =>
    fakeSetTimeout(() => {
      pendingWaits.push(ms ?? 0);
      fn();
    }, ms)) as typeof setTimeout);

  const tasks = Object.entries(WORKFLOW_DEFINITION.States as Record<string, { Type: string }>)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => name);
  const handlers = Object.fromEntries(
    tasks.map((name) => [
      name,
      async () => {
        calls.push({ state: name, waitedMs: pendingWaits });
        pendingWaits = [];
        if (failing.includes(name)) throw error();
        if (name in answers) return answers[name] as never;
        if (!(name in SUCCESS)) throw new Error(`No success answer for Task ${name}: add it to SUCCESS`);
        return SUCCESS[name] as never;
      },
    ]),
  );
  const machine = new StateMachine(JSON.parse(renderWorkflow(PROCESS_ORDER_ARN)), { validationOptions: { checkArn: true } });
  // No retryIntervalOverrides: the intervals and backoff of the definition itself.
  // The context object Step Functions gives every execution (HoldForCancelWindow reads the machine's ARN).
  const context = { StateMachine: { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:order-workflow', Name: 'order-workflow' } };
  const execution = machine.run({ orderId: ORDER_ID }, { overrides: { taskResourceLocalHandlers: handlers }, context });
  const settled = execution.result.then(
    () => 'SUCCEEDED',
    () => 'FAILED',
  );
  let status: string | undefined;
  void settled.then((s) => (status = s));
  // Fake time: each retry's timer fires as soon as the clock passes it, with its delay recorded.
  for (let i = 0; i < 200 && status === undefined; i++) await vi.advanceTimersByTimeAsync(60_000);
  if (status === undefined) throw new Error('The execution did not end');
  return { calls, status };
}

/** The calls of one Task: how many, and the waits before each retry. */
function attemptsOf(result: Run, state: string) {
  const calls = result.calls.filter((c) => c.state === state);
  return { attempts: calls.length, waitsMs: calls.slice(1).map((c) => c.waitedMs.reduce((a, b) => a + b, 0)) };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('every Task retries as designed, counted at run time', () => {
  it('the happy path calls each Task once and waits for nothing', async () => {
    const result = await run([]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.map((c) => c.state)).toEqual(['ReserveStock', 'ProcessPayment', 'NotifyPaymentApproved', 'HoldForCancelWindow', 'ArrangeShipment', 'SendNotification', 'ScheduleDelivery']);
    expect(result.calls.every((c) => c.waitedMs.length === 0)).toBe(true);
  });

  it('ReserveStock: 4 attempts, 2 s, 4 s, 8 s apart; then the execution fails before any payment (recovery starts it again)', async () => {
    const result = await run(['ReserveStock']);
    expect(attemptsOf(result, 'ReserveStock')).toEqual({ attempts: 4, waitsMs: [2000, 4000, 8000] });
    expect(result.calls.map((c) => c.state)).toEqual(['ReserveStock', 'ReserveStock', 'ReserveStock', 'ReserveStock']);
    expect(result.status).toBe('FAILED');
  });

  it('an order short of stock ends at the reservation: no payment, no shipment, a succeeded execution', async () => {
    const result = await run([], undefined, { ReserveStock: { outcome: 'out_of_stock' } });
    expect(result.calls.map((c) => c.state)).toEqual(['ReserveStock']);
    expect(result.status).toBe('SUCCEEDED');
  });

  it('a duplicated execution whose payment step finds the order OUT_OF_STOCK stops there, charging nothing', async () => {
    const late = await run([], undefined, { ReserveStock: { outcome: 'skipped' }, ProcessPayment: { outcome: 'out_of_stock' } });
    expect(late.calls.map((c) => c.state)).toEqual(['ReserveStock', 'ProcessPayment']);
    expect(late.status).toBe('SUCCEEDED');
  });

  it('ProcessPayment: 4 attempts, 2 s then 4 s then 8 s apart; then the order is marked failed', async () => {
    const result = await run(['ProcessPayment']);
    expect(attemptsOf(result, 'ProcessPayment')).toEqual({ attempts: 4, waitsMs: [2000, 4000, 8000] });
    expect(attemptsOf(result, 'MarkPaymentFailed').attempts).toBe(1);
    expect(result.calls.map((c) => c.state)).not.toContain('ArrangeShipment');
  });

  it('ProcessPayment with a charge still in flight elsewhere: retried past the in-flight record\'s expiry, then the execution fails with the order left PENDING (never marked failed: the money may have been taken)', async () => {
    const result = await run(['ProcessPayment'], () => new ChargeInFlightError('in progress'));
    expect(attemptsOf(result, 'ProcessPayment')).toEqual({ attempts: 5, waitsMs: [10_000, 10_000, 10_000, 10_000] });
    // The record a dead invocation left lasts as long as the function may run: the retries outlast it.
    const waited = attemptsOf(result, 'ProcessPayment').waitsMs.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(FUNCTIONS.processOrder.timeoutSeconds * 1000);
    expect(result.calls.map((c) => c.state)).toEqual(['ReserveStock', ...Array(5).fill('ProcessPayment')]);
    expect(result.status).toBe('FAILED');
  });

  it('MarkPaymentFailed: 4 attempts, 2 s, 4 s, 8 s apart; then the execution fails', async () => {
    const result = await run(['ProcessPayment', 'MarkPaymentFailed']);
    expect(attemptsOf(result, 'MarkPaymentFailed')).toEqual({ attempts: 4, waitsMs: [2000, 4000, 8000] });
    expect(result.status).toBe('FAILED');
  });

  it('ArrangeShipment: 3 attempts, 2 s then 4 s apart; then marked failed and compensated', async () => {
    const result = await run(['ArrangeShipment']);
    expect(attemptsOf(result, 'ArrangeShipment')).toEqual({ attempts: 3, waitsMs: [2000, 4000] });
    expect(attemptsOf(result, 'MarkShipmentFailed').attempts).toBe(1);
    expect(attemptsOf(result, 'Compensate').attempts).toBe(1);
    expect(result.status).toBe('FAILED');
  });

  it('MarkShipmentFailed: 4 attempts, 2 s, 4 s, 8 s apart', async () => {
    const result = await run(['ArrangeShipment', 'MarkShipmentFailed']);
    expect(attemptsOf(result, 'MarkShipmentFailed')).toEqual({ attempts: 4, waitsMs: [2000, 4000, 8000] });
  });

  it('Compensate: 4 attempts, 2 s, 4 s, 8 s apart', async () => {
    const result = await run(['ArrangeShipment', 'Compensate']);
    expect(attemptsOf(result, 'Compensate')).toEqual({ attempts: 4, waitsMs: [2000, 4000, 8000] });
    expect(result.status).toBe('FAILED');
  });

  it('SendNotification: 3 attempts, 2 s then 4 s apart; the order still gets its delivery schedule', async () => {
    const result = await run(['SendNotification']);
    expect(attemptsOf(result, 'SendNotification')).toEqual({ attempts: 3, waitsMs: [2000, 4000] });
    expect(attemptsOf(result, 'ScheduleDelivery').attempts).toBe(1);
  });

  it('ScheduleDelivery: 4 attempts, 2 s, 4 s, 8 s apart; then the execution fails (recovery re-creates it)', async () => {
    const result = await run(['ScheduleDelivery']);
    expect(attemptsOf(result, 'ScheduleDelivery')).toEqual({ attempts: 4, waitsMs: [2000, 4000, 8000] });
    expect(result.status).toBe('FAILED');
  });

  it('HoldForCancelWindow: 4 attempts, 2 s, 4 s, 8 s apart; then the execution fails and nothing ships (recovery takes it on once the window closed)', async () => {
    const result = await run(['HoldForCancelWindow']);
    expect(attemptsOf(result, 'HoldForCancelWindow')).toEqual({ attempts: 4, waitsMs: [2000, 4000, 8000] });
    expect(result.calls.map((c) => c.state)).not.toContain('ArrangeShipment');
    expect(result.status).toBe('FAILED');
  });

  it('an order that moved on meanwhile is not retried: one attempt, no wait', async () => {
    const result = await run(['ProcessPayment'], () => new InvalidTransitionError('moved on'));
    expect(attemptsOf(result, 'ProcessPayment')).toEqual({ attempts: 1, waitsMs: [] });
  });
});
