/**
 * Returns (`POST /orders/{orderId}/refund`) against the workflow run locally: staff refund a
 * delivered order, or one still in transit; the refund's execution gives the money back once
 * (counted at the payment provider's ledger) and e-mails the customer once; customers cannot.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../amplify/domain/api.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { CONFIRM_DELIVERY_INVOCATION } from '../../local/stack/stack.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, mailsFor, postOrder, startTestStack, until, waitForFinal, type TestUser } from '../helpers/stack.ts';

/** While set, every invocation for `state` waits for `released`. */
let hold: { state: string; released: Promise<void> } | undefined;

/** Holds `state` until the returned function is called. */
function holdAt(state: string): () => void {
  let release!: () => void;
  hold = { state, released: new Promise<void>((resolve) => (release = resolve)) };
  return release;
}

let stack: Awaited<ReturnType<typeof startTestStack>>;
let staff: TestUser;
let provider: typeof import('../../amplify/functions/process-order/handler.ts').paymentProvider;
beforeAll(async () => {
  stack = await startTestStack({
    taskHook: async (state, input, invoke) => {
      if (hold?.state === state) await hold.released;
      return invoke(input);
    },
  });
  staff = await createUser(stack, { staff: true });
  provider = (await import('../../amplify/functions/process-order/handler.ts')).paymentProvider;
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});
beforeEach(() => {
  hold = undefined;
});

const refundPath = (orderId: string) => ROUTES.refundOrder.replace('{orderId}', orderId);
const refund = (orderId: string, as: TestUser | null, body?: unknown) =>
  api(stack, refundPath(orderId), { method: 'POST', ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }) }, as);

async function delivered(): Promise<string> {
  const { body } = await postOrder(stack, orderRequest());
  const order = await waitForFinal(stack, body.orderId);
  expect(order.status).toBe('DELIVERED');
  return order.orderId;
}

/** The order once its refund is recorded and the pipeline is idle. */
async function refunded(orderId: string) {
  await until(async () => (await api(stack, `/orders/${orderId}`)).body.refundStatus === 'refunded');
  await stack.idle();
  return (await api(stack, `/orders/${orderId}`)).body;
}

describe('staff refund a shipped or delivered order', () => {
  it('a delivered order: REFUNDED at once, the money back once, one e-mail with the amount and the reason', async () => {
    const orderId = await delivered();
    const { status, body } = await refund(orderId, staff, { reason: 'Returned: arrived damaged' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ orderId, status: 'REFUNDED', refundReason: 'Returned: arrived damaged', refundAmount: body.totalAmount });
    expect(['pending', 'refunded']).toContain(body.refundStatus);
    expect(body.history.at(-1)).toMatchObject({ status: 'REFUNDED', actor: { type: 'staff', sub: staff.sub } });

    const order = await refunded(orderId);
    expect(order).toMatchObject({ status: 'REFUNDED', refundStatus: 'refunded', refundAmount: order.totalAmount, refundId: expect.stringMatching(/^rfnd_/), refundDate: expect.any(String) });
    expect(provider.count(orderId, 'charge')).toBe(1);
    expect(provider.count(orderId, 'refund')).toBe(1);
    const mails = (await mailsFor(stack, orderId, 4)).filter((m) => m.kind === 'order-refunded');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`Your order ${orderNumberOf(orderId)} was refunded`);
    expect(mails[0]!.text).toContain('Reason: Returned: arrived damaged');
    expect(mails[0]!.text).toContain(order.refundId);
    const executions = stack.stepFunctions.list().filter((e) => e.name === orderId);
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);

    // Asked again (a retried request): the same order, no second refund, no second e-mail.
    const again = await refund(orderId, staff);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'REFUNDED', refundId: order.refundId });
    await stack.idle();
    expect(provider.count(orderId, 'refund')).toBe(1);
    expect(stack.outbox.list().filter((m) => m.orderId === orderId && m.kind === 'order-refunded')).toHaveLength(1);
    // In the staff counts under its own status.
    const { body: list } = await api(stack, '/orders?status=REFUNDED', {}, staff);
    expect(list.orders.map((o: { orderId: string }) => o.orderId)).toContain(orderId);
    expect(list.counts.REFUNDED).toBeGreaterThanOrEqual(1);
  });

  it('in transit: the order stays refunded when its delivery schedule fires, and nothing is delivered', async () => {
    const release = holdAt(CONFIRM_DELIVERY_INVOCATION);
    const { body } = await postOrder(stack, orderRequest());
    const orderId = body.orderId as string;
    await until(async () => (await api(stack, `/orders/${orderId}`)).body.status === 'SHIPPED');
    expect((await refund(orderId, staff)).body.status).toBe('REFUNDED');
    const order = await refunded(orderId);
    release();
    await stack.idle();
    expect((await api(stack, `/orders/${orderId}`)).body).toMatchObject({ status: 'REFUNDED', refundId: order.refundId });
    expect(order.deliveryDate).toBeUndefined();
    expect(provider.count(orderId, 'refund')).toBe(1);
    expect(stack.outbox.list().filter((m) => m.orderId === orderId).map((m) => m.kind)).not.toContain('order-delivered');
  });

  it('customers cannot: 403 on their own order, 404 on another', async () => {
    const orderId = await delivered();
    const own = await refund(orderId, stack.customer);
    expect(own.status).toBe(403);
    expect(own.body.details).toEqual([{ path: 'orderId', message: expect.stringMatching(/^Staff only/) }]);
    const other = await refund(orderId, await createUser(stack));
    expect(other.status).toBe(404);
    expect((await refund(orderId, null)).status).toBe(401);
    expect((await api(stack, `/orders/${orderId}`)).body.status).toBe('DELIVERED');
  });

  it('refuses what is not a shipped or delivered order (409), and a body with unknown or bad fields (400)', async () => {
    const orderId = await delivered();
    const unknown = await refund(orderId, staff, { reason: 'ok', amount: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ path: 'amount' })]);
    const long = await refund(orderId, staff, { reason: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    expect(long.body.details).toEqual([{ path: 'reason', message: 'At most 200 characters' }]);
    expect((await api(stack, `/orders/${orderId}`)).body.status).toBe('DELIVERED');

    const release = holdAt('ProcessPayment');
    const pending = (await postOrder(stack, orderRequest())).body.orderId as string;
    const refused = await refund(pending, staff);
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual([{ path: 'status', message: expect.stringMatching(/^The order is Pending; only a shipped or delivered order/) }]);
    release();
    expect((await waitForFinal(stack, pending)).status).toBe('DELIVERED');
  });
});
