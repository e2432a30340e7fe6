/**
 * app-server through the local API Gateway and its Cognito authorizer, against the real local
 * DynamoDB, SQS and user pool. Callers: the stack's customer, a second customer and a staff member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_LIMITS } from '../../amplify/domain/api.ts';
import { CATALOG } from '../../amplify/domain/catalog.ts';
import { isFinal, orderNumberOf, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { ORDER_KEYS } from '../../amplify/server/settings/api.ts';
import { scanTable } from '../../scripts/reconcile-lib.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, postOrder, startTestStack, type TestUser } from '../helpers/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let other: TestUser;
let staff: TestUser;
beforeAll(async () => {
  // This suite places more orders in a minute than one customer may (ORDER_RATE); the limit's own tests are in trust.test.ts.
  stack = await startTestStack({ instrument: true, orderRateLimit: 0 });
  other = await createUser(stack);
  staff = await createUser(stack, { staff: true });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

/** Runs `request` and checks it stored nothing (no new order or Idempotency-Key) and enqueued nothing. */
async function expectNothingStoredOrEnqueued(request: () => Promise<void>): Promise<void> {
  const ids = async () => ({
    orders: (await scanTable(stack.endpoints.dynamodb, stack.names.ordersTable)).map((o) => String(o[ORDERS_TABLE.partitionKey])).sort(),
    // Idempotency-Key records only (the e-mail step's Powertools records share the table).
    keys: (await scanTable(stack.endpoints.dynamodb, stack.names.idempotencyTable))
      .map((k) => String(k[IDEMPOTENCY_TABLE.partitionKey]))
      .filter((id) => id.startsWith(ORDER_KEYS.idPrefix))
      .sort(),
  });
  const sends = () => stack.services!.sqs.count('SendMessage') + stack.services!.sqs.count('SendMessageBatch');
  const before = { ...(await ids()), sends: sends() };
  await request();
  expect({ ...(await ids()), sends: sends() }).toEqual(before);
}

