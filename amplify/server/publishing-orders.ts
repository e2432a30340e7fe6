/**
 * Live order status (issue 26), published where an order's state changes: the order repository,
 * wrapped like `countingOrders` (counting-orders.ts). The caller that wins a change (`changed`),
 * and every refund or late charge recorded (the order's refund state), publishes the order's
 * status event after the write is stored. A repeat that changed nothing publishes nothing. A new
 * order is not published: its page has the POST's answer and reads once when subscribed, and the
 * lists follow the orders they show, so nobody would receive it (and `POST /orders` would wait for
 * the publish).
 *
 * A publish that fails (AppSync unreachable, throttled, refused) is logged (`Live update not
 * published`, WARN) and counted (`onFailure`: the `LiveUpdatesFailed` metric and its alarm), never
 * thrown: the step or request goes on and the order's change stands. A client that missed the
 * event catches up: it reads the order after connecting, and polls slowly when the socket fails.
 */
import type { Order } from '../domain/order.ts';
import type { OrderRepository, OrderStatusPublisher } from './ports.ts';

export interface PublishingLog {
  warn(message: string, fields: Record<string, unknown>): void;
}

/** `orders` with every state change it stores published to `publisher` (and nothing else changed). */
export function publishingOrders<R extends OrderRepository>(orders: R, publisher: OrderStatusPublisher, log: PublishingLog, onFailure: () => void = () => undefined): R {
  const publish = async (order: Order) => {
    try {
      await publisher.publish(order);
    } catch (error) {
      onFailure();
      log.warn('Live update not published', { orderId: order.orderId, status: order.status, error });
    }
  };
  const wrapped: Partial<OrderRepository> = {
    transition: async (...args) => {
      const result = await orders.transition(...args);
      if (result.changed) await publish(result.order);
      return result;
    },
    retryPayment: async (...args) => {
      const result = await orders.retryPayment(...args);
      if (result.changed) await publish(result.order);
      return result;
    },
    // The refund state (`refundStatus`): a refund recorded, or a late charge now owed back.
    recordRefund: async (...args) => {
      const order = await orders.recordRefund(...args);
      await publish(order);
      return order;
    },
    recordLateCharge: async (...args) => {
      const order = await orders.recordLateCharge(...args);
      await publish(order);
      return order;
    },
  };
  return new Proxy(orders, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in wrapped) return wrapped[property as keyof OrderRepository];
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
