/**
 * The cancel window (CANCEL_WINDOW_SECONDS) run locally: a paid order is held, its shipment
 * schedule (the local Scheduler, `ship-<orderId>`) starts the workflow again at the shipment when
 * the window closes; a cancel inside the window is refunded at once, and the schedule firing later
 * changes nothing. Payment provider calls are counted at the provider's ledger.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTES } from '../amplify/domain/api.ts';
import { orderRequest } from './fixtures.ts';
import { api, postOrder, startTestStack, waitForFinal } from './helpers/stack.ts';

const WINDOW_SECONDS = 2;

let stack: Awaited<ReturnType<typeof startTestStack>>;
let provider: typeof import('../amplify/functions/process-order/handler.ts').paymentProvider;
beforeAll(async () => {
  stack = await startTestStack({ cancelWindowSeconds: WINDOW_SECONDS });
  provider = (await import('../amplify/functions/process-order/handler.ts')).paymentProvider;
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const orderOf = async (orderId: string) => (await api(stack, `/orders/${orderId}`)).body;

it('a paid order waits for its window, then ships (started again by its schedule) and is delivered', async () => {
  const { body } = await postOrder(stack, orderRequest());
  const paid = await until(() => orderOf(body.orderId), (o) => o.status === 'PAYMENT_PROCESSED');
  expect(Date.parse(paid.cancellableUntil) - Date.parse(paid.paymentDate)).toBe(WINDOW_SECONDS * 1000);
  // Held: shipped only once the window closed.
  const delivered = await waitForFinal(stack, body.orderId);
  expect(delivered.status).toBe('DELIVERED');
  expect(Date.parse(delivered.shipmentDate!)).toBeGreaterThanOrEqual(Date.parse(paid.cancellableUntil));
  await stack.idle();
  const executions = stack.stepFunctions.list().filter((e) => e.name.startsWith(body.orderId));
  expect(executions.map((e) => [e.name, e.status]).sort()).toEqual([
    [body.orderId, 'SUCCEEDED'],
    [`${body.orderId}-ship`, 'SUCCEEDED'],
  ]);
  expect(provider.count(body.orderId, 'charge')).toBe(1);
});

it('cancelled inside the window: refunded at once, nothing ships, and the schedule firing later changes nothing', async () => {
  const { body } = await postOrder(stack, orderRequest());
  await until(() => orderOf(body.orderId), (o) => o.status === 'PAYMENT_PROCESSED');
  const cancelled = await api(stack, ROUTES.cancelOrder.replace('{orderId}', body.orderId), { method: 'POST' });
  expect(cancelled.status).toBe(200);
  const refunded = await until(() => orderOf(body.orderId), (o) => o.refundStatus === 'refunded');
  expect(Date.now()).toBeLessThan(Date.parse(refunded.cancellableUntil)); // before the window closed
  // The window closes, the schedule starts the workflow at the shipment: it finds the order cancelled.
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(refunded.cancellableUntil) - Date.now()) + 1500));
  await stack.idle();
  expect(await orderOf(body.orderId)).toMatchObject({ status: 'CANCELLED', refundId: refunded.refundId });
  expect((await orderOf(body.orderId)).trackingNumber).toBeUndefined();
  expect(provider.count(body.orderId, 'charge')).toBe(1);
  expect(provider.count(body.orderId, 'refund')).toBe(1);
  expect(stack.stepFunctions.list().some((e) => e.name === `${body.orderId}-ship`)).toBe(true);
  const kinds = stack.outbox.list().filter((m) => m.orderId === body.orderId).map((m) => m.kind).sort();
  expect(kinds).toEqual(['order-cancelled', 'order-confirmed', 'order-refunded']);
});
