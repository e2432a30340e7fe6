/** What every route reads from its request: the REST event, the signed-in caller, its path. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { callerFromClaims, type Caller } from '../../domain/auth.ts';
import { orderIdSchema, type Order } from '../../domain/order.ts';
import type { OrderRepository } from '../../server/ports.ts';
import { ENV } from '../../server/settings.ts';
import type { StaffConfirmation } from '../../server/staff.ts';
import { ApiError, parseWith } from './http.ts';

/** This API is only behind API Gateway REST (v1 proxy events). */
export const restEvent = (ctx: { event: unknown }) => ctx.event as APIGatewayProxyEvent;

/**
 * The signed-in caller, from the claims API Gateway's Cognito authorizer verified (locally:
 * `local/authorizer.ts`). Never from the request itself. Without them (a route deployed without
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
