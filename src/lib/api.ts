/**
 * The storefront's API client: every call goes through `get`/`post` of `aws-amplify/api`.
 * Errors become `StoreError` with the server's `{ error, details }` kept, never swallowed.
 */
import { ApiError, del, get, isCancelError, post, put } from 'aws-amplify/api';
import { API_LIMITS, API_NAME, IDEMPOTENCY_KEY_HEADER, ROUTES } from '../../amplify/domain/api.ts';
import type { FieldIssue } from '../../amplify/domain/errors.ts';
import type { StockChange, StockHistoryEntry, StockLevel } from '../../amplify/domain/inventory.ts';
import type { CreateOrderRequest, Order } from '../../amplify/domain/order.ts';
import type { OrderStatus } from '../../amplify/domain/order-rules.ts';
import type { StatsResponse } from '../../amplify/domain/stats-summary.ts';
import { getConnection, MAILBOX_API_NAME } from './config.ts';
import { orderTokenHeader } from './order-access.ts';

/** A product as `GET /products` returns it (price in dollars). */
export interface CatalogProduct {
  productId: string;
  name: string;
  description: string;
  price: number;
  image: string;
  /** Units that can be ordered now (`amplify/domain/inventory.ts`). */
  available: number;
}

export interface OrdersPage {
  orders: Order[];
  nextToken?: string;
  /** Staff only, on a first page: orders per status for the same customer and dates. */
  counts?: Partial<Record<OrderStatus, number>>;
}

/** Filters of `GET /orders` (customers get their own orders whatever they ask; staff any). */
export interface OrderFilters {
  customerId?: string;
  status?: OrderStatus;
  /** YYYY-MM-DD or ISO-8601, inclusive. */
  from?: string;
  to?: string;
  /** A short order number (`K7QM-2X9D-PB4H`): searched on its own, without the other filters. */
  orderNumber?: string;
  /** Staff: a customer's orders by the e-mail on them. */
  customerEmail?: string;
}

/** Staff's internal note on an order (`GET|POST /orders/{orderId}/note`). */
export interface StaffNote {
  text: string;
  updatedAt?: string;
  updatedBy?: string;
}

export type { MailRecord as MailboxMessage } from '../../amplify/domain/notification.ts';
import type { MailRecord as MailboxMessage } from '../../amplify/domain/notification.ts';

export type StoreErrorKind = 'http' | 'network' | 'not-configured';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly kind: StoreErrorKind,
    readonly status?: number,
    readonly details: FieldIssue[] = [],
    /** What the client library said (kept for logs and debugging; not shown to shoppers). */
    readonly technicalMessage?: string,
  ) {
    super(message);
  }
}

export { isCancelError };

function parseErrorBody(text: string | undefined): { error?: string; details: FieldIssue[] } {
  if (!text) return { details: [] };
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; details?: unknown };
    const details = Array.isArray(body.details)
      ? body.details.filter(
          (d): d is FieldIssue => typeof d === 'object' && d !== null && typeof d.path === 'string' && typeof d.message === 'string',
        )
      : [];
    const error = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : undefined;
    return { ...(error ? { error } : {}), details };
  } catch {
    return { details: [] };
  }
}

/** Turns whatever Amplify threw into a `StoreError` (cancellations are re-thrown as they are). */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (error instanceof ApiError && error.response) {
    const { statusCode, body } = error.response;
    const parsed = parseErrorBody(body);
    return new StoreError(parsed.error ?? `The store answered with HTTP ${statusCode}`, 'http', statusCode, parsed.details);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('We could not reach the store just now. Please try again in a moment.', 'network', undefined, [], message);
}

