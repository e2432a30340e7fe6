/**
 * process-order's handler (`handler.ts`) with its steps and wiring replaced by spies: which step
 * each action of the workflow runs, with what, and with which step context; the input it refuses
 * before any step runs (a malformed input must never reach a money step); the Lambda context given
 * to Powertools idempotency before every step; SES's e-mail events. The handler is imported inside
 * each test (`load`), so that StrykerJS sees its module-level wiring (the action table, the
 * state machine ARN pattern) run inside a test.
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HANDLER_ENV, lambdaContext, STATE_MACHINE_ARN } from './events.ts';
import { captureLogs } from './logs.ts';

const steps = vi.hoisted(() => ({
  reserveStock: vi.fn(),
  processPayment: vi.fn(),
  settleFailedPayment: vi.fn(),
  markFailed: vi.fn(),
  shipOrder: vi.fn(),
  confirmDelivery: vi.fn(),
  notifyCustomer: vi.fn(),
  holdForCancelWindow: vi.fn(),
  scheduleDelivery: vi.fn(),
  compensate: vi.fn(),
  recordEmailStatus: vi.fn(),
  registerLambdaContext: vi.fn(),
}));
/** The step context the (mocked) wiring builds: what every step must be handed. */
const CONTEXT = vi.hoisted(() => ({ orders: { recordEmailStatus: steps.recordEmailStatus }, marker: 'the step context' }));

vi.mock('../../amplify/functions/process-order/wiring.ts', () => ({
  createStepContext: () => ({ context: CONTEXT, registerLambdaContext: steps.registerLambdaContext }),
  NoChargeRecordedError: class NoChargeRecordedError extends Error {},
  paymentProvider: {},
}));
vi.mock('../../amplify/functions/process-order/steps/stock.ts', () => ({ reserveStock: steps.reserveStock }));
vi.mock('../../amplify/functions/process-order/steps/payment.ts', () => ({
  processPayment: steps.processPayment,
  settleFailedPayment: steps.settleFailedPayment,
  markFailed: steps.markFailed,
}));
vi.mock('../../amplify/functions/process-order/steps/shipment.ts', () => ({ shipOrder: steps.shipOrder, confirmDelivery: steps.confirmDelivery }));
vi.mock('../../amplify/functions/process-order/steps/notification.ts', () => ({ sendNotification: steps.notifyCustomer, notifyCustomer: steps.notifyCustomer }));
vi.mock('../../amplify/functions/process-order/steps/cancel-window.ts', () => ({ holdForCancelWindow: steps.holdForCancelWindow }));
vi.mock('../../amplify/functions/process-order/steps/delivery.ts', () => ({ scheduleDelivery: steps.scheduleDelivery }));
vi.mock('../../amplify/functions/process-order/steps/compensation.ts', () => ({ compensate: steps.compensate }));

type ProcessOrder = typeof import('../../amplify/functions/process-order/handler.ts');

const ORDER_ID = '0f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:process-order';
let logs: ReturnType<typeof captureLogs>;

/** The handler module as Lambda loads it (fresh: its module-level code runs inside the test). */
async function load(): Promise<ProcessOrder> {
  vi.resetModules();
  return import('../../amplify/functions/process-order/handler.ts');
}

const invoke = (processOrder: ProcessOrder, event: unknown, context: Context = lambdaContext('process-order')) =>
  processOrder.handler(event, context) as Promise<unknown>;

beforeEach(() => {
  for (const [name, value] of Object.entries(HANDLER_ENV)) vi.stubEnv(name, value);
  for (const spy of Object.values(steps)) spy.mockReset();
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  vi.unstubAllEnvs();
});

