/**
 * Placing an order for the signed-in caller: the customer is the caller (never the body), the
 * order is priced from the catalog, stored once, and put on the queue.
 *
 * With an Idempotency-Key, the key is recorded for this caller beside a random order id
 * (`OrderKeys`), so a retried or concurrent duplicate request lands on the same item:
 * DynamoDB's conditional put lets exactly one write win, and the others get the stored order
 * back. A replay also sends the queue message again (the workflow is started at most once per
 * order), which heals a request that stored its order but could not enqueue it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Caller } from '../domain/auth.ts';
import { AccountClosedError, ForbiddenError, IdempotencyKeyReusedError, OrderRateLimitedError } from '../domain/errors.ts';
import { type CreateOrderRequest, type Order } from '../domain/order.ts';
import { orderNumberOf } from '../domain/order-rules.ts';
import { OutOfStockError } from '../domain/inventory.ts';
import { checkAvailability } from './inventory.ts';
import type { ClosedAccounts, OrderKeys, OrderQueue, OrderRateLimiter, OrderRepository, StockLedger } from './ports.ts';
import { priceOrder } from '../domain/pricing.ts';

export interface PlaceOrderDeps {
  orders: OrderRepository;
  keys: OrderKeys;
  queue: OrderQueue;
  /**
   * Stock per product: a new order asking for more than is available is a 409 naming each short
   * line (nothing is reserved here: the workflow's first step reserves, before the payment).
   */
  stock: StockLedger;
  /** The per-account limit, counted once a request is a valid order (after its key is checked). */
  rateLimiter: OrderRateLimiter;
  /** Deleted accounts whose tokens are still valid: refused, so no order outlives the deletion's anonymizing. */
  closedAccounts: ClosedAccounts;
  /** Told when the order is stored but its message could not be sent; recovery will send it. */
  onEnqueueFailed: (orderId: string, error: unknown) => void;
  now?: () => Date;
}

export interface PlacedOrder {
  order: Order;
  /** False when an earlier request with the same Idempotency-Key created the order. */
  created: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The request with the customer taken from the token. A `customerId` or `customerEmail` in the
 * body (the seed's order model) must be the caller's own, else the request is refused (403).
 */
export function forCaller(request: CreateOrderRequest, caller: Caller): CreateOrderRequest & { customerId: string; customerEmail: string } {
  if (request.customerId !== undefined && request.customerId !== caller.sub) {
    throw new ForbiddenError('Orders are placed for the signed-in customer only', [
      { path: 'customerId', message: 'Must be the signed-in customer (or left out)' },
    ]);
  }
  if (request.customerEmail !== undefined && request.customerEmail.toLowerCase() !== caller.email.toLowerCase()) {
    throw new ForbiddenError('Orders are placed for the signed-in customer only', [
      { path: 'customerEmail', message: "Must be the account's e-mail address (or left out)" },
    ]);
  }
  if (!caller.emailVerified) {
    throw new ForbiddenError('Verify your e-mail address before ordering', [{ path: 'customerEmail', message: 'Not verified yet' }]);
  }
  // In lower case, as staff search it (CustomerEmailIndex): the account's address, whatever case it was typed in.
  return { ...request, customerId: caller.sub, customerEmail: caller.email.toLowerCase() };
}

export async function placeOrder(
  body: CreateOrderRequest,
  idempotencyKey: string | undefined,
  caller: Caller,
  deps: PlaceOrderDeps,
): Promise<PlacedOrder> {
  const request = forCaller(body, caller);
  if (await deps.closedAccounts.isClosed(caller.sub)) throw new AccountClosedError();
  const { items, subtotalAmount, shippingAmount, totalAmount } = priceOrder(request.items);
  // What the order is, whatever optional fields carried it (the schema returns keys in its own order).
  const what = [request.customerName, request.paymentMethod, request.shippingAddress, request.items.map((i) => [i.productId, i.quantity])];
  const fingerprint = idempotencyKey ? sha256(JSON.stringify(what)) : undefined;
  let orderId: string = randomUUID();
  let replay = false;
  if (idempotencyKey) {
    const claimed = await deps.keys.claim(caller.sub, idempotencyKey, { orderId, fingerprint: fingerprint! });
    if (claimed.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    replay = claimed.orderId !== orderId;
    orderId = claimed.orderId;
  }
  // A replay of an order already stored gets its order back, whatever the stock is now.
  if (!replay || !(await deps.orders.get(orderId))) {
    const short = await checkAvailability(deps.stock, request.items);
    if (short.length > 0) throw new OutOfStockError(short);
  }
  // Every valid order request counts (a replay too: a retry after a 429 counts once it gets through).
  const verdict = await deps.rateLimiter.admit(caller.sub);
  if (!verdict.allowed) throw new OrderRateLimitedError(deps.rateLimiter.limit, verdict.retryAfterSeconds);
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const order: Order = {
    orderId,
    orderNumber: orderNumberOf(orderId),
    customerId: request.customerId,
    customerName: request.customerName,
    customerEmail: request.customerEmail,
    orderDate: now,
    updatedAt: now,
    status: 'PENDING',
    totalAmount,
    subtotalAmount,
    shippingAmount,
    paymentMethod: request.paymentMethod,
    items,
    shippingAddress: request.shippingAddress,
    history: [{ status: 'PENDING', at: now, actor: { type: 'customer', sub: caller.sub } }],
  };
  const result = await deps.orders.create(order, fingerprint);
  if (!result.created && result.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (result.created || result.order.status === 'PENDING') {
    // The order is durable once stored: a failed send must not fail the request (the client would
    // retry and could not tell whether it bought twice). The recovery job re-sends stuck orders.
    await deps.queue.enqueue(result.order.orderId).catch((error: unknown) => deps.onEnqueueFailed(result.order.orderId, error));
  }
  return { order: result.order, created: result.created };
}
