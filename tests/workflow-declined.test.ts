/**
 * With PAYMENT_SUCCESS_RATE=0 the simulated provider declines every charge. A decline is a business
 * outcome: the order ends PAYMENT_FAILED, and neither a Lambda error nor a failed execution (what
 * the Lambda errors and Step Functions alarms count) comes of it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PAYMENT_DECLINED_REASON } from '../amplify/domain/order-rules.ts';
import { orderRequest } from './fixtures.ts';
import { postOrder, startTestStack, waitForFinal } from './helpers/stack.ts';

/** Every process-order invocation the workflow made, and how it ended. */
const invocations: { state: string; orderId: string; error?: string }[] = [];

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({
    paymentSuccessRate: 0,
    taskHook: async (state, input, invoke) => {
      const record: (typeof invocations)[number] = { state, orderId: (input as { orderId: string }).orderId };
      invocations.push(record);
      try {
        return await invoke(input);
      } catch (error) {
        record.error = (error as Error).name;
        throw error;
      }
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

it('a declined payment ends the order in PAYMENT_FAILED with one payment-declined e-mail, no Lambda error and a succeeded execution', async () => {
  const { body } = await postOrder(stack, orderRequest());
  const order = await waitForFinal(stack, body.orderId);
  expect(order).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: PAYMENT_DECLINED_REASON });
  expect(PAYMENT_DECLINED_REASON).toBe('PaymentDeclinedError'); // what the storefront explains as a decline
  expect(order.transactionId).toBeUndefined();
  await stack.stepFunctions.idle();
  const execution = stack.stepFunctions.list().find((e) => e.name === order.orderId)!;
  expect(execution).toMatchObject({ status: 'SUCCEEDED', retries: 0 });
  expect(invocations.filter((i) => i.orderId === order.orderId)).toEqual([
    { state: 'ProcessPayment', orderId: order.orderId },
    { state: 'NotifyPaymentDeclined', orderId: order.orderId },
  ]);
  const mails = stack.outbox.list().filter((m) => m.orderId === order.orderId);
  expect(mails.map((m) => [m.kind, m.to])).toEqual([['payment-declined', stack.customer.email]]);
  expect(mails[0]!.text).toContain('Try again');
  expect(mails[0]!.text).toContain(`/#/orders/${order.orderId}`);
  // A second run of the step (a duplicated execution) sends nothing more.
  await stack.stepFunctions.startExecution({ stateMachineArn: stack.stepFunctions.stateMachineArn, name: `${order.orderId}-again`, input: JSON.stringify({ orderId: order.orderId }) });
  await stack.stepFunctions.idle();
  expect(stack.outbox.list().filter((m) => m.orderId === order.orderId)).toHaveLength(1);
});