describe('GET /health and /products', () => {
  it('reports health, without signing in', async () => {
    const { status, body } = await api(stack, '/health', {}, null);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('lists the catalog with prices in dollars, without signing in', async () => {
    const { status, body } = await api(stack, '/products', {}, null);
    expect(status).toBe(200);
    expect(body.products).toHaveLength(CATALOG.length);
    expect(body.products[0]).toEqual({
      productId: 'prod-001',
      name: 'Wireless Headphones',
      description: expect.any(String),
      price: 129.99,
      categoryId: 'audio',
      image: '/products/prod-001.svg',
      // Seeded at the stack's first start (STOCK.seedUnits), less what the tests before this one bought.
      available: expect.any(Number),
    });
    expect(body.lowStockThreshold).toBe(5);
  });
});

describe('POST /orders', () => {
  it('stores an order for the signed-in customer, priced by the server, and answers 201 with its location', async () => {
    const { status, headers, body } = await postOrder(stack, orderRequest(), { Origin: 'http://localhost:5173' });
    expect(status).toBe(201);
    expect(headers.get('location')).toBe(`/orders/${body.orderId}`);
    // The storefront's configured origin (the test stack's default), not `*`.
    expect(headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(body).toMatchObject({ status: 'PENDING', subtotalAmount: 278.48, shippingAmount: 0, totalAmount: 278.48, customerName: 'Ana García' });
    expect(body.orderNumber).toBe(orderNumberOf(body.orderId));
    expect(body).toMatchObject({ customerId: stack.customer.sub, customerEmail: stack.customer.email });
    expect(body.orderId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
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

  it("scopes Idempotency-Keys to the caller: another customer's same key is their own order (no squatting)", async () => {
    const headers = { 'Idempotency-Key': `shared-${Date.now()}` };
    const squatter = await postOrder(stack, orderRequest({ items: [{ productId: 'prod-003', quantity: 1 }] }), headers, other);
    const owner = await postOrder(stack, orderRequest(), headers);
    expect([squatter.status, owner.status]).toEqual([201, 201]);
    expect(owner.body.orderId).not.toBe(squatter.body.orderId);
    expect(owner.headers.get('idempotent-replayed')).toBeNull();
    expect(owner.body.customerId).toBe(stack.customer.sub);
    expect(squatter.body.customerId).toBe(other.sub);
  });

  it('accepts customerId and customerEmail in the body when they are the token\'s, and refuses others with 403, storing nothing', async () => {
    const own = await postOrder(stack, orderRequest({ customerId: other.sub, customerEmail: other.email }), {}, other);
    expect(own.status).toBe(201);
    const before = (await api(stack, '/orders?limit=100', {}, other)).body.orders.length;
    await expectNothingStoredOrEnqueued(async () => {
      const forSomeoneElse = await postOrder(stack, orderRequest({ customerId: stack.customer.sub }), { 'Idempotency-Key': `403-${Date.now()}` }, other);
      expect(forSomeoneElse.status).toBe(403);
      expect(forSomeoneElse.body.details[0].path).toBe('customerId');
      const otherEmail = await postOrder(stack, orderRequest({ customerEmail: 'someone@example.com' }), {}, other);
      expect(otherEmail.status).toBe(403);
      expect(otherEmail.body.details[0].path).toBe('customerEmail');
    });
    expect((await api(stack, '/orders?limit=100', {}, other)).body.orders.length).toBe(before);
    expect((await api(stack, '/orders?limit=100')).body.orders.some((o: { customerId: string }) => o.customerId !== stack.customer.sub)).toBe(false);
  });

  it("accepts the seed's item shape (name and price) when it matches the catalog", async () => {
    const items = [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 2, price: 129.99 }];
    const { status, body } = await postOrder(stack, orderRequest({ items }));
    expect(status).toBe(201);
    expect(body.items).toEqual(items);
    expect(body.totalAmount).toBe(259.98);
  });

  it('answers 409 with the current prices when a price changed since the cart was filled, storing nothing', async () => {
    await expectNothingStoredOrEnqueued(async () => {
      const before = (await api(stack, '/orders?limit=100')).body.orders.length;
      const items = [
        { productId: 'prod-001', name: 'Wireless Headphones', quantity: 1, price: 119.99 },
        { productId: 'prod-012', quantity: 1, price: 18.5 },
      ];
      const { status, body } = await postOrder(stack, orderRequest({ items }));
      expect(status).toBe(409);
      expect(body.details).toEqual([{ path: 'items.0.price', message: 'Current price of prod-001: 129.99' }]);
      expect((await api(stack, '/orders?limit=100')).body.orders.length).toBe(before);
    });
  });

  it('refuses an Idempotency-Key reused for a different order', async () => {
    const headers = { 'Idempotency-Key': `reuse-${Date.now()}` };
    expect((await postOrder(stack, orderRequest(), headers)).status).toBe(201);
    // Replayed at once, while the first order is still PENDING: nothing stored, nothing sent again.
    await expectNothingStoredOrEnqueued(async () => {
      const other = await postOrder(stack, orderRequest({ items: [{ productId: 'prod-002', quantity: 1 }] }), headers);
      expect(other.status).toBe(422);
      expect(other.body.details[0].path).toBe('Idempotency-Key');
    });
  });

  it.each([
    ['broken JSON', '{"customerId":', 400, '(body)'],
    ['an empty body', '', 400, '(body)'],
    ['a JSON array', '[]', 400, '(body)'],
    ['an unknown product', { ...orderRequest(), items: [{ productId: 'prod-999', quantity: 1 }] }, 400, 'items.0.productId'],
    ['a price below zero', { ...orderRequest(), items: [{ productId: 'prod-001', quantity: 1, price: -1 }] }, 400, 'items.0.price'],
    ['a name that is not the product', { ...orderRequest(), items: [{ productId: 'prod-001', quantity: 1, name: 'Gift' }] }, 400, 'items.0.name'],
    ['a client-chosen id', { ...orderRequest(), orderId: 'mine' }, 400, 'orderId'],
    ['a missing address field', { ...orderRequest(), shippingAddress: { street: 'x', city: 'y', state: 'z', country: 'Spain' } }, 400, 'shippingAddress.zipCode'],
    ['a string quantity', { ...orderRequest(), items: [{ productId: 'prod-001', quantity: '2' }] }, 400, 'items.0.quantity'],
  ])('rejects %s with a 4xx naming the field, storing and enqueuing nothing', async (_, body, status, path) => {
    await expectNothingStoredOrEnqueued(async () => {
      const response = await postOrder(stack, body, { 'Idempotency-Key': `rejected-${Date.now()}` });
      expect(response.status).toBe(status);
      expect(response.body.error).toEqual(expect.any(String));
      expect(response.body.details.map((d: { path: string }) => d.path)).toContain(path);
    });
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
    await expectNothingStoredOrEnqueued(async () => {
      expect((await postOrder(stack, big)).status).toBe(413);
    });
  });

  it('rejects a non-JSON media type with 415', async () => {
    await expectNothingStoredOrEnqueued(async () => {
      const response = await postOrder(stack, JSON.stringify(orderRequest()), { 'Content-Type': 'text/plain' });
      expect(response.status).toBe(415);
      expect(response.body.details[0].path).toBe('Content-Type');
    });
  });

  it('rejects a malformed Idempotency-Key', async () => {
    await expectNothingStoredOrEnqueued(async () => {
      const response = await postOrder(stack, orderRequest(), { 'Idempotency-Key': 'x'.repeat(200) });
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe('Idempotency-Key');
    });
  });
});

describe('GET /orders', () => {
  const mine: string[] = [];
  const theirs: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) mine.push((await postOrder(stack, orderRequest())).body.orderId);
    for (let i = 0; i < 3; i++) theirs.push((await postOrder(stack, orderRequest(), {}, other)).body.orderId);
    // Lists and counts are compared below: let every order of this stack reach its final status.
    for (let settled = false; !settled; ) {
      const { body } = await api(stack, '/orders?limit=100', {}, staff);
      settled = body.orders.every((o: { status: OrderStatus }) => isFinal(o.status));
      if (!settled) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  async function pageThrough(query: Record<string, string>, as: TestUser) {
    const seen: { orderId: string; orderDate: string; customerId: string; status: string }[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const params = new URLSearchParams({ ...query, ...(nextToken ? { nextToken } : {}) });
      const { status, body } = await api(stack, `/orders?${params}`, {}, as);
      expect(status, JSON.stringify(body)).toBe(200);
      seen.push(...body.orders);
      nextToken = body.nextToken;
      pages++;
    } while (nextToken && pages < 100);
    return seen;
  }

  it("pages through the caller's own orders only, newest first", async () => {
    const seen = await pageThrough({ limit: '2' }, stack.customer);
    const ids = seen.map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(mine));
    expect(seen.every((o) => o.customerId === stack.customer.sub)).toBe(true);
    const dates = seen.map((o) => o.orderDate);
    expect(dates).toEqual([...dates].sort().reverse());
    const theirsSeen = await pageThrough({ limit: '100' }, other);
    expect(theirsSeen.map((o) => o.orderId)).toEqual(expect.arrayContaining(theirs));
    expect(theirsSeen.some((o) => mine.includes(o.orderId))).toBe(false);
  });

  it("answers 403 to a customer asking for another customer's orders, 200 for their own id", async () => {
    const { status, body } = await api(stack, `/orders?customerId=${other.sub}`);
    expect(status).toBe(403);
    expect(body.details[0].path).toBe('customerId');
    expect((await api(stack, `/orders?customerId=${stack.customer.sub}`)).status).toBe(200);
  });

  it('gives staff every order, newest first, across all statuses and pages, with counts per status', async () => {
    const seen = await pageThrough({ limit: '3' }, staff);
    const ids = seen.map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([...mine, ...theirs]));
    const dates = seen.map((o) => o.orderDate);
    expect(dates).toEqual([...dates].sort().reverse());
    const first = await api(stack, '/orders', {}, staff);
    const counted = Object.values(first.body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(counted).toBe(seen.length);
  });

  it('lets staff filter by customer, status and dates, each served by an index', async () => {
    const byCustomer = await pageThrough({ customerId: other.sub, limit: '2' }, staff);
    expect(byCustomer.every((o) => o.customerId === other.sub)).toBe(true);
    expect(byCustomer.map((o) => o.orderId)).toEqual(expect.arrayContaining(theirs));
    const all = await pageThrough({ limit: '100' }, staff);
    for (const status of new Set(all.map((o) => o.status))) {
      const filtered = await pageThrough({ status, limit: '2' }, staff);
      expect(filtered.length).toBe(all.filter((o) => o.status === status).length);
      expect(filtered.every((o) => o.status === status)).toBe(true);
    }
    const pivot = all[Math.floor(all.length / 2)]!.orderDate;
    const since = await pageThrough({ from: pivot, limit: '4' }, staff);
    expect(since.length).toBe(all.filter((o) => o.orderDate >= pivot).length);
    const until = await pageThrough({ to: pivot, limit: '4' }, staff);
    expect(until.length).toBe(all.filter((o) => o.orderDate <= pivot).length);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const none = await api(stack, `/orders?from=${tomorrow}`, {}, staff);
    expect(none.body.orders).toEqual([]);
    expect(Object.values(none.body.counts).every((n) => n === 0)).toBe(true);
  });

  it('never scans the table: every list, filtered or not, is an index query', async () => {
    const scans = stack.services!.dynamodb.count('Scan');
    const queries = stack.services!.dynamodb.count('Query');
    for (const query of ['', '?status=DELIVERED', '?from=2026-01-01', `?customerId=${other.sub}&status=PENDING`, '?to=2030-01-01&limit=1']) {
      expect((await api(stack, `/orders${query}`, {}, staff)).status).toBe(200);
    }
    expect((await api(stack, '/orders')).status).toBe(200);
    expect(stack.services!.dynamodb.count('Scan')).toBe(scans);
    expect(stack.services!.dynamodb.count('Query')).toBeGreaterThan(queries);
  });

  it('does not show customers the counts', async () => {
    expect((await api(stack, '/orders')).body.counts).toBeUndefined();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['customerId=a%20b', 'customerId'],
    ['nextToken=garbage', 'nextToken'],
    ['sort=asc', 'sort'],
    ['status=LOST', 'status'],
    ['from=yesterday', 'from'],
    ['from=2026-02-01&to=2026-01-01', 'to'],
  ])('rejects ?%s', async (query, path) => {
    const { status, body } = await api(stack, `/orders?${query}`);
    expect(status).toBe(400);
    expect(body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("rejects a nextToken issued to another caller or for another query", async () => {
    const mineFirst = await api(stack, '/orders?limit=1');
    expect(mineFirst.body.nextToken).toEqual(expect.any(String));
    const stolen = await api(stack, `/orders?limit=1&nextToken=${mineFirst.body.nextToken}`, {}, other);
    expect(stolen.status).toBe(400);
    expect(stolen.body.details[0].path).toBe('nextToken');
    const staffFirst = await api(stack, '/orders?limit=1', {}, staff);
    expect((await api(stack, `/orders?limit=1&status=PENDING&nextToken=${staffFirst.body.nextToken}`, {}, staff)).status).toBe(400);
    expect((await api(stack, `/orders?limit=1&customerId=${other.sub}&nextToken=${staffFirst.body.nextToken}`, {}, staff)).status).toBe(400);
    expect((await api(stack, `/orders?limit=1&nextToken=${staffFirst.body.nextToken}`, {}, stack.customer)).status).toBe(400);
    expect((await api(stack, `/orders?limit=1&nextToken=${staffFirst.body.nextToken}`, {}, staff)).status).toBe(200);
  });
});

describe('GET /orders?orderNumber=: the short number a customer reads out', () => {
  it('finds the order for staff however the number is typed, and for its owner only among customers', async () => {
    const { body: order } = await postOrder(stack, orderRequest());
    const number: string = order.orderNumber;
    const queries = stack.services!.dynamodb.count('Query');
    const scans = stack.services!.dynamodb.count('Scan');
    // As written, lower-case without dashes, and with O/I/L typed for 0/1 (Crockford's aliases).
    const retyped = number.toLowerCase().replace(/-/g, '').replace(/0/g, 'o').replace(/1/g, 'l');
    for (const typed of [number, retyped, ` ${number.replace(/-/g, ' ')} `]) {
      const { status, body } = await api(stack, `/orders?orderNumber=${encodeURIComponent(typed)}`, {}, staff);
      expect(status).toBe(200);
      expect(body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([order.orderId]);
      expect(body.orders[0]).toMatchObject({ customerEmail: stack.customer.email, items: order.items, totalAmount: order.totalAmount });
    }
    expect(stack.services!.dynamodb.count('Query')).toBeGreaterThan(queries);
    expect(stack.services!.dynamodb.count('Scan')).toBe(scans);
    expect((await api(stack, `/orders?orderNumber=${number}`)).body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([order.orderId]);
    expect((await api(stack, `/orders?orderNumber=${number}`, {}, other)).body.orders).toEqual([]);
    // Staff can narrow it to a customer: another customer's id finds nothing.
    expect((await api(stack, `/orders?orderNumber=${number}&customerId=${other.sub}`, {}, staff)).body.orders).toEqual([]);
  });

  it('answers a number no order has with an empty list', async () => {
    const { status, body } = await api(stack, '/orders?orderNumber=0000-0000-0000', {}, staff);
    expect(status).toBe(200);
    expect(body.orders).toEqual([]);
  });

  it.each([
    ['orderNumber=K7QM-2X9D', 'orderNumber'],
    ['orderNumber=K7QM-2X9D-PB4U', 'orderNumber'],
    ['orderNumber=K7QM-2X9D-PB4H&status=PENDING', 'orderNumber'],
    ['orderNumber=K7QM-2X9D-PB4H&from=2026-01-01', 'orderNumber'],
  ])('rejects ?%s naming the field', async (query, path) => {
    const { status, body } = await api(stack, `/orders?${query}`, {}, staff);
    expect(status).toBe(400);
    expect(body.details.map((d: { path: string }) => d.path)).toContain(path);
  });
});

describe('GET /orders?customerEmail=: staff find a customer by e-mail', () => {
  it("pages through that customer's orders only, newest first, from the CustomerEmailIndex (never a Scan)", async () => {
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) placed.push((await postOrder(stack, orderRequest(), {}, other)).body.orderId);
    const queries = stack.services!.dynamodb.count('Query');
    const scans = stack.services!.dynamodb.count('Scan');
    const seen: { orderId: string; customerEmail: string; orderDate: string }[] = [];
    let nextToken: string | undefined;
    do {
      // Typed with spaces and in capitals: addresses are stored and searched in lower case.
      const params = new URLSearchParams({ customerEmail: ` ${other.email.toUpperCase()} `, limit: '2', ...(nextToken ? { nextToken } : {}) });
      const { status, body } = await api(stack, `/orders?${params}`, {}, staff);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.counts).toBeUndefined();
      seen.push(...body.orders);
      nextToken = body.nextToken;
    } while (nextToken);
    expect(seen.map((o) => o.orderId)).toEqual(expect.arrayContaining(placed));
    expect(seen.every((o) => o.customerEmail === other.email.toLowerCase())).toBe(true);
    expect(seen.map((o) => o.orderDate)).toEqual(seen.map((o) => o.orderDate).sort().reverse());
    expect(stack.services!.dynamodb.count('Query')).toBeGreaterThan(queries);
    expect(stack.services!.dynamodb.count('Scan')).toBe(scans);
    expect((await api(stack, `/orders?customerEmail=nobody-${Date.now()}@example.com`, {}, staff)).body.orders).toEqual([]);
  });

  it('answers a customer 403 naming customerEmail, and bad input 400 naming the field', async () => {
    const refused = await api(stack, `/orders?customerEmail=${encodeURIComponent(stack.customer.email)}`);
    expect(refused.status).toBe(403);
    expect(refused.body.details[0].path).toBe('customerEmail');
    for (const [query, path] of [
      ['customerEmail=not-an-email', 'customerEmail'],
      [`customerEmail=a%40example.com&customerId=${other.sub}`, 'customerEmail'],
      ['customerEmail=a%40example.com&orderNumber=K7QM-2X9D-PB4H', 'orderNumber'],
    ]) {
      const { status, body } = await api(stack, `/orders?${query}`, {}, staff);
      expect(status, query).toBe(400);
      expect(body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });
});

describe('GET|POST /orders/{orderId}/note: staff only', () => {
  it('keeps a note per order for staff, with who wrote it and when, and never shows it to the customer', async () => {
    const { body: order } = await postOrder(stack, orderRequest());
    const path = `/orders/${order.orderId}/note`;
    expect((await api(stack, path, {}, staff)).body).toEqual({ text: '' });
    const post = (body: string, as: TestUser | null = staff) => api(stack, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }, as);
    const saved = await post(JSON.stringify({ note: '  Called the customer: leave at the door.  ' }));
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ text: 'Called the customer: leave at the door.', updatedBy: staff.email, updatedAt: expect.any(String) });
    expect((await api(stack, path, {}, staff)).body).toEqual(saved.body);
    // The customer reads their order without it, and cannot read or write it.
    expect(JSON.stringify((await api(stack, `/orders/${order.orderId}`)).body)).not.toContain('leave at the door');
    expect(JSON.stringify((await api(stack, '/orders?limit=100')).body)).not.toContain('leave at the door');
    expect(JSON.stringify((await api(stack, `/orders/${order.orderId}`, {}, staff)).body)).not.toContain('leave at the door');
    expect((await api(stack, path)).status).toBe(403);
    expect((await post(JSON.stringify({ note: 'mine' }), stack.customer)).status).toBe(403);
    expect((await post(JSON.stringify({ note: 'x' }), other)).status).toBe(404);
  });

  it.each([
    ['{}', 'note'],
    ['{"note": 5}', 'note'],
    [JSON.stringify({ note: 'x'.repeat(API_LIMITS.maxStaffNoteLength + 1) }), 'note'],
    ['{"note": "ok", "extra": 1}', 'extra'],
  ])('rejects the body %s with 400 naming %s', async (body, field) => {
    const { body: order } = await postOrder(stack, orderRequest());
    const answer = await api(stack, `/orders/${order.orderId}/note`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }, staff);
    expect(answer.status).toBe(400);
    expect(answer.body.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('answers 404 for a note on an order that does not exist', async () => {
    const missing = await api(stack, '/orders/00000000-0000-4000-8000-000000000000/note', {}, staff);
    expect(missing.status).toBe(404);
  });
});

describe('GET /orders/{orderId}: the owner or staff', () => {
  it('shows an order to its owner and to staff, and answers anyone else exactly as for a missing order', async () => {
    const { body: order } = await postOrder(stack, orderRequest());
    expect((await api(stack, `/orders/${order.orderId}`)).status).toBe(200);
    expect((await api(stack, `/orders/${order.orderId}`, {}, staff)).body.customerEmail).toBe(stack.customer.email);
    const stranger = await api(stack, `/orders/${order.orderId}`, {}, other);
    const missingId = '00000000-0000-4000-8000-000000000000';
    const missing = await api(stack, `/orders/${missingId}`, {}, other);
    expect(stranger.status).toBe(404);
    expect(stranger.body).toEqual(JSON.parse(JSON.stringify(missing.body).replaceAll(missingId, order.orderId)));
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
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,idempotency-key,authorization' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });
});
