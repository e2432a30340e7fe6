/**
 * Live order status (issue 26) against the local stack: a WebSocket client speaking AppSync
 * Events' protocol (as Amplify JS does: subprotocols, connection_init, subscribe with the access
 * token) receives its order's changes on `/orders/<sub>`, is refused another customer's channel
 * by the namespace's handler, and the stand-in refuses foreign origins and hosts and unsigned
 * publishes, as the other stand-ins do.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerChannel, EVENTS_PROTOCOL, parseStatusEvent, STAFF_CHANNEL, type OrderStatusEvent } from '../../amplify/domain/live-updates.ts';
import { orderRequest } from '../fixtures.ts';
import { createUser, postOrder, startTestStack, until, waitForFinal, type TestStack, type TestUser } from '../helpers/stack.ts';

let stack: TestStack;
let other: TestUser;
let staff: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  other = await createUser(stack);
  staff = await createUser(stack, { staff: true });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

type Message = { type: string; id?: string; event?: string; errors?: { errorType: string }[]; connectionTimeoutMs?: number };

/** A client as Amplify JS opens one: the realtime URL, the two subprotocols, `connection_init`. */
class EventsClient {
  readonly messages: Message[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Message));
  }

  static realtimeUrl(): string {
    return `${stack.outputs().custom!.events!.url}/realtime`;
  }

  static async open(user: TestUser, options: { origin?: string; host?: string } = {}): Promise<EventsClient> {
    const url = EventsClient.realtimeUrl();
    const header = Buffer.from(JSON.stringify({ Authorization: user.accessToken, host: new URL(url).host })).toString('base64url');
    const socket = new WebSocket(url, [EVENTS_PROTOCOL.subprotocol, `${EVENTS_PROTOCOL.headerSubprotocolPrefix}${header}`], {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.host ? { headers: { Host: options.host } } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.on('error', reject);
    });
    const client = new EventsClient(socket);
    client.send({ type: 'connection_init' });
    await until(() => client.messages.some((m) => m.type === 'connection_ack' || m.type === 'connection_error'), 10_000);
    const refusal = client.messages.find((m) => m.type === 'connection_error');
    if (refusal) throw new Error(`connection_error ${JSON.stringify(refusal.errors)}`);
    return client;
  }

  send(message: Record<string, unknown>) {
    this.socket.send(JSON.stringify(message));
  }

  async next(type: string, id?: string): Promise<Message> {
    let found: Message | undefined;
    await until(() => (found = this.messages.find((m) => m.type === type && (id === undefined || m.id === id))) !== undefined, 10_000);
    return found!;
  }

  async subscribe(user: TestUser, channel: string, id: string): Promise<Message> {
    this.send({ type: 'subscribe', id, channel, authorization: { Authorization: user.accessToken, host: new URL(EventsClient.realtimeUrl()).host } });
    await until(() => this.messages.some((m) => m.id === id && m.type.startsWith('subscribe_')), 10_000);
    return this.messages.find((m) => m.id === id && m.type.startsWith('subscribe_'))!;
  }

  events(id: string): OrderStatusEvent[] {
    return this.messages.filter((m) => m.type === 'data' && m.id === id).map((m) => parseStatusEvent(m.event)!);
  }

  close() {
    this.socket.close();
  }
}

