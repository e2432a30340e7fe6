/**
 * app-server: the REST API behind API Gateway (Lambda proxy integration).
 * Routes and limits come from `amplify/domain/api.ts`; the order logic from `placeOrder`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ParameterValidationError, Router } from '@aws-lambda-powertools/event-handler/http';
import { cors } from '@aws-lambda-powertools/event-handler/http/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_LIMITS, CORS_ALLOWED_HEADERS, IDEMPOTENCY_KEY_HEADER, ROUTES } from '../../domain/api.ts';
import { CATALOG, centsToAmount } from '../../domain/catalog.ts';
import { callerFromClaims, type Caller } from '../../domain/auth.ts';
import { ForbiddenError, IdempotencyKeyReusedError, PriceChangedError, ValidationError } from '../../domain/errors.ts';
import { orderMessage } from '../../domain/order-message.ts';
import { createOrderRequestSchema, customerIdSchema, orderIdSchema } from '../../domain/order.ts';
import { OrderKeyStore } from '../../domain/order-keys.ts';
import { createDocumentClient, OrderStore } from '../../domain/order-store.ts';
import { decodePageToken, encodePageToken, pageBinding } from '../../domain/page-token.ts';
import { placeOrder } from '../../domain/place-order.ts';
import { ENV, requireEnv } from '../../domain/resources.ts';
import { createObservability, traced } from '../shared/powertools.ts';
import { registerCancelOrder } from './cancel-order.ts';
import { allowedMethods, ApiError, errorBody, json, listOrdersQuerySchema, parseWith, readIdempotencyKey, readJsonBody } from './http.ts';

const { logger, metrics, tracer } = createObservability('app-server');
const db = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const store = new OrderStore(db, requireEnv(ENV.ordersTable));
const orderKeys = new OrderKeyStore(db, requireEnv(ENV.idempotencyTable));
// Send to the configured endpoint, not the queue URL's host (they agree in AWS; locally the
// emulator's queue URLs are not resolvable host names).
const sqs = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
const queueUrl = requireEnv(ENV.queueUrl);

const REPLAYED_HEADER = 'Idempotent-Replayed';
/** The storefront's origins when configured (the local stack sets them), else any origin. */
const allowedOrigins = process.env[ENV.allowedOrigins]?.split(',').filter(Boolean);
const app = new Router({ logger });
app.use(
  cors({
    origin: allowedOrigins?.length ? allowedOrigins : '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: CORS_ALLOWED_HEADERS,
    exposeHeaders: ['Location', REPLAYED_HEADER],
    maxAge: 600,
  }),
);

/** This API is only behind API Gateway REST (v1 proxy events). */
const restEvent = (ctx: { event: unknown }) => ctx.event as APIGatewayProxyEvent;

/**
 * The signed-in caller, from the claims API Gateway's Cognito authorizer verified (locally:
 * `local/authorizer.ts`). Never from the request itself. Without them (a route deployed without
 * its authorizer) the answer is 401, not a guess.
 */
function callerOf(ctx: { event: unknown }): Caller {
  const caller = callerFromClaims(restEvent(ctx).requestContext?.authorizer?.claims as Record<string, unknown> | undefined);
  if (!caller) throw new ApiError(401, 'Unauthorized', [{ path: 'Authorization', message: 'Sign in: a valid ID token is required' }]);
  return caller;
}

/** `/orders/{orderId}` as the router writes it: `/orders/:orderId`. */
const routerPath = (template: string) => template.replace(/\{(\w+)\}/g, ':$1') as `/${string}`;

const products = CATALOG.map(({ priceCents, ...product }) => ({ ...product, price: centsToAmount(priceCents) }));

app.get(routerPath(ROUTES.health), () => json(200, { status: 'ok', time: new Date().toISOString() }));

app.get(routerPath(ROUTES.products), () => json(200, { products }));

/**
 * A customer's own orders (CustomerIndex); staff see every order, filtered by customer, status
 * and dates, with the counts per status on the first page. Newest first, paginated. Or the
 * order(s) with a short order number (`?orderNumber=`), within what the caller may see.
 */
app.get(routerPath(ROUTES.orders), async (ctx) => {
  const caller = callerOf(ctx);
  const query = parseWith(listOrdersQuerySchema, restEvent(ctx).queryStringParameters ?? {}, 'query parameters');
  let customerId = query.customerId === undefined ? undefined : parseWith(customerIdSchema, query.customerId, 'customerId', ['customerId']);
  if (!caller.isStaff) {
    if (customerId !== undefined && customerId !== caller.sub) {
      throw new ApiError(403, 'Customers see their own orders only', [{ path: 'customerId', message: 'Must be your own customer id (or left out)' }]);
    }
    customerId = caller.sub;
  }
  if (query.orderNumber !== undefined) {
    // A customer searching finds only their own order; staff find anyone's.
    const found = await store.findByOrderNumber(query.orderNumber);
    return json(200, { orders: found.filter((order) => customerId === undefined || order.customerId === customerId) });
  }
  const filters = { customerId, status: query.status, from: query.from, to: query.to };
  const binding = pageBinding(caller.sub, filters);
  const position = query.nextToken === undefined ? undefined : decodePageToken(query.nextToken, binding);
  const page = await store.list({ ...filters, limit: query.limit ?? API_LIMITS.defaultPageSize, position });
  const counts = caller.isStaff && position === undefined ? await store.countByStatus({ customerId, from: query.from, to: query.to }) : undefined;
  return json(200, {
    orders: page.orders,
    nextToken: page.position === undefined ? undefined : encodePageToken(page.position, binding),
    ...(counts ? { counts } : {}),
  });
});