describe('each action of the workflow', () => {
  it('runs its own step, with the step context and the order, and answers what the step answered', async () => {
    const processOrder = await load();
    const cases: [action: string, step: keyof typeof steps, extra: Record<string, unknown>, args: unknown[]][] = [
      ['reserve_stock', 'reserveStock', {}, [CONTEXT, ORDER_ID]],
      ['process_payment', 'processPayment', {}, [CONTEXT, ORDER_ID]],
      ['arrange_shipment', 'shipOrder', {}, [CONTEXT, ORDER_ID]],
      ['send_notification', 'notifyCustomer', {}, [CONTEXT, ORDER_ID]],
      ['hold_for_cancel_window', 'holdForCancelWindow', { stateMachineArn: STATE_MACHINE_ARN }, [CONTEXT, ORDER_ID, STATE_MACHINE_ARN]],
      ['schedule_delivery', 'scheduleDelivery', {}, [CONTEXT, ORDER_ID, FUNCTION_ARN]],
      ['confirm_delivery', 'confirmDelivery', {}, [CONTEXT, ORDER_ID]],
      ['mark_payment_failed', 'settleFailedPayment', { reason: 'States.Timeout' }, [CONTEXT, ORDER_ID, 'States.Timeout']],
      ['mark_shipment_failed', 'markFailed', { reason: 'CarrierUnavailableError' }, [CONTEXT, ORDER_ID, 'SHIPMENT_FAILED', 'CarrierUnavailableError']],
      ['compensate', 'compensate', {}, [CONTEXT, ORDER_ID]],
    ];
    for (const [action, step, extra, args] of cases) {
      for (const spy of Object.values(steps)) spy.mockReset();
      const answer = { answeredBy: step };
      steps[step].mockResolvedValue(answer);
      // An upper-case order id (as a person might paste it) is the same order.
      const result = await invoke(processOrder, { action, orderId: ORDER_ID.toUpperCase(), ...extra });
      expect(result, action).toEqual(answer);
      expect(steps[step], action).toHaveBeenCalledTimes(1);
      expect(steps[step].mock.calls[0], action).toEqual(args);
      // No other step ran.
      const others = Object.entries(steps).filter(([name]) => name !== step && name !== 'registerLambdaContext');
      expect(others.filter(([, spy]) => spy.mock.calls.length > 0).map(([name]) => name), action).toEqual([]);
      expect(logs.lines.filter((line) => line.level === 'debug').at(-1), action).toEqual({ level: 'debug', message: 'Step done', extra: [{ action, orderId: ORDER_ID }] });
    }
    // The delivery schedule targets the function as it was invoked (an alias or version stripped later, in the wiring).
    steps.scheduleDelivery.mockResolvedValue({ scheduled: true });
    await invoke(processOrder, { action: 'schedule_delivery', orderId: ORDER_ID }, { ...lambdaContext('process-order'), invokedFunctionArn: `${FUNCTION_ARN}:live` });
    expect(steps.scheduleDelivery).toHaveBeenLastCalledWith(CONTEXT, ORDER_ID, `${FUNCTION_ARN}:live`);
  });

  it('gives Powertools idempotency the invocation (its remaining time) before the step runs', async () => {
    const processOrder = await load();
    const order: string[] = [];
    steps.registerLambdaContext.mockImplementation(() => order.push('register'));
    steps.processPayment.mockImplementation(async () => order.push('charge'));
    const context = lambdaContext('process-order', 12_345);
    await invoke(processOrder, { action: 'process_payment', orderId: ORDER_ID }, context);
    expect(steps.registerLambdaContext).toHaveBeenCalledWith(context);
    expect(order).toEqual(['register', 'charge']);
  });

  it('hold_for_cancel_window without the workflow ARN is refused before anything is held', async () => {
    const processOrder = await load();
    await expect(invoke(processOrder, { action: 'hold_for_cancel_window', orderId: ORDER_ID })).rejects.toMatchObject({
      name: 'InvalidStepInputError',
      message: 'hold_for_cancel_window needs the stateMachineArn',
    });
    expect(steps.holdForCancelWindow).not.toHaveBeenCalled();
  });

  it('a failing step fails the invocation (Step Functions retries it)', async () => {
    const processOrder = await load();
    steps.processPayment.mockRejectedValue(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    await expect(invoke(processOrder, { action: 'process_payment', orderId: ORDER_ID })).rejects.toThrow('Service unavailable');
  });
});

describe('the step input', () => {
  it('is refused, before any step runs, unless it names an action and an order', async () => {
    const processOrder = await load();
    const refused = [
      undefined,
      null,
      'process_payment',
      {},
      { action: 'refund', orderId: ORDER_ID },
      { action: 'process_payment' },
      { action: 'process_payment', orderId: 'not-an-order' },
      { action: 'mark_payment_failed', orderId: ORDER_ID, reason: 'r'.repeat(257) },
      { action: 'mark_payment_failed', orderId: ORDER_ID, reason: 5 },
      // Not strings, though a length or their text would pass.
      { action: 'mark_payment_failed', orderId: ORDER_ID, reason: ['States.Timeout'] },
      { action: 'hold_for_cancel_window', orderId: ORDER_ID, stateMachineArn: 42 },
      { action: 'hold_for_cancel_window', orderId: ORDER_ID, stateMachineArn: [STATE_MACHINE_ARN] },
    ];
    for (const event of refused) {
      await expect(invoke(processOrder, event), JSON.stringify(event)).rejects.toMatchObject({ name: 'InvalidStepInputError' });
    }
    expect(Object.entries(steps).filter(([name, spy]) => name !== 'registerLambdaContext' && spy.mock.calls.length > 0)).toEqual([]);
  });

  it('names what was refused, at most 300 characters of it', async () => {
    const { parseStepInput } = await load();
    const { InvalidStepInputError } = await import('../../amplify/functions/process-order/handler.ts');
    expect(() => parseStepInput(undefined)).toThrow(new InvalidStepInputError('Invalid step input: undefined'));
    expect(() => parseStepInput({ action: 'refund', orderId: ORDER_ID })).toThrow(`Invalid step input: {"action":"refund","orderId":"${ORDER_ID}"}`);
    const long = { action: 'refund', orderId: ORDER_ID, reason: 'x'.repeat(1000) };
    let message = '';
    try {
      parseStepInput(long);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`Invalid step input: ${JSON.stringify(long).slice(0, 300)}`);
  });

  it('keeps a reason of up to 256 characters, and the workflow ARN only when given', async () => {
    const { parseStepInput } = await load();
    const withReason = parseStepInput({ action: 'mark_payment_failed', orderId: ORDER_ID.toUpperCase(), reason: 'r'.repeat(256) });
    expect(withReason).toStrictEqual({ action: 'mark_payment_failed', orderId: ORDER_ID, reason: 'r'.repeat(256) });
    expect(Object.keys(parseStepInput({ action: 'process_payment', orderId: ORDER_ID }))).not.toContain('stateMachineArn');
    expect(parseStepInput({ action: 'hold_for_cancel_window', orderId: ORDER_ID, stateMachineArn: STATE_MACHINE_ARN })).toStrictEqual({
      action: 'hold_for_cancel_window',
      orderId: ORDER_ID,
      reason: undefined,
      stateMachineArn: STATE_MACHINE_ARN,
    });
  });

  it("takes the workflow ARN of any partition and region, and nothing else (it is what a shipment schedule starts)", async () => {
    const { parseStepInput } = await load();
    const accepted = [
      STATE_MACHINE_ARN,
      'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:order-workflow',
      'arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:Order_Workflow-2',
      `arn:aws:states:eu-west-1:123456789012:stateMachine:${'w'.repeat(80)}`,
      'arn:aws:states:eu-west-1:123456789012:stateMachine:w',
    ];
    for (const stateMachineArn of accepted) {
      expect(parseStepInput({ action: 'hold_for_cancel_window', orderId: ORDER_ID, stateMachineArn }).stateMachineArn, stateMachineArn).toBe(stateMachineArn);
    }
    const refused = [
      '',
      `x${STATE_MACHINE_ARN}`,
      `${STATE_MACHINE_ARN}:v2`,
      `${STATE_MACHINE_ARN} `,
      `${STATE_MACHINE_ARN}/x`,
      'arn:aws!:states:us-east-1:123456789012:stateMachine:order-workflow',
      'arn:aws:states::123456789012:stateMachine:order-workflow',
      'arn:aws:states:us east:123456789012:stateMachine:order-workflow',
      'arn:aws:states:us-east-1:12345678901:stateMachine:order-workflow',
      'arn:aws:states:us-east-1:1234567890123:stateMachine:order-workflow',
      'arn:aws:states:us-east-1:12345678901x:stateMachine:order-workflow',
      'arn:aws:states:us-east-1:123456789012:stateMachine:',
      `arn:aws:states:us-east-1:123456789012:stateMachine:${'w'.repeat(81)}`,
      'arn:aws:states:us-east-1:123456789012:stateMachine:order workflow',
      'arn:aws:states:us-east-1:123456789012:execution:order-workflow:run-1',
      'arn:aws:lambda:us-east-1:123456789012:function:process-order',
    ];
    for (const stateMachineArn of refused) {
      expect(() => parseStepInput({ action: 'hold_for_cancel_window', orderId: ORDER_ID, stateMachineArn }), stateMachineArn).toThrow('Invalid step input');
    }
  });
});

describe("SES's e-mail events", () => {
  const sesEvent = (detailType: string, detail: Record<string, unknown>) => ({ source: 'aws.ses', 'detail-type': detailType, detail });

  it("record a permanent bounce or a complaint on the order the e-mail's tag names; no step runs", async () => {
    const processOrder = await load();
    steps.recordEmailStatus.mockResolvedValue({ emailStatus: 'bounced' });
    const bounced = sesEvent('Email Bounced', { bounce: { bounceType: 'Permanent' }, mail: { tags: { orderId: [ORDER_ID] } } });
    expect(await invoke(processOrder, bounced)).toEqual({ orderId: ORDER_ID, emailStatus: 'bounced' });
    expect(steps.recordEmailStatus).toHaveBeenCalledWith(ORDER_ID, 'bounced');
    expect(Object.entries(steps).filter(([name, spy]) => !['registerLambdaContext', 'recordEmailStatus'].includes(name) && spy.mock.calls.length > 0)).toEqual([]);
  });

  it('other SES events are acknowledged and ignored: nothing is recorded, no step runs', async () => {
    const processOrder = await load();
    for (const event of [
      sesEvent('Email Bounced', { bounce: { bounceType: 'Transient' }, mail: { tags: { orderId: [ORDER_ID] } } }),
      sesEvent('Email Delivered', { mail: { tags: { orderId: [ORDER_ID] } } }),
      sesEvent('Email Complained', { mail: { tags: {} } }),
    ]) {
      expect(await invoke(processOrder, event)).toEqual({ ignored: true });
    }
    expect(Object.entries(steps).filter(([name, spy]) => name !== 'registerLambdaContext' && spy.mock.calls.length > 0)).toEqual([]);
  });
});
