/**
 * Guest checkout against the local stack, end to end: an order placed without an account goes
 * through the workflow; every e-mail links to it with the token its answer carried (derived in
 * process-order from the same secret, served by the local Secrets Manager); the link opens that
 * order alone; signing in with the verified e-mail makes it the account's. (Across a restart of
 * `npm start`: tests/integration/local-start.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_TOKEN } from '../../amplify/domain/api.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, DELIVERED_MAILS, kindsOf, mailsFor, postOrder, startTestStack, until, waitForFinal } from '../helpers/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

const tokenOf = (orderUrl: string) => new URLSearchParams(orderUrl.split('?')[1]).get(ORDER_TOKEN.query)!;
const asGuest = (token: string) => ({ headers: { [ORDER_TOKEN.header]: token } });

describe('guest checkout on the local stack', () => {
  it('a guest order is delivered; its answer and each of its e-mails link to it with one token, which opens that order alone', async () => {
    const email = `guest-${Date.now()}@example.com`;
    const placed = await postOrder(stack, orderRequest({ customerEmail: email }), {}, null);
    expect(placed.status).toBe(201);
    const { orderId, orderUrl } = placed.body as Order & { orderUrl: string };
    expect(orderUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/#/orders/${orderId}\\?token=`));
    const token = tokenOf(orderUrl);
    expect(token).toMatch(ORDER_TOKEN.pattern);

    // Followed as the guest: the token, no Authorization.
    let delivered: Order | undefined;
    await until(async () => {
      delivered = (await api(stack, `/orders/${orderId}`, asGuest(token), null)).body as Order;
      return delivered.status === 'DELIVERED';
    }, 30_000);
    expect(delivered).toMatchObject({ orderId, status: 'DELIVERED', customerEmail: email });
    const mails = await mailsFor(stack, orderId, DELIVERED_MAILS.length);
    expect(kindsOf(mails)).toEqual(DELIVERED_MAILS);
    for (const mail of mails) {
      expect(mail.to).toBe(email);
      expect(mail.text).toContain(orderUrl);
    }
    // The link's token opens no other order, and nothing opens this one without it.
    const other = (await postOrder(stack, orderRequest({ customerEmail: email }), {}, null)).body as Order & { orderUrl: string };
    expect(tokenOf(other.orderUrl)).not.toBe(token);
    expect((await api(stack, `/orders/${other.orderId}`, asGuest(token), null)).status).toBe(404);
    expect((await api(stack, `/orders/${orderId}`, {}, null)).status).toBe(401);
    expect((await api(stack, `/orders/${orderId}`)).status).toBe(404);
    expect((await api(stack, `/orders/${orderId}?token=${token}`, {}, null)).status).toBe(200);
  });

  it("a customer who signs in with the guest's verified e-mail finds the guest orders in My orders", async () => {
    const email = `later-account-${Date.now()}@example.com`;
    const placed = (await postOrder(stack, orderRequest({ customerEmail: email }), {}, null)).body as Order & { orderUrl: string };
    const account = await createUser(stack, { email });
    const mine = await api(stack, '/orders', {}, account);
    expect(mine.status).toBe(200);
    expect((mine.body.orders as Order[]).map((o) => [o.orderId, o.customerId])).toEqual([[placed.orderId, account.sub]]);
    expect((await waitForFinal(stack, placed.orderId, 30_000, account)).status).toBe('DELIVERED');
    // Its link still opens it.
    expect((await api(stack, `/orders/${placed.orderId}`, asGuest(tokenOf(placed.orderUrl)), null)).status).toBe(200);
  });
});
