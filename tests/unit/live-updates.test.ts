/**
 * Live order status (issue 26): the channel rule the namespace's APPSYNC_JS handler enforces
 * (run as bundled, with the local stand-in's `@aws-appsync/utils` shim), the event and its
 * staleness rule, the publishing repository and the signed publish to AppSync Events.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { customerChannel, isNewer, maySubscribe, parseStatusEvent, STAFF_CHANNEL, statusEventOf } from '../../amplify/domain/live-updates.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { AppSyncEventsPublisher, channelsOf, EventsPublishError } from '../../amplify/server/aws/appsync-events-publisher.ts';
import type { OrderRepository, OrderStatusPublisher } from '../../amplify/server/ports.ts';
import { publishingOrders } from '../../amplify/server/publishing-orders.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { loadChannelHandler } from '../../local/appsync-events/channels.ts';
import { verifySigV4 } from '../../local/shared/sigv4.ts';
import { storedOrder } from '../fixtures.ts';

const SUB = '8f0c2a52-3c2e-4a7b-9a43-0c5d9e1f2b3a';
const OTHER = '11111111-2222-4333-8444-555555555555';
const segments = (channel: string) => channel.split('/').filter(Boolean);

describe('who may subscribe (amplify/domain/live-channels.ts)', () => {
  it('a customer: its own channel only', () => {
    const me = { sub: SUB, groups: null };
    expect(maySubscribe(segments(customerChannel(SUB)), me)).toBe(true);
    expect(maySubscribe(segments(customerChannel(OTHER)), me)).toBe(false);
    expect(maySubscribe(segments(STAFF_CHANNEL), me)).toBe(false);
    expect(maySubscribe(segments('/orders/*'), me)).toBe(false);
    expect(maySubscribe(segments(`/orders/${SUB}/more`), me)).toBe(false);
    expect(maySubscribe(segments(`/other/${SUB}`), me)).toBe(false);
    expect(maySubscribe(segments(customerChannel(SUB)), null)).toBe(false);
    expect(maySubscribe(segments('/orders/'), { sub: '' })).toBe(false);
  });

  it('staff (ADMINS, from `groups` or the token\u2019s claim): any channel of the namespace', () => {
    expect(maySubscribe(segments(STAFF_CHANNEL), { sub: SUB, groups: ['ADMINS'] })).toBe(true);
    expect(maySubscribe(segments(customerChannel(OTHER)), { sub: SUB, claims: { 'cognito:groups': ['ADMINS'] } })).toBe(true);
    expect(maySubscribe(segments(STAFF_CHANNEL), { sub: SUB, groups: ['OTHERS'] })).toBe(false);
    expect(maySubscribe(segments(`/elsewhere/${SUB}`), { sub: SUB, groups: ['ADMINS'] })).toBe(false);
  });

  it('the bundled handler (the code AppSync runs) refuses with util.unauthorized() and allows the owner', async () => {
    const { onSubscribe } = await loadChannelHandler();
    const ctx = (channel: string, identity: unknown) => ({ identity, info: { channel: { path: channel, segments: segments(channel) }, channelNamespace: { name: 'orders' }, operation: 'SUBSCRIBE' as const } });
    expect(() => onSubscribe(ctx(customerChannel(SUB), { sub: SUB }))).not.toThrow();
    expect(() => onSubscribe(ctx(customerChannel(OTHER), { sub: SUB }))).toThrow(expect.objectContaining({ name: 'UnauthorizedException' }));
    expect(() => onSubscribe(ctx(STAFF_CHANNEL, { sub: SUB, groups: ['ADMINS'] }))).not.toThrow();
  });
});

describe('the status event', () => {
  const order = storedOrder('2026-12-01T10:00:00.000Z', { status: 'SHIPPED', trackingNumber: 'TRK1', updatedAt: '2026-12-01T10:05:00.000Z' });

  it('carries the state the owner sees and no personal data', () => {
    const event = statusEventOf(order);
    expect(event).toEqual({ orderId: order.orderId, orderNumber: expect.any(String), status: 'SHIPPED', updatedAt: '2026-12-01T10:05:00.000Z', trackingNumber: 'TRK1' });
    expect(JSON.stringify(event)).not.toContain(order.customerEmail);
    expect(JSON.stringify(event)).not.toContain(order.shippingAddress.street);
    expect(parseStatusEvent(JSON.stringify(event))).toEqual(event);
    expect(parseStatusEvent('{"orderId":1}')).toBeUndefined();
    expect(parseStatusEvent('not json')).toBeUndefined();
  });

  it('an older event is stale; the same change with its refund recorded is not', () => {
    const current = { updatedAt: '2026-12-01T10:05:00.000Z' };
    expect(isNewer({ updatedAt: '2026-12-01T10:06:00.000Z' }, current)).toBe(true);
    expect(isNewer({ updatedAt: '2026-12-01T10:04:00.000Z' }, current)).toBe(false);
    expect(isNewer({ updatedAt: current.updatedAt }, current)).toBe(false);
    expect(isNewer({ updatedAt: current.updatedAt, refundStatus: 'refunded' }, { ...current, refundStatus: 'pending' })).toBe(true);
    expect(isNewer({ updatedAt: current.updatedAt }, undefined)).toBe(true);
  });

  it('a change is published once, on its customer\u2019s channel (a guest\u2019s too); staff\u2019s wildcard takes them all', () => {
    expect(channelsOf({ customerId: SUB })).toEqual([customerChannel(SUB)]);
    expect(channelsOf({ customerId: 'guest-abc' })).toEqual(['/orders/guest-abc']);
    expect(STAFF_CHANNEL).toBe('/orders/*');
  });
});

describe('publishingOrders', () => {
  const placed = storedOrder('2026-12-01T10:00:00.000Z', { customerId: SUB });
  const setup = (changed: boolean, fail = false) => {
    const publish = vi.fn(async (_order: Order) => (fail ? Promise.reject(new EventsPublishError('throttled')) : undefined));
    const publisher: OrderStatusPublisher = { publish };
    const inner = {
      create: vi.fn(async () => ({ order: placed, created: changed })),
      transition: vi.fn(async () => ({ order: { ...placed, status: 'PAYMENT_PROCESSED' }, changed })),
      retryPayment: vi.fn(async () => ({ order: placed, changed })),
      recordRefund: vi.fn(async () => ({ ...placed, refundId: 'r1' })),
      get: vi.fn(async () => placed),
    } as unknown as OrderRepository;
    const log = { warn: vi.fn() };
    const onFailure = vi.fn();
    return { orders: publishingOrders(inner, publisher, log, onFailure), publish, log, onFailure };
  };

  it('publishes each change a call stored, after it is stored; a repeat, or a new order, publishes nothing', async () => {
    const made = setup(true);
    await made.orders.create(placed);
    expect(made.publish).not.toHaveBeenCalled();
    await made.orders.transition(placed.orderId, 'PAYMENT_PROCESSED');
    await made.orders.retryPayment(placed.orderId, 'card', { type: 'customer' });
    await made.orders.recordRefund(placed.orderId, 'r1', '2026-12-01T11:00:00.000Z');
    expect(made.publish.mock.calls.map(([o]) => o.status)).toEqual(['PAYMENT_PROCESSED', 'PENDING', 'PENDING']);
    const repeat = setup(false);
    await repeat.orders.create(placed);
    await repeat.orders.transition(placed.orderId, 'PAYMENT_PROCESSED');
    expect(repeat.publish).not.toHaveBeenCalled();
    expect(await repeat.orders.get(placed.orderId)).toBe(placed);
  });

  it('a lost publish is logged and counted, never thrown: the change stands', async () => {
    const failing = setup(true, true);
    await expect(failing.orders.transition(placed.orderId, 'PAYMENT_PROCESSED')).resolves.toMatchObject({ changed: true });
    expect(failing.onFailure).toHaveBeenCalledTimes(1);
    expect(failing.log.warn).toHaveBeenCalledWith('Live update not published', expect.objectContaining({ orderId: placed.orderId, status: 'PAYMENT_PROCESSED' }));
  });
});

describe('AppSyncEventsPublisher', () => {
  afterEach(() => vi.unstubAllGlobals());
  const order = storedOrder('2026-12-01T10:00:00.000Z', { customerId: SUB, status: 'DELIVERED' });
  const answering = (status: number, body: unknown) => {
    const requests: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: URL, init: RequestInit) => {
      requests.push({ url: String(url), init });
      return new Response(JSON.stringify(body), { status });
    }));
    return requests;
  };

  it('posts the event once, to the customer\u2019s channel, signed for the service appsync', async () => {
    const requests = answering(200, { successful: [{ identifier: 'x', index: 0 }], failed: [] });
    await new AppSyncEventsPublisher('http://127.0.0.1:4321/event', 'us-east-1', () => LOCAL_AWS.credentials).publish(order);
    expect(requests.map((r) => JSON.parse(String(r.init.body)).channel)).toEqual([customerChannel(SUB)]);
    const { channel, events } = JSON.parse(String(requests[0]!.init.body)) as { channel: string; events: string[] };
    expect(channel).toBe(customerChannel(SUB));
    expect(JSON.parse(events[0]!)).toMatchObject({ orderId: order.orderId, status: 'DELIVERED' });
    const headers = requests[0]!.init.headers as Record<string, string>;
    expect(headers.authorization).toMatch(/\/us-east-1\/appsync\/aws4_request/);
    const url = new URL(requests[0]!.url);
    expect(await verifySigV4({ method: 'POST', url: url.pathname, headers }, Buffer.from(String(requests[0]!.init.body)), Date.now(), 'appsync')).toBeUndefined();
  });

  it('an error status, a reported failure or more than 5 events is an EventsPublishError', async () => {
    const publisher = new AppSyncEventsPublisher('https://example.appsync-api.us-east-1.amazonaws.com/event', 'us-east-1', () => LOCAL_AWS.credentials);
    answering(401, { errors: [{ errorType: 'UnauthorizedException' }] });
    await expect(publisher.publish(order)).rejects.toThrow(EventsPublishError);
    answering(200, { successful: [], failed: [{ identifier: 'x', index: 0, code: 400, message: 'bad' }] });
    await expect(publisher.publish(order)).rejects.toThrow(/failed/);
    await expect(publisher.post(STAFF_CHANNEL, ['1', '2', '3', '4', '5', '6'])).rejects.toThrow(/1 to 5 events/);
  });
});
