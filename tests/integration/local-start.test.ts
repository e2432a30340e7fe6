/**
 * `npm start` end to end, as a newcomer runs it: the real CLI in a child process, an order posted
 * over HTTP, DELIVERED, its e-mail in the outbox, and all of it still there after a restart, also
 * after the process was killed in the middle of a workflow.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../amplify/domain/order.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { LOCAL_MAILBOX_PATH } from '../../local/api-gateway/api-gateway.ts';
import { readExecutions } from '../../local/step-functions/execution-store.ts';
import { DEMO_USERS } from '../../local/cognito/cognito.ts';
import { orderRequest } from '../fixtures.ts';
import { npmStartRunner, PIPELINE_MS, READY_MS, STOP_MS, type Running } from '../helpers/npm-start.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'orders-start-'));
const runner = npmStartRunner(dir);
const { dataDir, start, stop, waitFor } = runner;

/** The longest test: two starts, two pipeline waits, two stops, and a margin. */
const TEST_TIMEOUT_MS = 2 * READY_MS + 2 * PIPELINE_MS + 2 * STOP_MS + 60_000;

afterEach(() => runner.killLeftovers());
afterAll(async () => {
  await runner.killLeftovers();
  rmSync(dir, { recursive: true, force: true });
});

/** The ID token of the demo customer whose e-mail and password `npm start` printed. */
let idToken = '';
async function signInAsPrintedCustomer(running: Running): Promise<string> {
  const printed = /Demo customer: (\S+) \/ (\S+)/.exec(running.output());
  expect(printed?.slice(1)).toEqual([DEMO_USERS.customer.email, DEMO_USERS.customer.password]);
  idToken = await runner.signIn('customer');
  return idToken;
}

async function getOrder(apiUrl: string, orderId: string): Promise<Order> {
  return (await fetch(new URL(`orders/${orderId}`, apiUrl), { headers: { Authorization: idToken } })).json() as Promise<Order>;
}

async function waitForStatus(running: Running, orderId: string, status: Order['status']): Promise<Order> {
  return waitFor(running, () => getOrder(running.apiUrl, orderId), (order) => order.status === status, `order ${orderId} to be ${status}`);
}

const mailFiles = (orderId: string) => readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.includes(orderId));

