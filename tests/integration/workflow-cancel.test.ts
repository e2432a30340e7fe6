/**
 * Cancellation (`POST /orders/{orderId}/cancel`) against the workflow run locally: before the
 * payment, during it (the local provider answers after LOCAL_PAYMENT_DELAY_MS: the charge that
 * loses the race is refunded), after it (refunded, nothing shipped), and after shipment (409).
 * Payment provider calls are counted at the provider's ledger.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../amplify/domain/api.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, mailsFor, postOrder, startTestStack, until, waitForFinal, type TestUser } from '../helpers/stack.ts';

const PAYMENT_DELAY_MS = 1500;
/** While set, every order's `state` waits for `released` (the step has not started). */
let hold: { state: string; released: Promise<void> } | undefined;
const entered: string[] = [];

let stack: Awaited<ReturnType<typeof startTestStack>>;
let provider: typeof import('../../amplify/functions/process-order/handler.ts').paymentProvider;
beforeAll(async () => {
  stack = await startTestStack({
    paymentDelayMs: PAYMENT_DELAY_MS,
    taskHook: async (state, input, invoke) => {
      const orderId = (input as { orderId: string }).orderId;
      entered.push(`${orderId}:${state}`);
      if (hold?.state === state) await hold.released;
      return invoke(input);
    },
  });
  provider = (await import('../../amplify/functions/process-order/handler.ts')).paymentProvider;
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});
beforeEach(() => {
  hold = undefined;
});

const cancelPath = (orderId: string) => ROUTES.cancelOrder.replace('{orderId}', orderId);
const cancel = (orderId: string, as?: TestUser) => api(stack, cancelPath(orderId), { method: 'POST' }, as ?? stack.customer);

/** Places an order whose `state` waits until the returned `release` is called. */
async function placeHeldAt(state: string) {
  let release!: () => void;
  hold = { state, released: new Promise<void>((resolve) => (release = resolve)) };
  const { body } = await postOrder(stack, orderRequest());
  return { orderId: body.orderId as string, release };
}

async function settled(orderId: string) {
  await waitForFinal(stack, orderId);
  await stack.stepFunctions.idle();
  return (await api(stack, `/orders/${orderId}`)).body;
}

