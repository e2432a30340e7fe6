/**
 * The customer's data rights. `DELETE /me`: the account is marked closed (its tokens, still
 * valid for up to an hour, place no more orders), its orders lose name, e-mail and address (items,
 * amounts, dates and statuses stay for the shop's books), then the account is deleted from the
 * user pool (AdminDeleteUser: the API knows the caller from the ID token only; anonymizing first
 * means a failure half-way is retried by the same, still signed-in, request). 204; repeated, 204.
 * `GET /me/export`: `{ account, orders }`, every order the customer has.
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ROUTES } from '../../../domain/api.ts';
import type { Order } from '../../../domain/order.ts';
import type { Accounts, ClosedAccounts, OrderRepository } from '../../../server/ports.ts';
import { json } from '../http.ts';
import { callerOf, routerPath } from '../request.ts';

export interface MeDeps {
  orders: OrderRepository;
  accounts: Accounts;
  closedAccounts: ClosedAccounts;
  logger: Logger;
}

/** Every order of the customer, newest first (CustomerIndex, page by page). */
async function allOrdersOf(orders: OrderRepository, customerId: string): Promise<Order[]> {
  const all: Order[] = [];
  let position: unknown;
  do {
    const page = await orders.list({ customerId, limit: 100, position });
    all.push(...page.orders);
    position = page.position;
  } while (position !== undefined);
  return all;
}

export function meRoutes({ orders, accounts, closedAccounts, logger }: MeDeps): Router {
  const router = new Router();

  router.delete(routerPath(ROUTES.me), async (ctx) => {
    const caller = callerOf(ctx);
    // Closed first: an order placed from now on is refused, so the list below holds every order.
    const now = new Date();
    await closedAccounts.close(caller.sub, now);
    const mine = await allOrdersOf(orders, caller.sub);
    const at = now.toISOString();
    for (const order of mine) await orders.anonymize(order.orderId, caller.sub, at);
    await accounts.delete(caller.sub);
    logger.info('Account deleted', { sub: caller.sub, ordersAnonymized: mine.length });
    // A web Response: the router turns a proxy result into one, and a 204 may carry no body, not even ''.
    return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  });

  router.get(routerPath(ROUTES.meExport), async (ctx) => {
    const caller = callerOf(ctx);
    const [account, mine] = await Promise.all([accounts.get(caller.sub), allOrdersOf(orders, caller.sub)]);
    const exported = account
      ? { sub: account.sub, email: account.attributes.email, attributes: account.attributes, createdAt: account.createdAt, groups: account.groups, mfa: account.totp ? ['TOTP'] : [] }
      : { sub: caller.sub, email: caller.email };
    return json(200, { account: exported, orders: mine }, { 'Content-Disposition': 'attachment; filename="my-data.json"' });
  });

  return router;
}
