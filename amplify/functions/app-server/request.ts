/** What every route reads from its request: the REST event, the caller (signed in or a guest with an order's token), its path. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ORDER_TOKEN } from '../../domain/api.ts';
import { AUTH_TOKEN, callerFromClaims, UNAUTHORIZED_BODY, type Caller } from '../../domain/auth.ts';
import { orderIdSchema, type Order } from '../../domain/order.ts';
import { idTokenVerifier, JwksUnavailableError, restClaims } from '../../server/id-token.ts';
import { orderTokenMatches } from '../../server/order-token.ts';
import type { OrderRepository } from '../../server/ports.ts';
import { ENV, requireEnv } from '../../server/environment.ts';
import type { StaffConfirmation } from '../../server/staff.ts';
import { ApiError, header, parseWith } from './http.ts';

/** This API is only behind API Gateway REST (v1 proxy events). */
export const restEvent = (ctx: { event: unknown }) => ctx.event as APIGatewayProxyEvent;

/**
 * The signed-in caller, from the claims API Gateway's Cognito authorizer verified (locally:
 * `local/api-gateway/authorizer.ts`). Never from the request itself. Without them (a route deployed without
 * its authorizer) the answer is 401, not a guess. The authorizer trusts every app client of the
 * pool; where `ENV.userPoolClientId` names the storefront's (the cloud and the local stack set it),
 * a token issued to another client is refused too.
 */
export function callerOf(ctx: { event: unknown }): Caller {
  const claims = restEvent(ctx).requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const appClient = process.env[ENV.userPoolClientId];
  const caller = appClient && claims?.aud !== appClient ? undefined : callerFromClaims(claims);
  if (!caller) throw new ApiError(401, 'Unauthorized', [{ path: 'Authorization', message: 'Sign in: a valid ID token is required' }]);
  return caller;
}

const unauthorized = () => new ApiError(401, UNAUTHORIZED_BODY.error, [...UNAUTHORIZED_BODY.details]);

let verifyIdToken: ReturnType<typeof idTokenVerifier> | undefined;

/**
 * The caller on a route a guest may call too (`GUEST_METHODS`): API Gateway runs no authorizer
 * there, so an ID token sent in `Authorization` is verified here, by the authorizer's rules
 * (`amplify/server/id-token.ts`); a token that fails is a 401, never a guest. No token: a guest
 * (undefined).
 */
export async function optionalCaller(ctx: { event: unknown }, confirmStaff: StaffConfirmation): Promise<Caller | undefined> {
  const event = restEvent(ctx);
  if (event.requestContext?.authorizer?.claims) return signedInCaller(ctx, confirmStaff);
  const token = header(event, AUTH_TOKEN.header);
  // No header: a guest. An empty one is a token that fails, as the authorizer has it.
  if (token === undefined) return undefined;
  verifyIdToken ??= idTokenVerifier({ issuer: requireEnv(ENV.idTokenIssuer), clientId: requireEnv(ENV.userPoolClientId) });
  let claims: Record<string, string>;
  try {
    claims = restClaims(await verifyIdToken(token.trim()));
  } catch (error) {
    // The pool's keys out of reach says nothing about the token: try again, not "sign in".
    if (error instanceof JwksUnavailableError) throw new ApiError(503, 'Service temporarily unavailable, please retry', [], { 'Retry-After': '1' });
    throw unauthorized();
  }
  const verified = { ...ctx, event: { ...event, requestContext: { ...event.requestContext, authorizer: { claims } } } };
  return signedInCaller(verified, confirmStaff);
}

/**
 * The caller, with staff powers only when the user pool confirms them now (still in `ADMINS`,
 * enabled, TOTP where required): the token's group claim alone is as old as the token.
 */
export async function signedInCaller(ctx: { event: unknown }, confirmStaff: StaffConfirmation): Promise<Caller> {
  const caller = callerOf(ctx);
  return caller.isStaff ? { ...caller, isStaff: await confirmStaff(caller.sub) } : caller;
}

/** A route template of `ROUTES` as the router writes it: `/orders/{orderId}` -> `/orders/:orderId`. */
export const routerPath = (template: string) => template.replace(/\{(\w+)\}/g, ':$1') as `/${string}`;

/** A guest order's token, from `X-Order-Token` or the `token` query parameter; 400 when it cannot be one. */
function orderTokenOf(event: APIGatewayProxyEvent): string | undefined {
  const fromHeader = header(event, ORDER_TOKEN.header);
  const token = fromHeader ?? event.queryStringParameters?.[ORDER_TOKEN.query] ?? undefined;
  if (token !== undefined && !ORDER_TOKEN.pattern.test(token)) {
    const path = fromHeader !== undefined ? ORDER_TOKEN.header : ORDER_TOKEN.query;
    throw new ApiError(400, 'Invalid order token', [{ path, message: "Must be the token of the order's link" }]);
  }
  return token;
}

/**
 * The order named by the path on a route a guest may call too: for its owner or staff signed in,
 * or for anyone holding the order's token (a guest's link). No token and no sign-in: 401. Anyone
 * else gets the answer a missing order gets (404), revealing nothing. `caller` is absent for a
 * guest; `byToken` says the token was what let them in.
 */
export async function reachableOrder(
  ctx: { event: unknown; params: Record<string, string | undefined> },
  orders: Pick<OrderRepository, 'getWithTokenHash'>,
  confirmStaff: StaffConfirmation,
): Promise<{ caller?: Caller; order: Order; byToken: boolean }> {
  const event = restEvent(ctx);
  const token = orderTokenOf(event);
  const caller = await optionalCaller(ctx, confirmStaff);
  if (!caller && token === undefined) throw unauthorized();
  const orderId = parseWith(orderIdSchema, ctx.params.orderId, 'order id', ['orderId']);
  const found = await orders.getWithTokenHash(orderId);
  if (found && caller && (found.order.customerId === caller.sub || caller.isStaff)) return { caller, order: found.order, byToken: false };
  if (found && token !== undefined && orderTokenMatches(token, found.orderTokenHash)) return { caller, order: found.order, byToken: true };
  throw new ApiError(404, 'Order not found', [{ path: 'orderId', message: `No order ${orderId}` }]);
}

/**
 * The order named by the path (`{orderId}`), if the caller may see it: its owner or staff. Anyone
 * else gets the answer a missing order gets (404), revealing nothing.
 */
export async function visibleOrder(
  ctx: { event: unknown; params: Record<string, string | undefined> },
  orders: Pick<OrderRepository, 'get'>,
  confirmStaff: StaffConfirmation,
): Promise<{ caller: Caller; order: Order }> {
  const caller = await signedInCaller(ctx, confirmStaff);
  const orderId = parseWith(orderIdSchema, ctx.params.orderId, 'order id', ['orderId']);
  const order = await orders.get(orderId);
  if (!order || (order.customerId !== caller.sub && !caller.isStaff)) {
    throw new ApiError(404, 'Order not found', [{ path: 'orderId', message: `No order ${orderId}` }]);
  }
  return { caller, order };
}
