/** What every step of process-order works with, handed in by the handler (tests build their own). */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { InvalidTransitionError } from '../../../domain/errors.ts';
import type { EmailKind } from '../../../domain/notification.ts';
import type { Order } from '../../../domain/order.ts';
import { needsCompensation, type OrderStatus } from '../../../domain/order-rules.ts';
import type { PaymentResult, Refund } from '../../../server/simulated-partners.ts';
import type { ScheduledDelivery, ScheduledShipment } from '../delivery-schedule.ts';
import type { OrderRepository, StockLedger } from '../../../server/ports.ts';

export interface StepContext {
  orders: OrderRepository;
  /** Stock per product: the order's reservation, its release and its sale. */
  stock: StockLedger;
  metrics: Pick<Metrics, 'addMetric'>;
  /**
   * Charges the order's total once per payment attempt (`paymentAttempts`), however often it is
   * called (Powertools idempotency): a declined payment tried again is a new charge.
   */
  chargeOnce(request: { orderId: string; amount: number; attempt: number }): Promise<PaymentResult>;
  /**
   * The payment provider's answer to the attempt's charge, if it answered: read from `chargeOnce`'s
   * idempotency record, never charging.
   */
  findCharge(orderId: string, attempt: number): Promise<PaymentResult | undefined>;
  /** Refunds a charge once, however often it is called. */
  refundOnce(request: { orderId: string; transactionId: string; amount: number }): Promise<Refund>;
  /**
   * The order event of `kind` on the notification topic, at least once: a step run again may
   * publish it again, with the same `eventId` (SNS delivers at least once too; subscribers deduplicate).
   */
  publishEvent(kind: EmailKind, order: Order): Promise<unknown>;
  /**
   * The customer's e-mail of `kind` to the order's customer e-mail, sent at most once per order and
   * kind; absent when the deployment has no sender (`MAIL_FROM`).
   */
  sendEmailOnce?: (kind: EmailKind, order: Order) => Promise<unknown>;
  /**
   * Creates the order's one-time delivery schedule, which invokes `functionArn` (process-order's
   * confirm_delivery) at the estimated delivery date; a repeat meets the existing one.
   */
  createDeliverySchedule(order: { orderId: string; estimatedDeliveryDate?: string }, functionArn: string): Promise<ScheduledDelivery>;
  /** How often the simulated carrier accepts a shipment (0 to 1). */
  shipmentSuccessRate: number;
  /** How long the simulated carrier's parcels travel (`ENV.deliveryWaitMs`, local only); unset: its estimated days. */
  deliveryWaitMs?: number;
  /** The cancel window after payment, in seconds (`CANCEL_WINDOW_SECONDS`; 0: ship at once). */
  cancelWindowSeconds: number;
  /**
   * Creates the order's one-time shipment schedule (`ship-<orderId>`), which starts the workflow
   * (`stateMachineArn`) again to arrange the shipment at `cancellableUntil`; a repeat meets the existing one.
   */
  createShipmentSchedule(order: { orderId: string; cancellableUntil: string }, stateMachineArn: string): Promise<ScheduledShipment>;
}

/** An order the cancel (or a failed shipment) reached first: the step leaves it to the compensation. */
export const lostToCompensation = (error: unknown): error is InvalidTransitionError =>
  error instanceof InvalidTransitionError && needsCompensation(error.from as OrderStatus);
