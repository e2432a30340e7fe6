/**
 * The cancel window (CANCEL_WINDOW_SECONDS) run locally: a paid order is held, its shipment
 * schedule (the local Scheduler, `ship-<orderId>`) starts the workflow again at the shipment when
 * the window closes; a cancel inside the window is refunded at once, and the schedule firing later
 * changes nothing. Payment provider calls are counted at the provider's ledger.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTES } from '../../amplify/domain/api.ts';
import { orderRequest } from '../fixtures.ts';
import { api, postOrder, startTestStack, until, waitForFinal } from '../helpers/stack.ts';

// Long enough that the refund of a cancel inside it lands before it closes, also on a busy machine.
const WINDOW_SECONDS = 4;

let stack: Awaited<ReturnType<typeof startTestStack>>;
let provider: typeof import('../../amplify/functions/process-order/handler.ts').paymentProvider;
beforeAll(async () => {
  stack = await startTestStack({ cancelWindowSeconds: WINDOW_SECONDS });
  provider = (await import('../../amplify/functions/process-order/handler.ts')).paymentProvider;
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

/** The order as its customer reads it, once `done` holds. */
async function orderWhen(orderId: string, done: (order: Record<string, any>) => boolean): Promise<Record<string, any>> {
  let order: Record<string, any> = {};
  await until(async () => done((order = await orderOf(orderId))));
  return order;
}
const orderOf = async (orderId: string) => (await api(stack, `/orders/${orderId}`)).body;

it('a paid order waits for its window, then ships (started again by its schedule) and is delivered', async () => {
  const { body } = await postOrder(stack, orderRequest());
  const paid = await orderWhen(body.orderId, (o) => o.status === 'PAYMENT_PROCESSED');
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
  await orderWhen(body.orderId, (o) => o.status === 'PAYMENT_PROCESSED');
  // Held: its execution has made the shipment schedule and ended (a cancel before that point is
  // compensated by the execution itself, and no schedule is made).
  await until(() => stack.stepFunctions.list().some((e) => e.name === body.orderId && e.status === 'SUCCEEDED'));
  const cancelled = await api(stack, ROUTES.cancelOrder.replace('{orderId}', body.orderId), { method: 'POST' });
  expect(cancelled.status).toBe(200);
  const refunded = await orderWhen(body.orderId, (o) => o.refundStatus === 'refunded');
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
