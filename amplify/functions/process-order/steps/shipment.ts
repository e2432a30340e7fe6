/** The shipment step and the delivery confirmation (which the order's delivery schedule invokes). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { hasReached, needsCompensation } from '../../../domain/order-rules.ts';
import { bookShipment } from '../../../server/simulated-partners.ts';
import { METRICS } from '../../../server/environment.ts';
import { lostToCompensation, type StepContext } from './context.ts';
import { notifyCustomer } from './notification.ts';
import { sellStock } from './stock.ts';

export async function shipOrder(context: StepContext, orderId: string) {
  const { orders, shipmentSuccessRate, deliveryWaitMs } = context;
  // A repeated step (a duplicated execution, a recovery restart) books nothing again.
  const current = await orders.require(orderId);
  if (hasReached(current.status, 'SHIPPED')) {
    await sellStock(context, current); // a repeat after the sale was cut short
    const { trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate } = current;
    return { outcome: 'shipped' as const, trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate };
  }
  if (needsCompensation(current.status)) return { outcome: 'compensate' as const };
  try {
    const { order } = await orders.transition(orderId, 'SHIPPED', bookShipment(shipmentSuccessRate, new Date(), Math.random(), deliveryWaitMs));
    // Shipped: the reserved units are sold.
    await sellStock(context, order);
    const { trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate } = order;
    return { outcome: 'shipped' as const, trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate };
  } catch (error) {
    // Cancelled before it shipped: the booking is not recorded, nothing ships.
    if (lostToCompensation(error)) return { outcome: 'compensate' as const };
    throw error;
  }
}

/**
 * Invoked by the order's delivery schedule: SHIPPED -> DELIVERED, once (a repeat returns the same;
 * an order refunded meanwhile stays refunded),
 * then the delivered e-mail (once). A failed e-mail fails the invocation: Lambda's asynchronous
 * retries repeat it, the transition then being a no-op.
 */
export async function confirmDelivery(context: StepContext, orderId: string) {
  try {
    const { order, changed } = await context.orders.transition(orderId, 'DELIVERED', { deliveryDate: new Date().toISOString() });
    if (changed) context.metrics.addMetric(METRICS.processOrder.ordersDelivered, MetricUnit.Count, 1);
    await notifyCustomer(context, orderId);
    return { deliveryDate: order.deliveryDate };
  } catch (error) {
    // Refunded while in transit: the return stands, and its compensation runs in the workflow.
    if (lostToCompensation(error)) return { status: error.from };
    throw error;
  }
}
