/** The signed-in routes: a caller's orders (all orders for staff), one order, placing an order. */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { API_LIMITS, IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER, ROUTES } from '../../../domain/api.ts';
import { createOrderRequestSchema, customerIdSchema } from '../../../domain/order.ts';
import { decodePageToken, encodePageToken, pageBinding } from '../../../server/page-token.ts';
import { placeOrder } from '../../../server/place-order.ts';
import type { ClosedAccounts, OrderKeys, OrderQueue, OrderRateLimiter, OrderRepository, StockLedger } from '../../../server/ports.ts';
import { METRICS } from '../../../server/settings.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { ApiError, json, listOrdersQuerySchema, parseWith, readIdempotencyKey, readJsonBody } from '../http.ts';
import { callerOf, restEvent, routerPath, signedInCaller, visibleOrder } from '../request.ts';

export interface OrderRoutesDeps {
  orders: OrderRepository;
  keys: OrderKeys;
  queue: OrderQueue;
  /** Stock per product: a new order over what is available is a 409. */
  stock: StockLedger;
  confirmStaff: StaffConfirmation;
  rateLimiter: OrderRateLimiter;
  closedAccounts: ClosedAccounts;
  logger: Logger;
  metrics: Metrics;
}

export function orderRoutes({ orders, keys, queue, stock, confirmStaff, rateLimiter, closedAccounts, logger, metrics }: OrderRoutesDeps): Router {
  const router = new Router();

  /**
   * A customer's own orders (CustomerIndex); staff see every order, filtered by customer, status
   * (id or e-mail) and dates, with the counts per status on the first page (not for an e-mail).
   * Newest first, paginated. Or the
   * order(s) with a short order number (`?orderNumber=`), within what the caller may see.
   */
  router.get(routerPath(ROUTES.orders), async (ctx) => {
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
  });

  /** The owner or staff; anyone else gets the answer a missing order gets, revealing nothing. */
  router.get(routerPath(ROUTES.order), async (ctx) => {
    const { caller, order } = await visibleOrder(ctx, orders, confirmStaff);
    if (order.customerId !== caller.sub) logger.info('Staff read', { staffSub: caller.sub, orderId: order.orderId });
    return json(200, order);
  });

  router.post(routerPath(ROUTES.orders), async (ctx) => {
    const caller = callerOf(ctx);
    const event = restEvent(ctx);
    const idempotencyKey = readIdempotencyKey(event, IDEMPOTENCY_KEY_HEADER);
    const request = parseWith(createOrderRequestSchema, readJsonBody(event), 'order');
    const { order, created } = await placeOrder(request, idempotencyKey, caller, {
      orders,
      keys,
      queue,
      stock,
      rateLimiter,
      closedAccounts,
      onEnqueueFailed: (orderId, error) => {
        logger.error('Order stored but not enqueued; the recovery job will enqueue it', { orderId, error: error as Error });
        metrics.addMetric(METRICS.appServer.enqueueFailed, MetricUnit.Count, 1);
      },
    });
    if (created) {
      logger.debug('Order created', { orderId: order.orderId, totalAmount: order.totalAmount });
      metrics.addMetric(METRICS.appServer.ordersCreated, MetricUnit.Count, 1);
    }
    return json(201, order, {
      Location: ROUTES.order.replace('{orderId}', order.orderId),
      ...(created ? {} : { [REPLAYED_HEADER]: 'true' }),
    });
  });

  return router;
}
