/**
 * The order routes: a caller's orders (all orders for staff), one order (also a guest's, with its
 * token), placing an order (signed in or as a guest).
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { API_LIMITS, IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER, ROUTES } from '../../../domain/api.ts';
import { orderPageUrl } from '../../../domain/notification.ts';
import { createOrderRequestSchema, customerIdSchema } from '../../../domain/order.ts';
import type { OrderTokens } from '../../../server/order-token.ts';
import { decodePageToken, encodePageToken, pageBinding } from '../../../server/page-token.ts';
import { guestCustomerIdOf, placeOrder } from '../../../server/place-order.ts';
import type { ClosedAccounts, OrderKeys, OrderQueue, OrderRateLimiter, OrderRepository, StockLedger } from '../../../server/ports.ts';
import { VIEWER_IP_HEADER } from '../../../server/settings/api.ts';
import { METRICS } from '../../../server/environment.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { ApiError, header, json, listOrdersQuerySchema, parseWith, readIdempotencyKey, readJsonBody } from '../http.ts';
import { optionalCaller, reachableOrder, restEvent, routerPath, signedInCaller } from '../request.ts';

export interface OrderRoutesDeps {
  orders: OrderRepository;
  keys: OrderKeys;
  queue: OrderQueue;
  /** Stock per product: a new order over what is available is a 409. */
  stock: StockLedger;
  confirmStaff: StaffConfirmation;
  rateLimiter: OrderRateLimiter;
  closedAccounts: ClosedAccounts;
  tokens: OrderTokens;
  /** The storefront's address: a guest order's answer links to its page there (`orderUrl`). */
  storefrontUrl: string;
  /** True where the distribution writes the viewer's address (`VIEWER_IP_HEADER`) over any the client sent. */
  trustViewerIp: boolean;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Where a guest's request comes from, for their per-minute limit: where the storefront's
 * distribution writes the viewer's address in `VIEWER_IP_HEADER` (with WAF on; behind it the
 * source is an edge address many shoppers share), that address; else the source address. (A
 * caller going to the stage's own host can write the header too: WAF's rule by source address and
 * the limit per e-mail bound it.)
 */
function clientAddress(event: ReturnType<typeof restEvent>, trustViewerIp: boolean): string {
  const viewer = trustViewerIp ? header(event, VIEWER_IP_HEADER)?.trim() : undefined;
  return viewer || event.requestContext?.identity?.sourceIp || 'unknown';
}

/**
 * A customer's own orders (CustomerIndex); staff see every order, filtered by customer, status
 * (id or e-mail) and dates, with the counts per status on the first page (not for an e-mail).
 * Newest first, paginated. Or the
 * order(s) with a short order number (`?orderNumber=`), within what the caller may see.
 */
