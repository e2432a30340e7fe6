/**
 * `POST /orders/{orderId}/payment` `{ paymentMethod }`: the owner (or a guest with the order's
 * token) pays a declined order again. The
 * same order (id, number) goes back to PENDING with the next `paymentAttempts` (at most
 * `MAX_PAYMENT_ATTEMPTS`) and is queued; its new execution charges once for this attempt
 * (`chargeOnce`'s key names the attempt). My orders keeps showing one order.
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ROUTES } from '../../../domain/api.ts';
import { InvalidTransitionError, PaymentAttemptsExhaustedError } from '../../../domain/errors.ts';
import { retryPaymentRequestSchema } from '../../../domain/order.ts';
import { MAX_PAYMENT_ATTEMPTS } from '../../../domain/order-rules.ts';
import type { ClosedAccounts, OrderQueue, OrderRepository } from '../../../server/ports.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { ApiError, json, parseWith, readJsonBody, statusConflict } from '../http.ts';
import { reachableOrder, restEvent, routerPath } from '../request.ts';

export interface OrderPaymentDeps {
  orders: OrderRepository;
  queue: OrderQueue;
  confirmStaff: StaffConfirmation;
  closedAccounts: ClosedAccounts;
  logger: Logger;
}

export function orderPaymentRoutes({ orders, queue, confirmStaff, closedAccounts, logger }: OrderPaymentDeps): Router {
  const router = new Router();
  router.post(routerPath(ROUTES.orderPayment), async (ctx) => {
    const { caller, order, byToken } = await reachableOrder(ctx, orders, confirmStaff);
    const owner = !byToken && caller?.sub === order.customerId;
    if (!owner && !byToken) throw new ApiError(403, 'Only the customer pays an order', [{ path: 'orderId', message: 'Only the customer who placed it pays it again' }]);
    if (owner && (await closedAccounts.isClosed(caller!.sub))) throw new ApiError(403, 'This account has been deleted', [{ path: 'Authorization', message: 'The account was deleted' }]);
    const { paymentMethod } = parseWith(retryPaymentRequestSchema, readJsonBody(restEvent(ctx)), 'payment');
    const { orderId } = order;
    try {
      const { order: retried, changed } = await orders.retryPayment(orderId, paymentMethod, owner ? { type: 'customer', sub: caller!.sub } : { type: 'customer' });
      if (changed) {
        logger.info('Payment tried again', { orderId, attempt: retried.paymentAttempts });
        // A lost message is the recovery job's: it enqueues a PENDING order again.
        await queue.enqueue(orderId).catch((error: unknown) => logger.error('Payment retry not enqueued; the recovery job will enqueue it', { orderId, error: error as Error }));
      }
      return json(200, retried);
    } catch (error) {
      if (error instanceof PaymentAttemptsExhaustedError) {
        throw new ApiError(409, 'This order cannot be paid again', [
          { path: 'paymentAttempts', message: `The payment was tried ${error.attempts} times, the most an order allows (${MAX_PAYMENT_ATTEMPTS}); place a new order` },
        ]);
      }
      if (!(error instanceof InvalidTransitionError)) throw error;
      throw statusConflict(error, 'This order cannot be paid again', 'only an order whose payment was declined is paid again');
    }
  });
  return router;
}
