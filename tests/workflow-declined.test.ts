/** With PAYMENT_SUCCESS_RATE=0 the simulated provider declines every charge. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderRequest } from './fixtures.ts';
import { outboxDrained, postOrder, startTestStack, waitForFinal } from './helpers/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({ paymentSuccessRate: 0 });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

it('a declined payment ends the order in PAYMENT_FAILED with no e-mail', async () => {
  const { body } = await postOrder(stack, orderRequest());
  const order = await waitForFinal(stack, body.orderId);
  expect(order).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'PaymentDeclinedError' });
  expect(order.transactionId).toBeUndefined();
  await stack.stepFunctions.idle();
  await outboxDrained(stack);
  expect(stack.outbox.list()).toHaveLength(0);
});
