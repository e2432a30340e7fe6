/** The HTTP API's routes and request limits: one source for the handler, API Gateway and the storefront. */

export const ROUTES = {
  health: '/health',
  products: '/products',
  orders: '/orders',
  order: '/orders/{orderId}',
  /** The owner (or staff) cancels an order that has not shipped yet. */
  cancelOrder: '/orders/{orderId}/cancel',
  /** The owner pays a declined order again: `{ paymentMethod }`; the same order goes back to PENDING. */
  orderPayment: '/orders/{orderId}/payment',
  /** Staff refund an order that has shipped or been delivered (a return); `{ reason }` optional. */
  refundOrder: '/orders/{orderId}/refund',
  /** The signed-in customer's account: `DELETE` deletes it and anonymizes their orders. */
  me: '/me',
  /** Everything the store keeps about the signed-in customer: `{ account, orders }`. */
  meExport: '/me/export',
  /** Staff only: the order's internal note (read, and replace with POST `{ note }`). */
  orderNote: '/orders/{orderId}/note',
  /** Staff only: a product's stock and its history (GET), a new quantity or an adjustment with a reason (PUT). */
  productStock: '/products/{productId}/stock',
  /** Staff only: the shop's figures per day, `?from=YYYY-MM-DD&to=YYYY-MM-DD` (`StatsResponse`, amplify/domain/stats-summary.ts). */
  stats: '/stats',
} as const;

/** Methods each route answers; anything else on a known path is a 405. */
export const ROUTE_METHODS: Record<keyof typeof ROUTES, readonly string[]> = {
  health: ['GET'],
  products: ['GET'],
  orders: ['GET', 'POST'],
  order: ['GET'],
  cancelOrder: ['POST'],
  orderPayment: ['POST'],
  refundOrder: ['POST'],
  me: ['DELETE'],
  meExport: ['GET'],
  orderNote: ['GET', 'POST'],
  productStock: ['GET', 'PUT'],
  stats: ['GET'],
};

/**
 * Who may call each route: `public` needs no token; `signedIn` needs a valid Cognito ID token
 * (API Gateway's Cognito authorizer in AWS, `local/api-gateway/authorizer.ts` locally, same rules), except
 * the methods of `GUEST_METHODS`.
 */
export const ROUTE_ACCESS: Record<keyof typeof ROUTES, 'public' | 'signedIn'> = {
  health: 'public',
  products: 'public',
  orders: 'signedIn',
  order: 'signedIn',
  cancelOrder: 'signedIn',
  orderPayment: 'signedIn',
  refundOrder: 'signedIn',
  me: 'signedIn',
  meExport: 'signedIn',
  orderNote: 'signedIn',
  productStock: 'signedIn',
  stats: 'signedIn',
};

/**
 * The methods a guest calls too: placing an order without an account, and reading, cancelling or
 * paying again the order its link names with the order's token (`ORDER_TOKEN`). They have no
 * authorizer in API Gateway (it cannot make a token optional): app-server verifies an ID token
 * sent in `Authorization` itself, with the authorizer's rules, and answers 401 for one that fails.
 */
export const GUEST_METHODS: Partial<Record<keyof typeof ROUTES, readonly string[]>> = {
  orders: ['POST'],
  order: ['GET'],
  cancelOrder: ['POST'],
  orderPayment: ['POST'],
};

export type MethodAccess = 'public' | 'signedIn' | 'signedInOrGuest';

/** Who may call `method` on `route`: `ROUTE_ACCESS`, opened to guests by `GUEST_METHODS`. */
export function methodAccess(route: keyof typeof ROUTES, method: string): MethodAccess {
  if (GUEST_METHODS[route]?.includes(method.toUpperCase())) return 'signedInOrGuest';
  return ROUTE_ACCESS[route];
}

/**
 * A guest order's access token: 256 bits, base64url, in the link the order's answer (`orderUrl`)
 * and its e-mails carry; sent back in the `X-Order-Token` header (or the `token` query parameter).
 */
export const ORDER_TOKEN = {
  header: 'X-Order-Token',
  query: 'token',
  pattern: /^[A-Za-z0-9_-]{43}$/,
} as const;

export const API_LIMITS = {
  maxBodyBytes: 16 * 1024,
  defaultPageSize: 20,
  maxPageSize: 100,
  maxIdempotencyKeyLength: 128,
  /** A page token of the staff's all-statuses list holds one position per status. */
  maxPageTokenLength: 2048,
  /** Staff's internal note on an order, in characters. */
  maxStaffNoteLength: 2000,
} as const;

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Where the client sends the Cognito ID token (see `amplify/domain/auth.ts`, AUTH_TOKEN). */
export const AUTH_TOKEN_HEADER = 'Authorization';
/** Set on a `POST /orders` answer that an earlier request with the same Idempotency-Key created. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const CORS_ALLOWED_HEADERS = ['Content-Type', IDEMPOTENCY_KEY_HEADER, AUTH_TOKEN_HEADER, ORDER_TOKEN.header];

/** CORS, answered by app-server and by API Gateway's preflight (`amplify/cloud/orders-api.ts`) alike. */
export const CORS = {
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  allowHeaders: CORS_ALLOWED_HEADERS,
  exposeHeaders: ['Location', REPLAYED_HEADER],
  maxAgeSeconds: 600,
} as const;

/** Name of the REST API in `amplify_outputs.json` (`custom.API.<name>`), read by the storefront. */
export const API_NAME = 'ordersApi';
