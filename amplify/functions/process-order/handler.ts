/**
 * process-order: the workflow's Task states call it with `{ action, orderId }`; it dispatches to
 * the step modules in `steps/` (payment, shipment, delivery schedule, notification, compensation);
 * the order's delivery schedule calls it with `confirm_delivery`; an EventBridge rule hands it the
 * SES bounce and complaint events of the deployment's configuration set. Each step is safe to run more
 * than once: status changes are conditional, money and e-mail calls go through Powertools
 * idempotency (`wiring.ts`), and a step that already happened returns what it recorded the first time.
 */
import type { Context } from 'aws-lambda';
import { isOrderId } from '../../domain/order-rules.ts';
import { FUNCTIONS } from '../../server/settings/functions.ts';
import { PROCESS_ORDER_ACTIONS, type ProcessOrderAction } from '../../server/workflow.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';
import { holdForCancelWindow } from './steps/cancel-window.ts';
import { compensate } from './steps/compensation.ts';
import { scheduleDelivery } from './steps/delivery.ts';
import { recordEmailEvent, sesEmailEvent } from './steps/email-events.ts';
import { sendNotification } from './steps/notification.ts';
import { markFailed, processPayment, settleFailedPayment } from './steps/payment.ts';
import { confirmDelivery, shipOrder } from './steps/shipment.ts';
import { reserveStock } from './steps/stock.ts';
import { createStepContext } from './wiring.ts';

export { NoChargeRecordedError, paymentProvider } from './wiring.ts';

const { logger, metrics, tracer } = createObservability(FUNCTIONS.processOrder.name);
const { context, registerLambdaContext } = createStepContext({ logger, metrics, tracer });

export interface StepInput {
  action: ProcessOrderAction;
  orderId: string;
  /** The error that sent the workflow to a mark_*_failed step. */
  reason?: string;
  /** The workflow's own ARN (`$$.StateMachine.Id`): what a shipment schedule starts again. */
  stateMachineArn?: string;
}

const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:[\w-]{1,80}$/;

export class InvalidStepInputError extends Error {
  override readonly name = 'InvalidStepInputError';
}

/**
 * The workflow's Task parameters. Checked by hand rather than with a schema library: the input
 * comes from our own state machine, and none is needed in this function's bundle.
 */
export function parseStepInput(event: unknown): StepInput {
  const input = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const { action, orderId, reason, stateMachineArn } = input;
  const valid =
    PROCESS_ORDER_ACTIONS.includes(action as ProcessOrderAction) &&
    isOrderId(orderId) &&
    (reason === undefined || (typeof reason === 'string' && reason.length <= 256)) &&
    (stateMachineArn === undefined || (typeof stateMachineArn === 'string' && STATE_MACHINE_ARN.test(stateMachineArn)));
  if (!valid) throw new InvalidStepInputError(`Invalid step input: ${JSON.stringify(event)?.slice(0, 300)}`);
  return {
    action: action as ProcessOrderAction,
    orderId: (orderId as string).toLowerCase(),
    reason: reason as string | undefined,
    ...(stateMachineArn === undefined ? {} : { stateMachineArn: stateMachineArn as string }),
  };
}

/** What a step knows of its invocation: the function's own ARN (the delivery schedule's target). */
export interface Invocation {
  functionArn: string;
}

/** Each action of the workflow's Task states, and the step module that does it. */
const STEPS: Record<ProcessOrderAction, (input: StepInput, invocation: Invocation) => Promise<unknown>> = {
  reserve_stock: ({ orderId }) => reserveStock(context, orderId),
  process_payment: ({ orderId }) => processPayment(context, orderId),
  arrange_shipment: ({ orderId }) => shipOrder(context, orderId),
  send_notification: ({ orderId }) => sendNotification(context, orderId),
  hold_for_cancel_window: ({ orderId, stateMachineArn }) => {
    if (!stateMachineArn) throw new InvalidStepInputError('hold_for_cancel_window needs the stateMachineArn');
    return holdForCancelWindow(context, orderId, stateMachineArn);
  },
  schedule_delivery: ({ orderId }, { functionArn }) => scheduleDelivery(context, orderId, functionArn),
  confirm_delivery: ({ orderId }) => confirmDelivery(context, orderId),
  mark_payment_failed: ({ orderId, reason }) => settleFailedPayment(context, orderId, reason),
  mark_shipment_failed: ({ orderId, reason }) => markFailed(context, orderId, 'SHIPMENT_FAILED', reason),
  compensate: ({ orderId }) => compensate(context, orderId),
};

export const runStep = (input: StepInput, invocation: Invocation) => STEPS[input.action](input, invocation);

export const handler = withObservability({ logger, metrics, tracer }, async (event: unknown, lambdaContext: Context) => {
  registerLambdaContext(lambdaContext);
  const emailEvent = sesEmailEvent(event);
  if (emailEvent === 'ignored') return { ignored: true };
  if (emailEvent) return recordEmailEvent(context, emailEvent);
  const input = parseStepInput(event);
  const result = await runStep(input, { functionArn: lambdaContext.invokedFunctionArn });
  logger.debug('Step done', { action: input.action, orderId: input.orderId });
  return result;
});
