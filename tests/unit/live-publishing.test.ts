/**
 * Live order status's publishing side, beyond live-updates.test.ts: each state change the
 * repository stores is published once and only once (a late charge owed back too), a lost publish
 * never undoes or hides the change, the repository's other methods pass through untouched (with
 * their own `this`); the AppSync Events publisher's credentials, its endpoint with a port, and each
 * way a publish fails; and the metrics' names per deployment.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { customerChannel } from '../../amplify/domain/live-updates.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { AppSyncEventsPublisher, credentialsFromEnv, EventsPublishError, eventsPublisherFromEnv, PUBLISH_TIMEOUT_MS } from '../../amplify/server/aws/appsync-events-publisher.ts';
import { ENV, metricsNamespace, metricsServiceName } from '../../amplify/server/environment.ts';
import type { OrderRepository, OrderStatusPublisher } from '../../amplify/server/ports.ts';
import { publishingOrders } from '../../amplify/server/publishing-orders.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { verifySigV4 } from '../../local/shared/sigv4.ts';
import { storedOrder } from '../fixtures.ts';

const SUB = '8f0c2a52-3c2e-4a7b-9a43-0c5d9e1f2b3a';

describe('publishingOrders: what is published, and when', () => {
  const placed = storedOrder('2026-12-01T10:00:00.000Z', { customerId: SUB, status: 'PAYMENT_FAILED' });

  /** A repository whose writes each record themselves, so a test sees whether a publish came after the write. */
  function recording(changed: boolean, publishFails = false) {
    const events: string[] = [];
    const publisher: OrderStatusPublisher = {
      publish: vi.fn(async (order: Order) => {
        events.push(`publish ${order.status}${order.refundId ? ` refund ${order.refundId}` : ''}${order.transactionId ? ` charge ${order.transactionId}` : ''}`);
        if (publishFails) throw new EventsPublishError('throttled');
      }),
    };
    class Repository {
      readonly table = 'orders';
      async transition(_id: string, to: Order['status']) {
        events.push(`transition ${to}`);
        return { order: { ...placed, status: to }, changed };
      }
      async retryPayment() {
        events.push('retry');
        return { order: { ...placed, status: 'PENDING' as const }, changed };
      }
      async recordRefund(_id: string, refundId: string) {
        events.push('refund');
        return { ...placed, refundId };
      }
      async recordLateCharge(_id: string, transactionId: string) {
        events.push('late charge');
        return { ...placed, transactionId };
      }
      // Not wrapped: must run as the repository's own method (its `this`).
      async get() {
        return this.table === 'orders' ? placed : undefined;
      }
    }
    const log = { warn: vi.fn() };
    const onFailure = vi.fn();
    const orders = publishingOrders(new Repository() as unknown as OrderRepository & { table: string }, publisher, log, onFailure);
    return { orders, events, log, onFailure, publish: publisher.publish as ReturnType<typeof vi.fn> };
  }

  it('a payment retried, a refund and a late charge owed back are each published once, after they are stored', async () => {
    const { orders, events } = recording(true);
    await orders.retryPayment(placed.orderId, 'card', { type: 'customer' });
    await orders.recordRefund(placed.orderId, 'r-1', '2026-12-01T11:00:00.000Z');
    await orders.recordLateCharge(placed.orderId, 'tx-9', '2026-12-01T12:00:00.000Z');
    expect(events).toEqual(['retry', 'publish PENDING', 'refund', `publish PAYMENT_FAILED refund r-1`, 'late charge', 'publish PAYMENT_FAILED charge tx-9']);
  });

  it('a retry that changed nothing publishes nothing; the caller still gets the repository\u2019s answer', async () => {
    const { orders, events } = recording(false);
    expect(await orders.retryPayment(placed.orderId, 'card', { type: 'customer' })).toMatchObject({ changed: false, order: { status: 'PENDING' } });
    expect(await orders.transition(placed.orderId, 'CANCELLED')).toMatchObject({ changed: false });
    expect(events).toEqual(['retry', 'transition CANCELLED']);
  });

  it('a lost publish of a refund or late charge is logged and counted once each; the stored order is returned', async () => {
    const { orders, log, onFailure } = recording(true, true);
    await expect(orders.recordRefund(placed.orderId, 'r-1', '2026-12-01T11:00:00.000Z')).resolves.toMatchObject({ refundId: 'r-1' });
    expect(onFailure).toHaveBeenCalledTimes(1);
    await expect(orders.recordLateCharge(placed.orderId, 'tx-9', '2026-12-01T12:00:00.000Z')).resolves.toMatchObject({ transactionId: 'tx-9' });
    await expect(orders.retryPayment(placed.orderId, 'card', { type: 'customer' })).resolves.toMatchObject({ changed: true });
    expect(onFailure).toHaveBeenCalledTimes(3);
    expect(log.warn).toHaveBeenCalledTimes(3);
    expect(log.warn).toHaveBeenLastCalledWith('Live update not published', { orderId: placed.orderId, status: 'PENDING', error: expect.any(EventsPublishError) });
  });

  it('without an onFailure, a lost publish is still only logged', async () => {
    const publisher: OrderStatusPublisher = { publish: async () => Promise.reject(new Error('down')) };
    const inner = { recordRefund: async () => placed } as unknown as OrderRepository;
    const log = { warn: vi.fn() };
    await expect(publishingOrders(inner, publisher, log).recordRefund(placed.orderId, 'r', 'now')).resolves.toBe(placed);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('reads pass through untouched, as the repository\u2019s own methods; plain properties too', async () => {
    const { orders, publish } = recording(true);
    expect(await orders.get(placed.orderId)).toBe(placed);
    expect(orders.table).toBe('orders');
    expect(publish).not.toHaveBeenCalled();
  });
});

