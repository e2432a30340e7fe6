/** app-server through the local API Gateway, against the real local DynamoDB and SQS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_LIMITS } from '../amplify/domain/api.ts';
import { CATALOG } from '../amplify/domain/catalog.ts';
import { orderNumberOf } from '../amplify/domain/order-rules.ts';
import { orderRequest } from './fixtures.ts';
import { api, postOrder, startTestStack } from './helpers/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

describe('GET /health and /products', () => {
  it('reports health', async () => {
    const { status, body } = await api(stack, '/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('lists the catalog with prices in dollars', async () => {
    const { status, body } = await api(stack, '/products');
    expect(status).toBe(200);
    expect(body.products).toHaveLength(CATALOG.length);
    expect(body.products[0]).toEqual({
      productId: 'prod-001',
      name: 'Wireless Headphones',
      description: expect.any(String),
      price: 129.99,
      categoryId: 'audio',
      image: '/products/prod-001.svg',
    });
  });
});

describe('POST /orders', () => {
  it('stores an order priced by the server and answers 201 with its location', async () => {
    const { status, headers, body } = await postOrder(stack, orderRequest(), { Origin: 'http://localhost:5173' });
    expect(status).toBe(201);
    expect(headers.get('location')).toBe(`/orders/${body.orderId}`);
    // The storefront's configured origin (the test stack's default), not `*`.
    expect(headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(body).toMatchObject({ status: 'PENDING', subtotalAmount: 278.48, shippingAmount: 0, totalAmount: 278.48, customerName: 'Ana García' });
    expect(body.orderNumber).toBe(orderNumberOf(body.orderId));
    expect(body.items).toEqual([
      { productId: 'prod-001', name: 'Wireless Headphones', quantity: 2, price: 129.99 },
      { productId: 'prod-012', name: 'Coffee Mug', quantity: 1, price: 18.5 },
    ]);
    expect(body.requestFingerprint).toBeUndefined();
    const stored = await api(stack, `/orders/${body.orderId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.orderId).toBe(body.orderId);
  });

  it('returns the same order for a repeated Idempotency-Key, also when the requests race', async () => {
    const headers = { 'Idempotency-Key': `key-${Date.now()}` };
    const responses = await Promise.all(Array.from({ length: 5 }, () => postOrder(stack, orderRequest(), headers)));
    const ids = new Set(responses.map((r) => r.body.orderId));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
  });

  it('refuses an Idempotency-Key reused for a different order', async () => {
    const headers = { 'Idempotency-Key': `reuse-${Date.now()}` };
    expect((await postOrder(stack, orderRequest(), headers)).status).toBe(201);
    const other = await postOrder(stack, orderRequest({ items: [{ productId: 'prod-002', quantity: 1 }] }), headers);
    expect(other.status).toBe(422);
    expect(other.body.details[0].path).toBe('Idempotency-Key');
  });

  it.each([
    ['broken JSON', '{"customerId":', 400, '(body)'],
    ['an empty body', '', 400, '(body)'],
    ['a JSON array', '[]', 400, '(body)'],
    ['an unknown product', { ...orderRequest(), items: [{ productId: 'prod-999', quantity: 1 }] }, 400, 'items.0.productId'],
    ['a tampered price', { ...orderRequest(), items: [{ productId: 'prod-001', quantity: 1, price: 0.01 }] }, 400, 'items.0.price'],
    ['a client-chosen id', { ...orderRequest(), orderId: 'mine' }, 400, 'orderId'],
    ['a missing address field', { ...orderRequest(), shippingAddress: { street: 'x', city: 'y', state: 'z', country: 'Spain' } }, 400, 'shippingAddress.zipCode'],
    ['a string quantity', { ...orderRequest(), items: [{ productId: 'prod-001', quantity: '2' }] }, 400, 'items.0.quantity'],
  ])('rejects %s with a 4xx naming the field', async (_, body, status, path) => {
    const response = await postOrder(stack, body);
    expect(response.status).toBe(status);
    expect(response.body.error).toEqual(expect.any(String));
    expect(response.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('lets a browser read errors (CORS headers on 4xx too)', async () => {
    const response = await postOrder(stack, '{', { Origin: 'http://localhost:5173' });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('gives no other origin the right to read answers', async () => {
    const response = await postOrder(stack, '{', { Origin: 'http://evil.example' });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects a body over the size limit with 413', async () => {
    const big = { ...orderRequest(), customerName: 'x'.repeat(API_LIMITS.maxBodyBytes) };
    expect((await postOrder(stack, big)).status).toBe(413);
  });

  it('rejects a non-JSON media type with 415', async () => {
    const response = await postOrder(stack, JSON.stringify(orderRequest()), { 'Content-Type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(response.body.details[0].path).toBe('Content-Type');
  });

  it('rejects a malformed Idempotency-Key', async () => {
    const response = await postOrder(stack, orderRequest(), { 'Idempotency-Key': 'x'.repeat(200) });
    expect(response.status).toBe(400);
    expect(response.body.details[0].path).toBe('Idempotency-Key');
  });
});

describe('GET /orders', () => {
  const customerId = `pager-${Date.now()}`;
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) expect((await postOrder(stack, orderRequest({ customerId }))).status).toBe(201);
  });

  it("pages through one customer's orders newest first", async () => {
    const seen: { orderId: string; orderDate: string }[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ customerId, limit: '2', ...(nextToken ? { nextToken } : {}) });
      const { status, body } = await api(stack, `/orders?${query}`);
      expect(status).toBe(200);
      seen.push(...body.orders);
      nextToken = body.nextToken;
      pages++;
    } while (nextToken && pages < 10);
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((o) => o.orderId)).size).toBe(5);
    const dates = seen.map((o) => o.orderDate);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('scans all orders without a customer', async () => {
    const { status, body } = await api(stack, '/orders?limit=100');
    expect(status).toBe(200);
    expect(body.orders.length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['customerId=a%20b', 'customerId'],
    ['nextToken=garbage', 'nextToken'],
    ['sort=asc', 'sort'],
  ])('rejects ?%s', async (query, path) => {
    const { status, body } = await api(stack, `/orders?${query}`);
    expect(status).toBe(400);
    expect(body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("rejects a token issued for another customer's list", async () => {
    const first = await api(stack, `/orders?customerId=${customerId}&limit=1`);
    const { status } = await api(stack, `/orders?customerId=someone-else&nextToken=${first.body.nextToken}`);
    expect(status).toBe(400);
  });
});

describe('GET /orders/{orderId} and unknown routes', () => {
  it('answers 404 for an order that does not exist', async () => {
    const { status, body } = await api(stack, '/orders/00000000-0000-4000-8000-000000000000');
    expect(status).toBe(404);
    expect(body.details[0].path).toBe('orderId');
  });

  it('answers 400 for an id that is not an order id', async () => {
    const { status, body } = await api(stack, '/orders/not-a-uuid');
    expect(status).toBe(400);
    expect(body.details[0].path).toBe('orderId');
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await api(stack, '/nothing-here')).status).toBe(404);
    const wrong = await api(stack, '/orders', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
  });

  it('answers CORS preflight requests', async () => {
    const response = await fetch(new URL('orders', stack.apiUrl), {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,idempotency-key' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
  });
});
