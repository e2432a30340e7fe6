/** The shipment step and the delivery confirmation. */
import { bookShipment } from '../../../server/simulated-partners.ts';
import { lostToCompensation, type StepContext } from './context.ts';

export async function shipOrder({ orders, shipmentSuccessRate }: StepContext, orderId: string) {
  try {
    const { order } = await orders.transition(orderId, 'SHIPPED', bookShipment(shipmentSuccessRate));
    const { trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate } = order;
    return { outcome: 'shipped' as const, trackingNumber, estimatedDeliveryDays, estimatedDeliveryDate, shipmentDate };
  } catch (error) {
    // Cancelled before it shipped: the booking is not recorded, nothing ships.
    if (lostToCompensation(error)) return { outcome: 'compensate' as const };
    throw error;
  }
}

export async function confirmDelivery({ orders }: StepContext, orderId: string) {
  const { order } = await orders.transition(orderId, 'DELIVERED', { deliveryDate: new Date().toISOString() });
  return { deliveryDate: order.deliveryDate };
}