// Each start launches the whole stack (user pool included) in a child process on a shared machine.
describe('npm start', { timeout: TEST_TIMEOUT_MS }, () => {
  let orderId = '';
  /** A guest's order placed in the first run, and what its answer linked to. */
  const guestOrder = { body: JSON.stringify(orderRequest({ customerEmail: 'guest@example.com' })), key: `guest-${randomUUID()}`, orderId: '', orderUrl: '' };
  const placeGuestOrder = (apiUrl: string) =>
    fetch(new URL('orders', apiUrl), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': guestOrder.key }, body: guestOrder.body });

  it('serves the storefront and takes a posted order to DELIVERED with its e-mail in the outbox', async () => {
    const running = await start();
    expect((await fetch(running.webUrl)).status).toBe(200);
    const outputs = JSON.parse(readFileSync(path.join(dir, 'amplify_outputs.json'), 'utf8'));
    expect(outputs.custom.API.ordersApi.endpoint).toBe(running.apiUrl);
    expect(outputs.auth).toMatchObject({ user_pool_id: expect.any(String), user_pool_client_id: expect.any(String), groups: [{ ADMINS: expect.anything() }] });
    expect(outputs.custom.local.userPoolEndpoint).toBe(`http://127.0.0.1:${runner.cognitoPort()}`);
    // Without an account: a guest order, answered with the link to it.
    const guest = await placeGuestOrder(running.apiUrl);
    expect(guest.status).toBe(201);
    Object.assign(guestOrder, await guest.json());
    expect(guestOrder.orderUrl).toContain(`${running.webUrl.replace(/\/$/, '')}/#/orders/${guestOrder.orderId}?token=`);

    await signInAsPrintedCustomer(running);
    const response = await fetch(new URL('orders', running.apiUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: idToken },
      body: JSON.stringify(orderRequest()),
    });
    expect(response.status).toBe(201);
    orderId = ((await response.json()) as Order).orderId;
    const order = await waitForStatus(running, orderId, 'DELIVERED');

    await waitFor(running, async () => mailFiles(orderId), (files) => files.length >= 3, `the e-mails of ${orderId} in the outbox`);
    expect(mailFiles(orderId)).toHaveLength(3);
    const files = mailFiles(orderId).map((file) => readFileSync(path.join(dataDir, 'outbox', file), 'utf8'));
    // Each file is one message with one sender and one recipient: the order's customer.
    for (const file of files) {
      expect(file.match(/^To: .*$/gm)).toEqual([`To: ${DEMO_USERS.customer.email}`]);
      expect(file.match(/^From: .*$/gm)).toEqual(['From: Desk & Gadget Co. <orders@shop.example>']);
    }
    const mail = files.find((file) => file.includes('X-Kind: order-shipped'))!;
    for (const text of [`Subject: Order Confirmation - ${orderNumberOf(orderId)}`, 'Dear Ana García', 'Wireless Headphones x2', 'Total Amount: $278.48', `Tracking Number: ${order.trackingNumber}`]) {
      expect(mail).toContain(text);
    }
    expect(running.output()).toContain(`[outbox] To: ${DEMO_USERS.customer.email}  Subject: Order Confirmation - ${orderNumberOf(orderId)}`);
    expect(await stop(running, 'SIGINT')).toBe(0);
  });

  it('keeps orders, e-mails, the user pool and its accounts across a restart', async () => {
    const before = JSON.parse(readFileSync(path.join(dir, 'amplify_outputs.json'), 'utf8')).auth;
    const running = await start();
    expect(JSON.parse(readFileSync(path.join(dir, 'amplify_outputs.json'), 'utf8')).auth).toEqual(before);
    // The token from before the restart is still valid (same pool, same issuer).
    expect((await getOrder(running.apiUrl, orderId)).status).toBe('DELIVERED');
    await signInAsPrintedCustomer(running);
    expect((await getOrder(running.apiUrl, orderId)).status).toBe('DELIVERED');
    const mailbox = (await (await fetch(new URL(LOCAL_MAILBOX_PATH.slice(1), running.apiUrl))).json()) as { messages: { orderId: string; kind: string }[] };
    expect(mailbox.messages.filter((m) => m.orderId === orderId).map((m) => m.kind).sort()).toEqual(['order-confirmed', 'order-delivered', 'order-shipped']);
    // The guest order's token secret was kept: the same request answers the same link, and the link opens the order.
    const replay = await placeGuestOrder(running.apiUrl);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const { orderUrl } = (await replay.json()) as { orderUrl: string };
    expect(orderUrl.split('#')[1]).toBe(guestOrder.orderUrl.split('#')[1]);
    const token = new URLSearchParams(orderUrl.split('?')[1]).get('token')!;
    expect((await fetch(new URL(`orders/${guestOrder.orderId}`, running.apiUrl), { headers: { 'X-Order-Token': token } })).status).toBe(200);
    expect(await stop(running, 'SIGINT')).toBe(0);
  });

  it('delivers an order whose delivery schedule was pending when the process was killed, once', async () => {
    // A local delivery wait longer than the kill and restart hold the order SHIPPED, its schedule on disk.
    let running = await start({ LOCAL_DELIVERY_WAIT_MS: '8000' });
    const response = await fetch(new URL('orders', running.apiUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: idToken },
      body: JSON.stringify(orderRequest({ customerName: 'Killed Mid-Way' })),
    });
    const killedId = ((await response.json()) as Order).orderId;
    // Its (Express) execution has ended: e-mail sent, delivery scheduled. Killed while the schedule waits.
    const [ended] = await waitFor(
      running,
      async () => readExecutions(dataDir).filter((e) => e.name === killedId && e.status !== 'RUNNING'),
      (executions) => executions.length > 0,
      'the execution to end with the delivery scheduled',
    );
    expect({ status: ended!.status, error: ended!.error, cause: ended!.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const shipped = await getOrder(running.apiUrl, killedId);
    expect(shipped.status).toBe('SHIPPED');
    expect(shipped.notificationSentDate).toBeDefined();
    await stop(running, 'SIGKILL');

    // The schedule survived the kill; the next start fires it (at its stored due time, or at once if late).
    running = await start();
    const delivered = await waitForStatus(running, killedId, 'DELIVERED');
    expect(delivered.transactionId).toBe(shipped.transactionId);
    expect(delivered.trackingNumber).toBe(shipped.trackingNumber);
    expect(delivered.notificationSentDate).toBe(shipped.notificationSentDate);
    // No second execution, no second e-mail: the schedule invoked the delivery confirmation only.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(readExecutions(dataDir).filter((e) => e.name.startsWith(killedId))).toHaveLength(1);
    expect(mailFiles(killedId)).toHaveLength(3); // confirmed, shipped, delivered
    expect(await stop(running, 'SIGINT')).toBe(0);
  });
});
