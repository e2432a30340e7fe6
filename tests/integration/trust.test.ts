/**
 * Issue 22 on the local stack, end to end through the local API Gateway and user pool: staff
 * cancelling a customer's order (history, "by the store" in the e-mail), the per-account order
 * limit (the stack's default, 20 a minute), `GET /me/export` and `DELETE /me` (anonymized orders,
 * the account gone from the pool).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMIZED } from '../../amplify/domain/privacy.ts';
import { ORDER_RATE } from '../../amplify/server/settings/api.ts';
import { signInWithPassword } from '../../local/cognito/cognito.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, mailsFor, postOrder, startTestStack, waitForFinal, type TestStack, type TestUser } from '../helpers/stack.ts';

let stack: TestStack;
let staff: TestUser;
beforeAll(async () => {
  stack = await startTestStack({ paymentDelayMs: 300 });
  staff = await createUser(stack, { staff: true });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

describe('staff are accountable', () => {
  it('a staff cancel is kept in the history with the staff member’s sub, and the customer’s e-mail says "cancelled by the store"', async () => {
    const customer = await createUser(stack);
    const placed = await postOrder(stack, orderRequest(), {}, customer);
    expect(placed.status).toBe(201);
    const cancelled = await api(stack, `orders/${placed.body.orderId}/cancel`, { method: 'POST' }, staff);
    expect(cancelled.status).toBe(200);
    const order = await waitForFinal(stack, placed.body.orderId, 30_000, customer);
    expect(order.history?.[0]).toEqual({ status: 'PENDING', at: order.orderDate, actor: { type: 'customer', sub: customer.sub } });
    expect(order.history?.find((change) => change.status === 'CANCELLED')?.actor).toEqual({ type: 'staff', sub: staff.sub });
    const mails = await mailsFor(stack, order.orderId, 1);
    expect(mails.some((mail) => mail.text.includes('cancelled by the store'))).toBe(true);
  });
});

describe('limits', () => {
  it(`the ${ORDER_RATE.defaultLimit + 1}st order in a minute is a 429 with Retry-After and a JSON error naming the limit`, async () => {
    const customer = await createUser(stack);
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof postOrder>> | undefined;
    for (let i = 0; i <= ORDER_RATE.defaultLimit; i++) {
      const answer = await postOrder(stack, orderRequest(), {}, customer);
      statuses.push(answer.status);
      if (answer.status === 429) refused = answer;
    }
    // A minute boundary may fall inside the loop: then the count starts again and all go through.
    if (!refused) return expect(statuses.every((s) => s === 201)).toBe(true);
    expect(statuses.filter((s) => s === 201)).toHaveLength(ORDER_RATE.defaultLimit);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({ error: 'Too many orders', details: [{ path: 'orders' }] });
  });
});

describe('data rights', () => {
  it('GET /me/export answers { account, orders } with every order of the caller, none of another', async () => {
    const customer = await createUser(stack);
    const other = await createUser(stack);
    const mine = await postOrder(stack, orderRequest(), {}, customer);
    await postOrder(stack, orderRequest(), {}, other);
    const exported = await api(stack, 'me/export', {}, customer);
    expect(exported.status).toBe(200);
    expect(exported.body.account).toMatchObject({ sub: customer.sub, email: customer.email });
    expect(exported.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([mine.body.orderId]);
  });

  it('DELETE /me anonymizes the orders (items, amounts, statuses kept), deletes the account, and answers 204 again when repeated', async () => {
    const customer = await createUser(stack);
    const placed = await postOrder(stack, orderRequest(), {}, customer);
    const before = await waitForFinal(stack, placed.body.orderId, 30_000, customer);
    const deleted = await api(stack, 'me', { method: 'DELETE' }, customer);
    expect(deleted.status).toBe(204);
    const seen = await api(stack, `orders/${before.orderId}`, {}, staff);
    expect(seen.body).toMatchObject({
      customerName: ANONYMIZED.customerName,
      customerEmail: ANONYMIZED.customerEmail,
      shippingAddress: { street: ANONYMIZED.street, city: ANONYMIZED.city, zipCode: ANONYMIZED.zipCode, country: before.shippingAddress.country },
      items: before.items,
      totalAmount: before.totalAmount,
      status: before.status,
      orderDate: before.orderDate,
      anonymizedDate: expect.any(String),
    });
    await expect(signInWithPassword(stack.cognito, customer.email, 'Test#pass1')).rejects.toThrow(/NotAuthorizedException/);
    // Its ID token is still within its lifetime: it places no order that would keep a name and address.
    const late = await postOrder(stack, orderRequest(), {}, customer);
    expect(late).toMatchObject({ status: 403, body: { details: [{ path: 'Authorization' }] } });
    expect((await api(stack, 'me', { method: 'DELETE' }, customer)).status).toBe(204);
  });
});
