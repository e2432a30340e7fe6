/**
 * `POST /orders/{orderId}/refund`: staff refund an order that has shipped or been delivered (a
 * return). Like a cancel, the request is one conditional transition (to REFUNDED, recording who
 * did it); the money moves in the workflow's compensation step, exactly once, which the order's
 * queue message starts at once (and the recovery job, should that message be lost). The answer is
 * the order with `refundStatus: 'pending'` until the compensation records the refund.
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ROUTES } from '../../../domain/api.ts';
import { InvalidTransitionError } from '../../../domain/errors.ts';
import { refundOrderRequestSchema } from '../../../domain/order.ts';
import type { OrderQueue, OrderRepository } from '../../../server/ports.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { ApiError, json, parseWith, readOptionalJsonBody, statusConflict } from '../http.ts';
import { restEvent, routerPath, visibleOrder } from '../request.ts';

export interface RefundOrderDeps {
  orders: OrderRepository;
  queue: OrderQueue;
  confirmStaff: StaffConfirmation;
  logger: Logger;
}

export function refundOrderRoutes({ orders, queue, confirmStaff, logger }: RefundOrderDeps): Router {
  const router = new Router();
  router.post(routerPath(ROUTES.refundOrder), async (ctx) => {
    const { caller, order } = await visibleOrder(ctx, orders, confirmStaff);
    if (!caller.isStaff) throw new ApiError(403, 'Only staff refund orders', [{ path: 'orderId', message: 'Staff only; a customer can cancel an order before it ships' }]);
    const { reason } = parseWith(refundOrderRequestSchema, readOptionalJsonBody(restEvent(ctx)) ?? {}, 'refund');
    const { orderId } = order;
    try {
      const { order: refunded, changed } = await orders.transition(orderId, 'REFUNDED', reason ? { refundReason: reason } : {}, { type: 'staff', sub: caller.sub });
      if (changed) logger.info('Order refund requested', { orderId, staffSub: caller.sub });
      // Also when the refund was asked for before: a second request is how a caller retries a lost message.
      if (!refunded.refundId) await queue.enqueue(orderId).catch((error: unknown) => logger.error('Refund not enqueued; the recovery job will start it', { orderId, error: error as Error }));
      return json(200, refunded);
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      throw statusConflict(error, 'This order cannot be refunded', 'only a shipped or delivered order is refunded here (cancel one that has not shipped)');
    }
  });
  return router;
}
