/**
 * Placing an order for the signed-in caller (the customer is the caller, never the body) or for a
 * guest (no account: the body's e-mail, a token for the order's link): the order is priced from
 * the catalog, stored once, and put on the queue.
 *
 * With an Idempotency-Key, the key is recorded for this caller beside a random order id
 * (`OrderKeys`), so a retried or concurrent duplicate request lands on the same item:
 * DynamoDB's conditional put lets exactly one write win, and the others get the stored order
 * back. A replay also sends the queue message again (the workflow is started at most once per
 * order), which heals a request that stored its order but could not enqueue it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Caller } from '../domain/auth.ts';
import { AccountClosedError, ForbiddenError, IdempotencyKeyReusedError, OrderRateLimitedError, ValidationError } from '../domain/errors.ts';
import { type CreateOrderRequest, type Order } from '../domain/order.ts';
import { GUEST_CUSTOMER_PREFIX, orderNumberOf, type Actor } from '../domain/order-rules.ts';
import { OutOfStockError } from '../domain/inventory.ts';
import { checkAvailability } from './inventory.ts';
import { hashOrderToken, type OrderTokens } from './order-token.ts';
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
  /** A guest order's token (its link); only guests' orders have one. */
  tokens: OrderTokens;
  now?: () => Date;
}

/** A guest: no account, known by the address the request came from (their per-minute limit). */
export interface Guest {
  guestFrom: string;
}

/** Who places the order: a signed-in customer, or a guest. */
export type Buyer = Caller | Guest;

export interface PlacedOrder {
  order: Order;
  /** False when an earlier request with the same Idempotency-Key created the order. */
  created: boolean;
  /** A guest order's token, for its link (`orderUrl`); the same again on a replay. */
  orderToken?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The customer id of a guest's orders: one per e-mail, so signing in with it finds them all (order-rules.ts). */
export const guestCustomerIdOf = (email: string): string => `${GUEST_CUSTOMER_PREFIX}${sha256(email.toLowerCase()).slice(0, 40)}`;

/** The key the per-minute limit counts a guest's orders under by their address (an account's: its sub). */
const guestAddressKey = (address: string) => `guest-ip:${address}`;

/**
 * A guest's key returns the order's link (its token) on a replay, so it must be as hard to guess:
 * at least this many characters (the storefront sends `checkout-<random UUID>`).
 */
export const GUEST_IDEMPOTENCY_KEY_MIN_LENGTH = 32;

/**
 * A guest's request: the e-mail is required (the order's updates go there) and becomes, in lower
 * case, the order's; a customer id is an account's, so a guest sends none.
 */
export function forGuest(request: CreateOrderRequest): CreateOrderRequest & { customerId: string; customerEmail: string } {
  if (request.customerId !== undefined) {
    throw new ForbiddenError('A guest order has no customer id', [{ path: 'customerId', message: 'Sign in to order as a customer, or leave it out' }]);
  }
  if (request.customerEmail === undefined) {
    throw new ValidationError('Invalid order', [{ path: 'customerEmail', message: 'Required for a guest order: its updates are sent there' }]);
  }
  const customerEmail = request.customerEmail.toLowerCase();
  return { ...request, customerId: guestCustomerIdOf(customerEmail), customerEmail };
}

/**
 * The request with the customer taken from the token. A `customerId` or `customerEmail` in the
 * body (the original design's order model) must be the caller's own, else the request is refused (403).
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

export async function placeOrder(body: CreateOrderRequest, idempotencyKey: string | undefined, buyer: Buyer, deps: PlaceOrderDeps): Promise<PlacedOrder> {
  const caller = 'sub' in buyer ? buyer : undefined;
  const request = caller ? forCaller(body, caller) : forGuest(body);
  if (!caller && idempotencyKey !== undefined && idempotencyKey.length < GUEST_IDEMPOTENCY_KEY_MIN_LENGTH) {
    throw new ValidationError('Invalid Idempotency-Key', [
      { path: 'Idempotency-Key', message: `A guest's key is at least ${GUEST_IDEMPOTENCY_KEY_MIN_LENGTH} characters (a random UUID): a replay answers the order's link` },
    ]);
  }
  // Two independent reads, together: whether the account is closed, and the stock (used below
  // only for a new order or a replay whose order is missing).
  const [closed, short] = await Promise.all([caller ? deps.closedAccounts.isClosed(caller.sub) : false, checkAvailability(deps.stock, request.items)]);
  if (closed) throw new AccountClosedError();
  const { items, subtotalAmount, shippingAmount, totalAmount } = priceOrder(request.items);
  // What the order is, whatever optional fields carried it (the schema returns keys in its own order).
  const what = [request.customerName, request.paymentMethod, request.shippingAddress, request.items.map((i) => [i.productId, i.quantity])];
  const fingerprint = idempotencyKey ? sha256(JSON.stringify(what)) : undefined;
  let orderId: string = randomUUID();
  let replay = false;
  if (idempotencyKey) {
    // A key is the account's, or the guest e-mail's: a retry from another address still finds its order.
    const claimed = await deps.keys.claim(request.customerId, idempotencyKey, { orderId, fingerprint: fingerprint! });
    if (claimed.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    replay = claimed.orderId !== orderId;
    orderId = claimed.orderId;
  }
  // A replay of an order already stored gets its order back, whatever the stock is now.
  if (short.length > 0 && (!replay || !(await deps.orders.get(orderId)))) throw new OutOfStockError(short);
  // Every valid order request counts (a replay too: a retry after a 429 counts once it gets through).
  // A guest's count twice: per e-mail (as an account's: no one is sent a flood of order mail) and per address.
  const keys = caller ? [caller.sub] : [request.customerId, guestAddressKey((buyer as Guest).guestFrom)];
  for (const key of keys) {
    const verdict = await deps.rateLimiter.admit(key);
    if (!verdict.allowed) throw new OrderRateLimitedError(deps.rateLimiter.limit, verdict.retryAfterSeconds);
  }
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const orderToken = caller ? undefined : await deps.tokens.tokenFor(orderId);
  const actor: Actor = caller ? { type: 'customer', sub: caller.sub } : { type: 'customer' };
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
    history: [{ status: 'PENDING', at: now, actor }],
  };
  const result = await deps.orders.create(order, fingerprint, orderToken && hashOrderToken(orderToken));
  if (!result.created && result.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (result.created || result.order.status === 'PENDING') {
    // The order is durable once stored: a failed send must not fail the request (the client would
    // retry and could not tell whether it bought twice). The recovery job re-sends stuck orders.
    await deps.queue.enqueue(result.order.orderId).catch((error: unknown) => deps.onEnqueueFailed(result.order.orderId, error));
  }
  return { order: result.order, created: result.created, ...(orderToken ? { orderToken } : {}) };
}
