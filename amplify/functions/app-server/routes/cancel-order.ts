/**
 * `POST /orders/{orderId}/cancel`: the owner (or staff, or a guest with the order's token) cancels an order that has not shipped.
 * The conditional transition to CANCELLED is the request. A workflow still running sees the
 * cancellation at its next step and runs the compensation (refund of a charge already taken, the
 * e-mail). A paid order may be held for its cancel window with no workflow running: an order
 * cancelled with its charge recorded is queued, so its refund runs at once (an execution running
 * beside it refunds nothing twice). One cancelled before its charge was recorded is not: the
 * charge may still be on its way, which only its own execution's payment step can record before
 * compensating.
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { ROUTES } from '../../../domain/api.ts';
import { InvalidTransitionError } from '../../../domain/errors.ts';
import type { Actor } from '../../../domain/order-rules.ts';
import type { OrderQueue, OrderRepository } from '../../../server/ports.ts';
import { METRICS } from '../../../server/environment.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { json, statusConflict } from '../http.ts';
import { reachableOrder, routerPath } from '../request.ts';

export interface CancelOrderDeps {
  orders: OrderRepository;
  queue: OrderQueue;
  confirmStaff: StaffConfirmation;
  logger: Logger;
  metrics: Metrics;
}

export function cancelOrderRoutes({ orders, queue, confirmStaff, logger, metrics }: CancelOrderDeps): Router {
  const router = new Router();
  router.post(routerPath(ROUTES.cancelOrder), async (ctx) => {
    const { caller, order, byToken } = await reachableOrder(ctx, orders, confirmStaff);
    const { orderId } = order;
    // Staff cancelling another's order act as staff, and the order records who they are; a guest's link names no one.
    const actor: Actor =
      caller && !byToken ? { type: caller.isStaff && order.customerId !== caller.sub ? 'staff' : 'customer', sub: caller.sub } : { type: 'customer' };
    try {
      const { order: cancelled, changed } = await orders.transition(orderId, 'CANCELLED', { cancelledDate: new Date().toISOString() }, actor);
      if (changed) {
        logger.info('Order cancelled', { orderId, by: actor.type, actorSub: actor.sub });
        metrics.addMetric(METRICS.appServer.ordersCancelled, MetricUnit.Count, 1);
        if (cancelled.transactionId) {
          await queue.enqueue(orderId).catch((error: unknown) => logger.error('Cancellation not enqueued; the recovery job will compensate it', { orderId, error: error as Error }));
        }
      }
      return json(200, cancelled);
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      throw statusConflict(error, 'This order can no longer be cancelled', 'only an order that has not shipped can be cancelled');
    }
  });
  return router;
}
