/**
 * Compensation of a shipment that fails after the payment: with SHIPMENT_SUCCESS_RATE=0 the
 * simulated carrier never books, the shipment step exhausts its retries, and the workflow refunds
 * the charge (once, counted at the payment provider) and e-mails the customer.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { orderRequest } from '../fixtures.ts';
import { api, mailsFor, postOrder, startTestStack, waitForFinal } from '../helpers/stack.ts';

const tries = new Map<string, number>();
let stack: Awaited<ReturnType<typeof startTestStack>>;
let provider: typeof import('../../amplify/functions/process-order/handler.ts').paymentProvider;
beforeAll(async () => {
  stack = await startTestStack({
    shipmentSuccessRate: 0,
    taskHook: (state, input, invoke) => {
      tries.set(state, (tries.get(state) ?? 0) + 1);
      return invoke(input);
    },
  });
  // The same module instance the stack runs (imported after the stack set the environment).
  provider = (await import('../../amplify/functions/process-order/handler.ts')).paymentProvider;
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

it('refunds the charge once, records refundId and refundDate, and e-mails "could not be shipped and was refunded"', async () => {
  const { body } = await postOrder(stack, orderRequest());
  await waitForFinal(stack, body.orderId);
  await stack.stepFunctions.idle();
  const { body: order } = await api(stack, `/orders/${body.orderId}`);
  expect(order).toMatchObject({
    status: 'SHIPMENT_FAILED',
    failureReason: 'CarrierUnavailableError',
    transactionId: expect.stringMatching(/^txn_/),
    refundId: expect.stringMatching(/^rfnd_/),
    refundDate: expect.any(String),
    compensationSentDate: expect.any(String),
  });
  expect(order.trackingNumber).toBeUndefined();
  expect(tries.get('ArrangeShipment')).toBe(3); // the seed's 2 retries
  expect(provider.count(order.orderId, 'charge')).toBe(1);
  expect(provider.count(order.orderId, 'refund')).toBe(1);
  const execution = stack.stepFunctions.list().find((e) => e.name === order.orderId)!;
  expect(execution).toMatchObject({ status: 'FAILED', error: 'ShipmentFailed' });
  const mails = await mailsFor(stack, order.orderId, 2);
  expect(mails.map((m) => m.kind).sort()).toEqual(['order-confirmed', 'order-refunded']);
  const refunded = mails.find((m) => m.kind === 'order-refunded')!;
  expect(refunded.subject).toBe(`Order Refunded - ${orderNumberOf(order.orderId)}`);
  expect(refunded.text).toContain('could not be shipped, and was refunded');
  expect(refunded.text).toContain(order.refundId);
});

it('a compensation run again (recovery) refunds nothing twice and sends no second e-mail', async () => {
  const { body } = await postOrder(stack, orderRequest());
  await waitForFinal(stack, body.orderId);
  await stack.stepFunctions.idle();
  const { body: first } = await api(stack, `/orders/${body.orderId}`);
  await stack.stepFunctions.startExecution({
    stateMachineArn: stack.stepFunctions.stateMachineArn,
    name: `${body.orderId}-again`,
    input: JSON.stringify({ orderId: body.orderId }),
  });
  await stack.stepFunctions.idle();
  const { body: again } = await api(stack, `/orders/${body.orderId}`);
  expect(again.refundId).toBe(first.refundId);
  expect(again.refundDate).toBe(first.refundDate);
  expect(provider.count(body.orderId, 'refund')).toBe(1);
  expect(provider.count(body.orderId, 'charge')).toBe(1);
  expect(await mailsFor(stack, body.orderId, 3, 1000)).toHaveLength(2);
});
