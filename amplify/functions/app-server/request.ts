/** What every route reads from its request: the REST event, the signed-in caller, its path. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { callerFromClaims, type Caller } from '../../domain/auth.ts';
import { ApiError } from './http.ts';

/** This API is only behind API Gateway REST (v1 proxy events). */
export const restEvent = (ctx: { event: unknown }) => ctx.event as APIGatewayProxyEvent;

/**
 * The signed-in caller, from the claims API Gateway's Cognito authorizer verified (locally:
 * `local/authorizer.ts`). Never from the request itself. Without them (a route deployed without
 * its authorizer) the answer is 401, not a guess.
 */
export function callerOf(ctx: { event: unknown }): Caller {
  const caller = callerFromClaims(restEvent(ctx).requestContext?.authorizer?.claims as Record<string, unknown> | undefined);
  if (!caller) throw new ApiError(401, 'Unauthorized', [{ path: 'Authorization', message: 'Sign in: a valid ID token is required' }]);
  return caller;
}

/** A route template of `ROUTES` as the router writes it: `/orders/{orderId}` -> `/orders/:orderId`. */
export const routerPath = (template: string) => template.replace(/\{(\w+)\}/g, ':$1') as `/${string}`;