/** The owner or staff; anyone else gets the answer a missing order gets, revealing nothing. */
app.get(routerPath(ROUTES.order), async (ctx) => {
  const caller = callerOf(ctx);
  const orderId = parseWith(orderIdSchema, ctx.params.orderId, 'order id', ['orderId']);
  const order = await store.get(orderId);
  if (!order || (order.customerId !== caller.sub && !caller.isStaff)) {
    throw new ApiError(404, 'Order not found', [{ path: 'orderId', message: `No order ${orderId}` }]);
  }
  return json(200, order);
});

app.post(routerPath(ROUTES.orders), async (ctx) => {
  const caller = callerOf(ctx);
  const event = restEvent(ctx);
  const idempotencyKey = readIdempotencyKey(event, IDEMPOTENCY_KEY_HEADER);
  const request = parseWith(createOrderRequestSchema, readJsonBody(event), 'order');
  const { order, created } = await placeOrder(request, idempotencyKey, caller, {
    store,
    keys: orderKeys,
    enqueue: async (orderId) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: orderMessage(orderId) }));
    },
    onEnqueueFailed: (orderId, error) => {
      logger.error('Order stored but not enqueued; the recovery job will enqueue it', { orderId, error: error as Error });
      metrics.addMetric('OrderEnqueueFailed', MetricUnit.Count, 1);
    },
  });
  if (created) {
    logger.info('Order created', { orderId: order.orderId, totalAmount: order.totalAmount });
    metrics.addMetric('OrdersCreated', MetricUnit.Count, 1);
  }
  return json(201, order, {
    Location: ROUTES.order.replace('{orderId}', order.orderId),
    ...(created ? {} : { [REPLAYED_HEADER]: 'true' }),
  });
});

registerCancelOrder(app, { store, callerOf, logger, metrics });

app.errorHandler(ApiError, async (error) => json(error.statusCode, errorBody(error.message, error.details), error.headers));
app.errorHandler(ValidationError, async (error) => json(400, errorBody(error.message, error.details)));
// The router refuses empty path parameters itself (e.g. `/orders/%20`).
app.errorHandler(ParameterValidationError, async () =>
  json(400, errorBody('Invalid order id', [{ path: 'orderId', message: 'Must be an order id (UUID)' }])),
);
app.errorHandler(ForbiddenError, async (error) => json(403, errorBody(error.message, error.details)));
app.errorHandler(PriceChangedError, async (error) => json(409, errorBody(error.message, error.details)));
app.errorHandler(IdempotencyKeyReusedError, async (error) =>
  json(422, errorBody(error.message, [{ path: IDEMPOTENCY_KEY_HEADER, message: 'Use a new key for a different order' }])),
);
/** The CORS header the router's middleware would add, for answers given outside the router. */
function corsHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  if (!allowedOrigins?.length) return { 'Access-Control-Allow-Origin': '*' };
  const origin = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  return origin && allowedOrigins.includes(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}

/** 405 with `Allow` on a known path, else 404. */
function noRoute(event: APIGatewayProxyEvent) {
  const methods = allowedMethods(event.path);
  if (methods) {
    return json(405, errorBody('Method not allowed', [{ path: 'method', message: `Allowed: ${methods.join(', ')}` }]), {
      Allow: methods.join(', '),
      ...corsHeaders(event),
    });
  }
  return json(404, errorBody('Not found', [{ path: 'path', message: `No route ${event.path}` }]), corsHeaders(event));
}

app.notFound(async (_error, ctx) => noRoute(restEvent(ctx)));
// A path whose percent-encoding does not decode (e.g. `/orders/%ZZ`).
app.errorHandler(URIError, async () => json(400, errorBody('Malformed path', [{ path: 'path', message: 'Invalid percent-encoding' }])));
app.errorHandler(Error, async (error) => {
  if (isAwsServiceFault(error)) {
    // A dependency failed after the SDK's own retries: nothing was written that a retry with the
    // same Idempotency-Key would duplicate, so tell the client to retry rather than fail.
    logger.error('A downstream AWS service failed', { error });
    metrics.addMetric('DependencyFailures', MetricUnit.Count, 1);
    return json(503, errorBody('Service temporarily unavailable, please retry'), { 'Retry-After': '1' });
  }
  logger.error('Unhandled error', { error });
  return json(500, errorBody('Internal server error'));
});

/** An AWS SDK error the service answered with a server-side fault or throttling. */
function isAwsServiceFault(error: Error): boolean {
  const sdkError = error as Error & { $fault?: string; $metadata?: unknown; $retryable?: { throttling?: boolean } };
  return sdkError.$metadata !== undefined && (sdkError.$fault === 'server' || sdkError.$retryable?.throttling === true);
}

/** Methods the router understands; others (TRACE, PROPFIND, ...) are answered here. */
const ROUTER_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export const handler = traced(tracer, async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  if (!ROUTER_METHODS.has(event.httpMethod.toUpperCase())) return noRoute(event);
  // The router reads the path as a URL relative to the host, where `//x` would name a host (and
  // `//[` throws): no route starts with `//`, so it is answered here.
  if (event.path.startsWith('//')) return noRoute(event);
  try {
    return await app.resolve(event, context);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
});