describe('cancel an order', () => {
  it('before the payment: CANCELLED, never charged, a cancellation e-mail, the execution succeeds', async () => {
    // Held before its payment step ever runs (the hold is set before the order is placed).
    const { orderId, release } = await placeHeldAt('ProcessPayment');
    const { status, body } = await cancel(orderId);
    expect(status).toBe(200);
    expect(body).toMatchObject({ orderId, status: 'CANCELLED', cancelledDate: expect.any(String) });
    release();
    const order = await settled(orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.transactionId).toBeUndefined();
    expect(order.refundId).toBeUndefined();
    expect(provider.count(orderId, 'charge')).toBe(0);
    expect(provider.count(orderId, 'refund')).toBe(0);
    const execution = stack.stepFunctions.list().find((e) => e.name === orderId)!;
    expect(execution.status).toBe('SUCCEEDED');
    const mails = await mailsFor(stack, orderId, 1);
    expect(mails.map((m) => m.subject)).toEqual([`Order Cancelled - ${orderNumberOf(orderId)}`]);
    expect(mails[0]!.text).toContain('You have not been charged');
    expect(mails[0]!.to).toBe(stack.customer.email);
  });

  it('during the payment: the charge that lost the race is refunded once', async () => {
    const { body: placed } = await postOrder(stack, orderRequest());
    const orderId = placed.orderId as string;
    await until(() => provider.count(orderId, 'charge') === 1); // the provider is answering (slowly)
    const { status, body } = await cancel(orderId);
    expect(status).toBe(200);
    expect(body.status).toBe('CANCELLED');
    const order = await settled(orderId);
    await until(async () => (await api(stack, `/orders/${orderId}`)).body.compensationSentDate !== undefined);
    const { body: final } = await api(stack, `/orders/${orderId}`);
    expect(final).toMatchObject({ status: 'CANCELLED', transactionId: expect.stringMatching(/^txn_/), refundId: expect.stringMatching(/^rfnd_/) });
    expect(order.trackingNumber).toBeUndefined();
    expect(provider.count(orderId, 'charge')).toBe(1);
    expect(provider.count(orderId, 'refund')).toBe(1);
    const mails = await mailsFor(stack, orderId, 3, 2000);
    expect(mails.map((m) => m.kind).sort()).toEqual(['order-cancelled', 'order-refunded']);
    expect(mails.find((m) => m.kind === 'order-refunded')!.text).toContain(final.refundId);
  });

  it('after the payment, before shipment: refunded, nothing shipped, no shipped e-mail', async () => {
    const { orderId, release } = await placeHeldAt('ArrangeShipment');
    await until(() => entered.includes(`${orderId}:ArrangeShipment`));
    expect((await api(stack, `/orders/${orderId}`)).body.status).toBe('PAYMENT_PROCESSED');
    expect((await cancel(orderId)).status).toBe(200);
    release();
    await settled(orderId);
    await until(async () => (await api(stack, `/orders/${orderId}`)).body.compensationSentDate !== undefined);
    const { body: order } = await api(stack, `/orders/${orderId}`);
    expect(order).toMatchObject({ status: 'CANCELLED', refundId: expect.any(String), refundDate: expect.any(String) });
    expect(order.trackingNumber).toBeUndefined();
    expect(order.notificationSentDate).toBeUndefined();
    expect(entered.filter((e) => e === `${orderId}:SendNotification`)).toHaveLength(0);
    expect(provider.count(orderId, 'refund')).toBe(1);
    const mails = await mailsFor(stack, orderId, 3);
    expect(mails.map((m) => m.kind).sort()).toEqual(['order-cancelled', 'order-confirmed', 'order-refunded']);
    expect(mails.find((m) => m.kind === 'order-cancelled')!.subject).toBe(`Order Cancelled - ${orderNumberOf(orderId)}`);
  });

  it('after shipment: 409 JSON naming the status, the order unchanged', async () => {
    const { body: placed } = await postOrder(stack, orderRequest());
    const order = await settled(placed.orderId);
    expect(order.status).toBe('DELIVERED');
    const { status, body } = await cancel(order.orderId);
    expect(status).toBe(409);
    expect(body).toEqual({ error: 'This order can no longer be cancelled', details: [{ path: 'status', message: expect.stringContaining('Delivered') }] });
    expect((await api(stack, `/orders/${order.orderId}`)).body.status).toBe('DELIVERED');
    expect(provider.count(order.orderId, 'refund')).toBe(0);
  });

  it("another customer's order: the same 404 as a missing one; staff may cancel; a repeat is harmless", async () => {
    const { orderId, release } = await placeHeldAt('ProcessPayment');
    const stranger = await createUser(stack);
    const missing = await cancel('00000000-0000-4000-8000-000000000000', stranger);
    const foreign = await cancel(orderId, stranger);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ ...missing.body, details: [{ path: 'orderId', message: `No order ${orderId}` }] });
    expect((await api(stack, `/orders/${orderId}`)).body.status).toBe('PENDING');
    const staff = await createUser(stack, { staff: true });
    expect((await cancel(orderId, staff)).body.status).toBe('CANCELLED');
    const repeat = await cancel(orderId);
    expect(repeat.status).toBe(200);
    expect(repeat.body.status).toBe('CANCELLED');
    release();
    await settled(orderId);
    expect(await mailsFor(stack, orderId, 2, 1000)).toHaveLength(1);
  });

  it('a bad order id is a 400 naming the field; no token is a 401', async () => {
    const bad = await cancel('not-an-id');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('orderId');
    const anonymous = await api(stack, cancelPath('00000000-0000-4000-8000-000000000000'), { method: 'POST' }, null);
    expect(anonymous.status).toBe(401);
  });
});