describe('AppSyncEventsPublisher: credentials, endpoint and failures', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });
  const order = storedOrder('2026-12-01T10:00:00.000Z', { customerId: SUB, status: 'SHIPPED' });
  const credentials = () => LOCAL_AWS.credentials;

  it('the function\u2019s credentials from its environment, the session token only when there is one', () => {
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' })).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'tok' })).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'tok' });
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: '' })).not.toHaveProperty('sessionToken');
    for (const env of [{}, { AWS_ACCESS_KEY_ID: 'AKID' }, { AWS_SECRET_ACCESS_KEY: 'secret' }, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 'secret' }]) {
      expect(() => credentialsFromEnv(env)).toThrow(new EventsPublishError('No AWS credentials in the environment'));
    }
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'FROM_PROCESS');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'process-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    expect(credentialsFromEnv()).toEqual({ accessKeyId: 'FROM_PROCESS', secretAccessKey: 'process-secret' });
  });

  it('a publisher only where LIVE_EVENTS_URL is set, in the function\u2019s region (us-east-1 unless set)', async () => {
    expect(eventsPublisherFromEnv({})).toBeUndefined();
    expect(eventsPublisherFromEnv({ [ENV.liveEventsUrl]: '' })).toBeUndefined();
    const requests: RequestInit[] = [];
    vi.stubGlobal('fetch', vi.fn(async (_url: URL, init: RequestInit) => (requests.push(init), new Response('{}'))));
    const env = { [ENV.liveEventsUrl]: 'https://api.example/event', AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey };
    vi.stubEnv('AWS_ACCESS_KEY_ID', env.AWS_ACCESS_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', env.AWS_SECRET_ACCESS_KEY);
    await eventsPublisherFromEnv(env)!.publish(order);
    await eventsPublisherFromEnv({ ...env, AWS_REGION: 'eu-west-1' })!.publish(order);
    const scopes = requests.map((init) => /\/([a-z0-9-]+)\/appsync\/aws4_request/.exec(String((init.headers as Record<string, string>).authorization))?.[1]);
    expect(scopes).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('signs for the endpoint\u2019s host and port, and bounds the request in time', async () => {
    const requests: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: URL, init: RequestInit) => (requests.push({ url: String(url), init }), new Response(''))));
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    await new AppSyncEventsPublisher('http://127.0.0.1:4321/event', 'us-east-1', credentials).publish(order);
    await new AppSyncEventsPublisher('http://127.0.0.1:4321/event', 'us-east-1', credentials, 750).post(customerChannel(SUB), ['{}']);
    expect(timeout.mock.calls.map(([ms]) => ms)).toEqual([PUBLISH_TIMEOUT_MS, 750]);
    expect(PUBLISH_TIMEOUT_MS).toBe(2_000);
    const [first] = requests;
    expect(first!.url).toBe('http://127.0.0.1:4321/event');
    expect(first!.init.method).toBe('POST');
    const headers = first!.init.headers as Record<string, string>;
    expect(headers.host).toBe('127.0.0.1:4321');
    expect(headers['content-type']).toBe('application/json');
    expect(await verifySigV4({ method: 'POST', url: '/event', headers }, Buffer.from(String(first!.init.body)), Date.now(), 'appsync')).toBeUndefined();
    // The same request seen at another port: the signature does not hold.
    expect(await verifySigV4({ method: 'POST', url: '/event', headers: { ...headers, host: '127.0.0.1:4322' } }, Buffer.from(String(first!.init.body)), Date.now(), 'appsync')).toMatchObject({ type: 'InvalidSignatureException' });
  });

  it('1 to 5 events per publish: none is refused before any request, five are sent', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ failed: [] })));
    vi.stubGlobal('fetch', fetch);
    const publisher = new AppSyncEventsPublisher('https://api.example/event', 'us-east-1', credentials);
    await expect(publisher.post(customerChannel(SUB), [])).rejects.toThrow(new EventsPublishError('1 to 5 events per publish, not 0'));
    await expect(publisher.post(customerChannel(SUB), ['1', '2', '3', '4', '5', '6'])).rejects.toThrow('1 to 5 events per publish, not 6');
    expect(fetch).not.toHaveBeenCalled();
    await publisher.post(customerChannel(SUB), ['1', '2', '3', '4', '5']);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('each way a publish fails is an EventsPublishError naming the channel', async () => {
    const publisher = new AppSyncEventsPublisher('https://api.example/event', 'us-east-1', credentials);
    const channel = customerChannel(SUB);
    const cause = new TypeError('fetch failed');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(cause)));
    const unreachable = await publisher.post(channel, ['{}']).catch((error: unknown) => error as EventsPublishError);
    expect(unreachable).toBeInstanceOf(EventsPublishError);
    expect(unreachable).toMatchObject({ name: 'EventsPublishError', message: `Publishing to ${channel} failed: fetch failed`, cause });

    vi.stubGlobal('fetch', vi.fn(async () => new Response('x'.repeat(400), { status: 503 })));
    await expect(publisher.post(channel, ['{}'])).rejects.toThrow(new EventsPublishError(`Publishing to ${channel} answered 503: ${'x'.repeat(300)}`));

    const failed = [{ identifier: 'a', index: 0, code: 400, message: 'bad' }];
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ successful: [], failed }))));
    await expect(publisher.post(channel, ['{}'])).rejects.toThrow(new EventsPublishError(`Publishing to ${channel}: 1 event(s) failed: ${JSON.stringify(failed)}`));

    // Taken: an empty answer, or one without a failed list.
    for (const body of ['', '{}', JSON.stringify({ successful: [{ identifier: 'a', index: 0 }] })]) {
      vi.stubGlobal('fetch', vi.fn(async () => new Response(body)));
      await expect(publisher.post(channel, ['{}'])).resolves.toBeUndefined();
    }
  });
});

describe('the metrics\u2019 names per deployment', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('qualified by the deployment\u2019s name in AWS, plain locally', () => {
    expect(metricsNamespace('sandbox-ana')).toBe('OrderPlatform/sandbox-ana');
    expect(metricsServiceName('app-server', 'sandbox-ana')).toBe('sandbox-ana/app-server');
    expect(metricsNamespace('')).toBe('OrderPlatform');
    expect(metricsServiceName('app-server', '')).toBe('app-server');
    vi.stubEnv(ENV.deploymentName, 'prod');
    expect(metricsNamespace()).toBe('OrderPlatform/prod');
    expect(metricsServiceName('process-order')).toBe('prod/process-order');
    vi.stubEnv(ENV.deploymentName, '');
    expect(metricsNamespace()).toBe('OrderPlatform');
    expect(metricsServiceName('process-order')).toBe('process-order');
  });
});
