/**
 * Every answer that is not a route's own, in one place: typed errors to their status, unknown
 * paths and methods to 404/405, AWS faults to 503, anything else to 500. Always the JSON body
 * `{ error, details }`.
 */
import { ParameterValidationError, type Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { IDEMPOTENCY_KEY_HEADER } from '../../domain/api.ts';
import { AccountClosedError, ForbiddenError, IdempotencyKeyReusedError, OrderRateLimitedError, PriceChangedError, ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { OutOfStockError, StockMovedError } from '../../domain/inventory.ts';
import { StockBelowZeroError } from '../../server/aws/dynamodb-stock-ledger.ts';
import { METRICS } from '../../server/environment.ts';
import { allowedMethods, ApiError, errorBody, json } from './http.ts';
import { restEvent } from './request.ts';

export interface ErrorMappingDeps {
  logger: Logger;
  metrics: Metrics;
  /** The origins CORS is answered for (undefined or empty: any). */
  allowedOrigins?: string[];
}

/** Methods the router understands; others (TRACE, PROPFIND, ...) never reach it. */
const ROUTER_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** An AWS SDK error the service answered with a server-side fault or throttling. */
function isAwsServiceFault(error: Error): boolean {
  const sdkError = error as Error & { $fault?: string; $metadata?: unknown; $retryable?: { throttling?: boolean } };
  return sdkError.$metadata !== undefined && (sdkError.$fault === 'server' || sdkError.$retryable?.throttling === true);
}

export function mapErrors(app: Router, { logger, metrics, allowedOrigins }: ErrorMappingDeps) {
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

  app.errorHandler(ApiError, async (error) => json(error.statusCode, errorBody(error.message, error.details), error.headers));
  app.errorHandler(ValidationError, async (error) => json(400, errorBody(error.message, error.details)));
  // The router refuses empty path parameters itself (e.g. `/orders/%20`).
  app.errorHandler(ParameterValidationError, async () =>
    json(400, errorBody('Invalid order id', [{ path: 'orderId', message: 'Must be an order id (UUID)' }])),
  );
  app.errorHandler(ForbiddenError, async (error) => json(403, errorBody(error.message, error.details)));
  app.errorHandler(PriceChangedError, async (error) => json(409, errorBody(error.message, error.details)));
  app.errorHandler(OutOfStockError, async (error) => json(409, errorBody(error.message, error.details)));
  app.errorHandler(StockMovedError, async (error) =>
    json(
      409,
      errorBody('The stock changed since you read it', [
        { path: 'expected', message: `Expected ${error.expected} available; now ${error.available} available: check the new figure and save again`, available: error.available } as FieldIssue,
      ]),
    ),
  );
  app.errorHandler(StockBelowZeroError, async (error) =>
    json(409, errorBody('Not enough stock for this change', [{ path: 'delta', message: `Only ${error.available} available: the stock cannot go below 0` }])),
  );
  app.errorHandler(AccountClosedError, async (error) =>
    json(403, errorBody(error.message, [{ path: 'Authorization', message: 'The account was deleted; sign up again to order' }])),
  );
  app.errorHandler(OrderRateLimitedError, async (error) =>
    json(
      429,
      errorBody(error.message, [{ path: 'orders', message: `At most ${error.limit} orders a minute per account; try again in ${error.retryAfterSeconds} s` }]),
      { 'Retry-After': String(error.retryAfterSeconds) },
    ),
  );
  app.errorHandler(IdempotencyKeyReusedError, async (error) =>
    json(422, errorBody(error.message, [{ path: IDEMPOTENCY_KEY_HEADER, message: 'Use a new key for a different order' }])),
  );
  app.notFound(async (_error, ctx) => noRoute(restEvent(ctx)));
  // A path whose percent-encoding does not decode (e.g. `/orders/%ZZ`).
  app.errorHandler(URIError, async () => json(400, errorBody('Malformed path', [{ path: 'path', message: 'Invalid percent-encoding' }])));
  app.errorHandler(Error, async (error) => {
    if (isAwsServiceFault(error)) {
      // A dependency failed after the SDK's own retries: nothing was written that a retry with the
      // same Idempotency-Key would duplicate, so tell the client to retry rather than fail.
      logger.error('A downstream AWS service failed', { error });
      metrics.addMetric(METRICS.appServer.dependencyFailures, MetricUnit.Count, 1);
      return json(503, errorBody('Service temporarily unavailable, please retry'), { 'Retry-After': '1' });
    }
    logger.error('Unhandled error', { error });
    return json(500, errorBody('Internal server error'));
  });

  /**
   * The answer for a request the router cannot take, else undefined: a method it does not know,
   * or a path starting with `//` (which the router would read as a host name; `//[` throws).
   */
  return {
    refuseUnroutable: (event: APIGatewayProxyEvent) =>
      !ROUTER_METHODS.has(event.httpMethod.toUpperCase()) || event.path.startsWith('//') ? noRoute(event) : undefined,
  };
}
