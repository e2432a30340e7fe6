/**
 * With PAYMENT_SUCCESS_RATE=0 the simulated provider declines every charge. A decline is a business
 * outcome: the order ends PAYMENT_FAILED, and neither a Lambda error nor a failed execution (what
 * the Lambda errors and Step Functions alarms count) comes of it. The customer pays the same order
 * again (`POST /orders/{orderId}/payment`): declined again, or (the provider's rate raised) paid,
 * shipped and delivered, one order throughout, charged once per attempt.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../amplify/domain/api.ts';
import { MAX_PAYMENT_ATTEMPTS, PAYMENT_DECLINED_REASON } from '../../amplify/domain/order-rules.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, postOrder, startTestStack, waitForFinal, type TestUser } from '../helpers/stack.ts';

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

let provider: typeof import('../../amplify/functions/process-order/handler.ts').paymentProvider;
beforeAll(async () => {
  provider = (await import('../../amplify/functions/process-order/handler.ts')).paymentProvider;
});
afterEach(() => {
  provider.successRate = 0;
});

const payAgain = (orderId: string, body: unknown = { paymentMethod: 'paypal' }, as?: TestUser) =>
  api(stack, ROUTES.orderPayment.replace('{orderId}', orderId), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, as ?? stack.customer);

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
    { state: 'ReserveStock', orderId: order.orderId },
    { state: 'ProcessPayment', orderId: order.orderId },
    { state: 'NotifyPaymentDeclined', orderId: order.orderId },
  ]);
  const mails = stack.outbox.list().filter((m) => m.orderId === order.orderId);
  expect(mails.map((m) => [m.kind, m.to])).toEqual([['payment-declined', stack.customer.email]]);
  expect(mails[0]!.text).toContain('Pay again');
  expect(mails[0]!.text).toContain(`/#/orders/${order.orderId}`);
  // A second run of the step (a duplicated execution) sends nothing more.
  await stack.stepFunctions.startExecution({ stateMachineArn: stack.stepFunctions.stateMachineArn, name: `${order.orderId}-again`, input: JSON.stringify({ orderId: order.orderId }) });
  await stack.stepFunctions.idle();
  expect(stack.outbox.list().filter((m) => m.orderId === order.orderId)).toHaveLength(1);
});

describe('a declined order paid again', () => {
  it('declined again: the same order, its attempts counted, one charge per attempt, one decline e-mail; then no more than the limit', async () => {
    const { body } = await postOrder(stack, orderRequest());
    const { orderId } = await waitForFinal(stack, body.orderId);
    const second = await payAgain(orderId);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ orderId, orderNumber: body.orderNumber, status: 'PENDING', paymentAttempts: 2, paymentMethod: 'paypal' });
    expect(second.body.failureReason).toBeUndefined();
    expect(second.body.history.at(-1)).toMatchObject({ status: 'PENDING', actor: { type: 'customer', sub: stack.customer.sub } });
    expect(await waitForFinal(stack, orderId)).toMatchObject({ status: 'PAYMENT_FAILED', paymentAttempts: 2, failureReason: PAYMENT_DECLINED_REASON });
    expect((await payAgain(orderId)).body.paymentAttempts).toBe(MAX_PAYMENT_ATTEMPTS);
    await waitForFinal(stack, orderId);
    const refused = await payAgain(orderId);
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual([{ path: 'paymentAttempts', message: expect.stringContaining(`tried ${MAX_PAYMENT_ATTEMPTS} times`) }]);
    await stack.idle();
    expect(provider.count(orderId, 'charge')).toBe(MAX_PAYMENT_ATTEMPTS);
    expect(stack.outbox.list().filter((m) => m.orderId === orderId).map((m) => m.kind)).toEqual(['payment-declined']);
    // My orders: one order, whatever it took.
    const { body: list } = await api(stack, '/orders');
    expect(list.orders.filter((o: { orderNumber: string }) => o.orderNumber === body.orderNumber)).toHaveLength(1);
  });

  it('paid the second time: delivered, one charge approved, the confirmation e-mail, still one order', async () => {
    const { body } = await postOrder(stack, orderRequest());
    const { orderId } = await waitForFinal(stack, body.orderId);
    // The customer pays again once told: the decline's e-mail is sent first (paid again before the
    // notify step reads the order, no decline is due any more, and none is sent).
    await stack.idle();
    provider.successRate = 1;
    expect((await payAgain(orderId, { paymentMethod: 'debit_card' })).status).toBe(200);
    const delivered = await waitForFinal(stack, orderId);
    expect(delivered).toMatchObject({ orderId, status: 'DELIVERED', paymentAttempts: 2, paymentMethod: 'debit_card', transactionId: expect.stringMatching(/^txn_/) });
    await stack.idle();
    expect(provider.count(orderId, 'charge')).toBe(2);
    const kinds = stack.outbox.list().filter((m) => m.orderId === orderId).map((m) => m.kind).sort();
    expect(kinds).toEqual(['order-confirmed', 'order-delivered', 'order-shipped', 'payment-declined']);
    // Asked again (a retried request whose answer was lost): the order as it is, nothing charged.
    expect(await payAgain(orderId)).toMatchObject({ status: 200, body: { status: 'DELIVERED', paymentAttempts: 2 } });
    await stack.idle();
    expect(provider.count(orderId, 'charge')).toBe(2);
  });

  it('only its customer pays it again: staff 403, another customer 404; a bad body 400 naming the field', async () => {
    const { body } = await postOrder(stack, orderRequest());
    const { orderId } = await waitForFinal(stack, body.orderId);
    expect((await payAgain(orderId, undefined, await createUser(stack, { staff: true }))).status).toBe(403);
    expect((await payAgain(orderId, undefined, await createUser(stack))).status).toBe(404);
    const unknown = await payAgain(orderId, { paymentMethod: 'paypal', amount: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ path: 'amount' })]);
    const method = await payAgain(orderId, { paymentMethod: 'cash' });
    expect(method.status).toBe(400);
    expect(method.body.details).toEqual([{ path: 'paymentMethod', message: expect.stringMatching(/^One of: /) }]);
    expect((await api(stack, `/orders/${orderId}`)).body).toMatchObject({ status: 'PAYMENT_FAILED' });
    expect((await api(stack, `/orders/${orderId}`)).body.paymentAttempts).toBeUndefined();
  });
});
