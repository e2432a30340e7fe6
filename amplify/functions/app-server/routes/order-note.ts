/**
 * `GET|POST /orders/{orderId}/note`: staff's internal note on an order (who wrote it, when).
 * Staff only; the note is never part of the order a customer reads (the repository keeps it apart).
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ROUTES } from '../../../domain/api.ts';
import type { OrderRepository } from '../../../server/ports.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { ApiError, json, parseWith, readJsonBody, staffNoteSchema } from '../http.ts';
import { restEvent, routerPath, visibleOrder } from '../request.ts';

export interface OrderNoteDeps {
  orders: OrderRepository;
  /** Staff powers confirmed in the user pool, not only claimed by the token. */
  confirmStaff: StaffConfirmation;
  logger: Logger;
}

export function orderNoteRoutes({ orders, confirmStaff, logger }: OrderNoteDeps): Router {
  const router = new Router();
  /** The order as staff see it (a customer gets 403, even on their own order). */
  const staffOrder = async (ctx: Parameters<typeof visibleOrder>[0]) => {
    const { caller, order } = await visibleOrder(ctx, orders, confirmStaff);
    if (!caller.isStaff) throw new ApiError(403, 'Internal notes are for staff only', [{ path: 'note', message: 'Staff only' }]);
    return { caller, order };
  };

  router.get(routerPath(ROUTES.orderNote), async (ctx) => {
    const { order } = await staffOrder(ctx);
    return json(200, (await orders.staffNote(order.orderId)) ?? { text: '' });
  });

  router.post(routerPath(ROUTES.orderNote), async (ctx) => {
    const { caller, order } = await staffOrder(ctx);
    const { note } = parseWith(staffNoteSchema, readJsonBody(restEvent(ctx)), 'note');
    const saved = await orders.saveStaffNote(order.orderId, { text: note, updatedAt: new Date().toISOString(), updatedBy: caller.email });
    // Who changed which order's note (not the note itself: it may hold a customer's details).
    logger.info('Staff note saved', { staffSub: caller.sub, orderId: order.orderId });
    return json(200, saved);
  });
  return router;
}
