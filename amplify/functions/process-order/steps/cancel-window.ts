/**
 * The cancel window: a paid order is held until `cancellableUntil`, so the customer can still
 * cancel it; its one-time shipment schedule starts the workflow again at the shipment then. An
 * order whose window has closed (or that has none, or was cancelled meanwhile) goes on at once.
 */
import { inCancelWindow } from '../../../domain/order-rules.ts';
import type { StepContext } from './context.ts';

export async function holdForCancelWindow({ orders, createShipmentSchedule }: StepContext, orderId: string, stateMachineArn: string) {
  const order = await orders.require(orderId);
  if (!inCancelWindow(order)) return { held: false };
  const schedule = await createShipmentSchedule({ orderId, cancellableUntil: order.cancellableUntil! }, stateMachineArn);
  return { held: true, ...schedule };
}