/** A route of `amplify/domain/api.ts` joined to the endpoint without a double slash. */
export function apiPath(route: string, endpointEndsWithSlash = getConnection().endpointEndsWithSlash): string {
  return endpointEndsWithSlash ? route.replace(/^\//, '') : route;
}

interface CallOptions {
  signal?: AbortSignal;
}

async function run<T>(operation: { response: Promise<{ body: { json(): Promise<unknown> } }>; cancel(message?: string): void }, options: CallOptions): Promise<T> {
  const onAbort = () => operation.cancel('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await operation.response;
    return (await response.body.json()) as T;
  } catch (error) {
    if (isCancelError(error)) throw error;
    throw toStoreError(error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function ensureConnected(): void {
  if (!getConnection().connected) throw new StoreError('The storefront is not connected to a backend.', 'not-configured');
}

/** `GET /products`: the catalog with each product's `available` units, and the low-stock threshold. */
export async function fetchCatalogStock(options: CallOptions = {}): Promise<{ products: CatalogProduct[]; lowStockThreshold: number }> {
  ensureConnected();
  return run<{ products: CatalogProduct[]; lowStockThreshold: number }>(get({ apiName: API_NAME, path: apiPath(ROUTES.products) }), options);
}

const stockPath = (productId: string) => apiPath(ROUTES.productStock.replace('{productId}', encodeURIComponent(productId)));

/** Staff: a product's stock (available, reserved, sold) and its latest changes. */
export async function fetchProductStock(productId: string, options: CallOptions = {}): Promise<StockLevel & { history: StockHistoryEntry[] }> {
  ensureConnected();
  return run(get({ apiName: API_NAME, path: stockPath(productId) }), options);
}

/** Staff: sets (`available`) or adjusts (`delta`) a product's stock, with the reason kept in its history. */
export async function changeStock(productId: string, change: StockChange, options: CallOptions = {}): Promise<StockLevel & { change: StockHistoryEntry }> {
  ensureConnected();
  return run(put({ apiName: API_NAME, path: stockPath(productId), options: { headers: { 'Content-Type': 'application/json' }, body: { ...change } } }), options);
}

/** `GET /orders/{orderId}`: signed in, or with the order's token when this browser holds it (a guest's order). */
export async function fetchOrder(orderId: string, options: CallOptions = {}): Promise<Order> {
  ensureConnected();
  const path = apiPath(ROUTES.order.replace('{orderId}', encodeURIComponent(orderId)));
  return run<Order>(get({ apiName: API_NAME, path, options: { headers: orderTokenHeader(orderId) } }), options);
}

export async function fetchOrders(
  filters: OrderFilters,
  page: { limit?: number; nextToken?: string } = {},
  options: CallOptions = {},
): Promise<OrdersPage> {
  ensureConnected();
  const queryParams: Record<string, string> = {
    limit: String(Math.min(page.limit ?? API_LIMITS.defaultPageSize, API_LIMITS.maxPageSize)),
  };
  for (const [name, value] of Object.entries(filters)) if (value) queryParams[name] = value;
  if (page.nextToken) queryParams.nextToken = page.nextToken;
  return run<OrdersPage>(get({ apiName: API_NAME, path: apiPath(ROUTES.orders), options: { queryParams } }), options);
}

type PostBody = NonNullable<NonNullable<Parameters<typeof post>[0]['options']>['body']>;

/**
 * `POST /orders` with an Idempotency-Key: sending the same key again returns the same order. Signed
 * out, a guest order: its answer carries `orderUrl`, the link to it with its token.
 */
export async function createOrder(request: CreateOrderRequest, idempotencyKey: string, options: CallOptions = {}): Promise<Order & { orderUrl?: string }> {
  ensureConnected();
  const operation = post({
    apiName: API_NAME,
    path: apiPath(ROUTES.orders),
    options: {
      headers: { 'Content-Type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
      body: request as unknown as PostBody,
    },
  });
  return run<Order & { orderUrl?: string }>(operation, options);
}

/** `POST /orders/{orderId}/cancel`: the cancelled order, or a 409 `StoreError` once it has shipped. */
export async function cancelOrder(orderId: string, options: CallOptions = {}): Promise<Order> {
  ensureConnected();
  const path = apiPath(ROUTES.cancelOrder.replace('{orderId}', encodeURIComponent(orderId)));
  return run<Order>(post({ apiName: API_NAME, path, options: { headers: orderTokenHeader(orderId) } }), options);
}

/** `POST /orders/{orderId}/payment`: the declined order back to PENDING with the next attempt; a 409 `StoreError` when it cannot be paid again. */
export async function retryPayment(orderId: string, paymentMethod: string, options: CallOptions = {}): Promise<Order> {
  ensureConnected();
  const path = apiPath(ROUTES.orderPayment.replace('{orderId}', encodeURIComponent(orderId)));
  return run<Order>(post({ apiName: API_NAME, path, options: { headers: { 'Content-Type': 'application/json', ...orderTokenHeader(orderId) }, body: { paymentMethod } } }), options);
}

/** `POST /orders/{orderId}/refund` (staff): the order REFUNDED, its refund pending; a 409 `StoreError` unless shipped or delivered. */
export async function refundOrder(orderId: string, reason: string, options: CallOptions = {}): Promise<Order> {
  ensureConnected();
  const path = apiPath(ROUTES.refundOrder.replace('{orderId}', encodeURIComponent(orderId)));
  const body: Record<string, string> = reason.trim() ? { reason: reason.trim() } : {};
  return run<Order>(post({ apiName: API_NAME, path, options: { headers: { 'Content-Type': 'application/json' }, body } }), options);
}

/** `GET /me/export`: everything the store keeps about the signed-in customer. */
export async function exportMyData(options: CallOptions = {}): Promise<{ account: Record<string, unknown>; orders: Order[] }> {
  ensureConnected();
  return run(get({ apiName: API_NAME, path: apiPath(ROUTES.meExport) }), options);
}

/** `DELETE /me`: deletes the account and anonymizes its orders (204). */
export async function deleteMyAccount(options: CallOptions = {}): Promise<void> {
  ensureConnected();
  const operation = del({ apiName: API_NAME, path: apiPath(ROUTES.me) });
  const onAbort = () => operation.cancel('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await operation.response;
  } catch (error) {
    if (isCancelError(error)) throw error;
    throw toStoreError(error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

const notePath = (orderId: string) => apiPath(ROUTES.orderNote.replace('{orderId}', encodeURIComponent(orderId)));

/** Staff: the order's internal note (`text` empty when there is none). */
export async function fetchStaffNote(orderId: string, options: CallOptions = {}): Promise<StaffNote> {
  ensureConnected();
  return run<StaffNote>(get({ apiName: API_NAME, path: notePath(orderId) }), options);
}

/** Staff: replaces the order's internal note; the answer says who saved it and when. */
export async function saveStaffNote(orderId: string, note: string, options: CallOptions = {}): Promise<StaffNote> {
  ensureConnected();
  const operation = post({
    apiName: API_NAME,
    path: notePath(orderId),
    options: { headers: { 'Content-Type': 'application/json' }, body: { note } },
  });
  return run<StaffNote>(operation, options);
}

/** Staff: the shop's figures per day from `from` to `to` (`YYYY-MM-DD`, at most a year). */
export async function fetchStats(range: { from: string; to: string }, options: CallOptions = {}): Promise<StatsResponse> {
  ensureConnected();
  return run<StatsResponse>(get({ apiName: API_NAME, path: apiPath(ROUTES.stats), options: { queryParams: { ...range } } }), options);
}

/** Local mode only: the e-mails the pipeline sent, newest first. */
export async function fetchMailbox(options: CallOptions = {}): Promise<MailboxMessage[]> {
  if (!getConnection().hasMailbox) throw new StoreError('The mailbox exists only in local mode.', 'not-configured');
  const body = await run<{ messages: MailboxMessage[] }>(get({ apiName: MAILBOX_API_NAME, path: '' }), options);
  return body.messages;
}