describe('live order status over the local AppSync Events', () => {
  it('a customer receives its new order\u2019s PAYMENT_PROCESSED, SHIPPED and DELIVERED on its own channel within seconds', async () => {
    const client = await EventsClient.open(stack.customer);
    expect(await client.subscribe(stack.customer, customerChannel(stack.customer.sub), 'mine')).toMatchObject({ type: 'subscribe_success' });
    const placedAt = Date.now();
    const { status, body } = await postOrder(stack, orderRequest());
    expect(status).toBe(201);
    await until(() => client.events('mine').some((e) => e.orderId === body.orderId && e.status === 'DELIVERED'), 15_000);
    const statuses = client.events('mine').filter((e) => e.orderId === body.orderId).map((e) => e.status);
    expect(statuses).toEqual(expect.arrayContaining(['PAYMENT_PROCESSED', 'SHIPPED', 'DELIVERED']));
    expect(Date.now() - placedAt).toBeLessThan(15_000);
    // In the order the changes were stored, each newer than the last.
    const updates = client.events('mine').filter((e) => e.orderId === body.orderId).map((e) => e.updatedAt);
    expect([...updates].sort()).toEqual(updates);
    // Nothing but the order's state: no name, e-mail or address.
    const raw = client.messages.filter((m) => m.type === 'data').map((m) => m.event).join('');
    expect(raw).not.toContain(stack.customer.email);
    expect(raw).not.toContain(orderRequest().shippingAddress.street);
    client.close();
  });

  it('a subscription to another customer\u2019s channel, to staff\u2019s or to a wildcard is refused; staff may subscribe to all', async () => {
    const client = await EventsClient.open(stack.customer);
    for (const [id, channel] of [['theirs', customerChannel(other.sub)], ['all', STAFF_CHANNEL], ['staff', '/orders/staff']] as const) {
      expect(await client.subscribe(stack.customer, channel, id)).toMatchObject({ type: 'subscribe_error', errors: [{ errorType: 'UnauthorizedException' }] });
    }
    // A valid token of another account does not open someone else's channel either.
    expect(await client.subscribe(other, customerChannel(stack.customer.sub), 'borrowed')).toMatchObject({ type: 'subscribe_error' });
    // A forged token never gets as far as the handler.
    expect(await client.subscribe({ ...stack.customer, accessToken: stack.customer.idToken }, customerChannel(stack.customer.sub), 'id-token')).toMatchObject({
      type: 'subscribe_error',
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    client.close();

    const staffClient = await EventsClient.open(staff);
    expect(await staffClient.subscribe(staff, STAFF_CHANNEL, 'all-orders')).toMatchObject({ type: 'subscribe_success' });
    const { body } = await postOrder(stack, orderRequest());
    await until(() => staffClient.events('all-orders').some((e) => e.orderId === body.orderId && e.status === 'DELIVERED'), 15_000);
    expect(await staffClient.subscribe(staff, customerChannel(stack.customer.sub), 'one-customer')).toMatchObject({ type: 'subscribe_success' });
    staffClient.send({ type: 'unsubscribe', id: 'one-customer' });
    expect(await staffClient.next('unsubscribe_success', 'one-customer')).toBeDefined();
    staffClient.close();
  });

  it('a socket without a valid token gets connection_error; without the subprotocols, from a foreign Origin or Host, it is refused', async () => {
    await expect(EventsClient.open({ ...stack.customer, accessToken: 'not-a-token' })).rejects.toThrow(/connection_error.*UnauthorizedException/);
    await expect(EventsClient.open(stack.customer, { origin: 'https://evil.example' })).rejects.toThrow(/HTTP 403/);
    const port = new URL(EventsClient.realtimeUrl()).port;
    await expect(EventsClient.open(stack.customer, { host: `evil.example:${port}` })).rejects.toThrow(/HTTP 403/);
    // The storefront's own origin is welcome.
    const storefrontOrigin = stack.inFunction('appServer', () => process.env.ALLOWED_ORIGINS!.split(',')[0]);
    const fromStorefront = await EventsClient.open(stack.customer, { origin: storefrontOrigin });
    fromStorefront.close();
    const plain = new WebSocket(EventsClient.realtimeUrl());
    await expect(new Promise((resolve, reject) => {
      plain.on('open', resolve);
      plain.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      plain.on('error', reject);
    })).rejects.toThrow(/HTTP 400/);
  });

  it('a publish must be signed (SigV4, appsync) and come from no browser', async () => {
    const url = stack.events.httpUrl;
    const body = JSON.stringify({ channel: customerChannel(stack.customer.sub), events: [JSON.stringify({ forged: true })] });
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body })).status).toBe(403);
    // fetch may not set Host: a plain request does, as a DNS-rebinding page's would arrive.
    const foreignHost = await new Promise<number>((resolve, reject) => {
      const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end(body);
    });
    expect(foreignHost).toBe(403);
  });

  it('with AppSync Events gone, an order still goes all the way: a lost publish never fails the workflow (last: it stops the stand-in)', async () => {
    await stack.events.stop();
    const { status, body } = await postOrder(stack, orderRequest());
    expect(status).toBe(201);
    const final = await waitForFinal(stack, body.orderId, 30_000);
    expect(final.status).toBe('DELIVERED');
    expect(stack.stepFunctions.list().filter((e) => e.name.startsWith(body.orderId)).every((e) => e.status === 'SUCCEEDED')).toBe(true);
  });
});