async function listOrders(ctx: { event: unknown }, { orders, confirmStaff, closedAccounts, logger }: OrderRoutesDeps) {
  const caller = await signedInCaller(ctx, confirmStaff);
  const query = parseWith(listOrdersQuerySchema, restEvent(ctx).queryStringParameters ?? {}, 'query parameters');
  let customerId = query.customerId === undefined ? undefined : parseWith(customerIdSchema, query.customerId, 'customerId', ['customerId']);
  if (!caller.isStaff) {
    if (customerId !== undefined && customerId !== caller.sub) {
      throw new ApiError(403, 'Customers see their own orders only', [{ path: 'customerId', message: 'Must be your own customer id (or left out)' }]);
    }
    if (query.customerEmail !== undefined) {
      throw new ApiError(403, 'Only staff search orders by e-mail', [{ path: 'customerEmail', message: 'Staff only; leave it out to see your own orders' }]);
    }
    customerId = caller.sub;
    // Signed in with a verified e-mail: guest orders placed with it become this customer's (not a
    // deleted account's, whose token may live on for an hour: its orders were anonymized).
    if (caller.emailVerified && query.nextToken === undefined && !(await closedAccounts.isClosed(caller.sub))) {
      const claimed = await orders.claimGuestOrders(guestCustomerIdOf(caller.email), caller.sub, new Date().toISOString());
      if (claimed.length > 0) logger.info('Guest orders claimed', { customerSub: caller.sub, orderIds: claimed });
    }
  }
  if (query.orderNumber !== undefined) {
    // A customer searching finds only their own order; staff find anyone's.
    const found = await orders.findByOrderNumber(query.orderNumber);
    return json(200, { orders: found.filter((order) => customerId === undefined || order.customerId === customerId) });
  }
  const { customerEmail } = query;
  const filters = { customerId, customerEmail, status: query.status, from: query.from, to: query.to };
  // Staff reads of customers' data are logged with who read what (the access log has the sub too).
  if (caller.isStaff) logger.info('Staff list', { staffSub: caller.sub, ...filters });
  const binding = pageBinding(caller.sub, filters);
  const position = query.nextToken === undefined ? undefined : decodePageToken(query.nextToken, binding);
  const page = await orders.list({ ...filters, limit: query.limit ?? API_LIMITS.defaultPageSize, position });
  // Counts read the StatusDateIndex, which holds customer ids, not e-mails: none for an e-mail search.
  const counts = caller.isStaff && position === undefined && customerEmail === undefined ? await orders.countByStatus({ customerId, from: query.from, to: query.to }) : undefined;
  return json(200, {
    orders: page.orders,
    nextToken: page.position === undefined ? undefined : encodePageToken(page.position, binding),
    ...(counts ? { counts } : {}),
  });
}

export function orderRoutes(deps: OrderRoutesDeps): Router {
  const { orders, keys, queue, stock, confirmStaff, rateLimiter, closedAccounts, tokens, storefrontUrl, trustViewerIp, logger, metrics } = deps;
  const router = new Router();

  router.get(routerPath(ROUTES.orders), (ctx) => listOrders(ctx, deps));

  /** The owner, staff, or whoever holds the order's token; anyone else gets the answer a missing order gets, revealing nothing. */
  router.get(routerPath(ROUTES.order), async (ctx) => {
    const { caller, order, byToken } = await reachableOrder(ctx, orders, confirmStaff);
    if (caller && !byToken && order.customerId !== caller.sub) logger.info('Staff read', { staffSub: caller.sub, orderId: order.orderId });
    return json(200, order);
  });

  /** Signed in, the caller's order; without `Authorization`, a guest's, answered with its link (`orderUrl`). */
  router.post(routerPath(ROUTES.orders), async (ctx) => {
    const caller = await optionalCaller(ctx, confirmStaff);
    const event = restEvent(ctx);
    const idempotencyKey = readIdempotencyKey(event, IDEMPOTENCY_KEY_HEADER);
    const request = parseWith(createOrderRequestSchema, readJsonBody(event), 'order');
    const buyer = caller ?? { guestFrom: clientAddress(event, trustViewerIp) };
    const { order, created, orderToken } = await placeOrder(request, idempotencyKey, buyer, {
      orders,
      keys,
      queue,
      stock,
      rateLimiter,
      closedAccounts,
      tokens,
      onEnqueueFailed: (orderId, error) => {
        logger.error('Order stored but not enqueued; the recovery job will enqueue it', { orderId, error: error as Error });
        metrics.addMetric(METRICS.appServer.enqueueFailed, MetricUnit.Count, 1);
      },
    });
    if (created) {
      logger.debug('Order created', { orderId: order.orderId, totalAmount: order.totalAmount });
      metrics.addMetric(METRICS.appServer.ordersCreated, MetricUnit.Count, 1);
    }
    const body = orderToken ? { ...order, orderUrl: orderPageUrl(storefrontUrl, order.orderId, orderToken) } : order;
    return json(201, body, {
      Location: ROUTES.order.replace('{orderId}', order.orderId),
      ...(created ? {} : { [REPLAYED_HEADER]: 'true' }),
    });
  });

  return router;
}
