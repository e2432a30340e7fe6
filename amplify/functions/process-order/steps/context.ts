/** What every step of process-order works with, handed in by the handler (tests build their own). */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { InvalidTransitionError } from '../../../domain/errors.ts';
import type { Order } from '../../../domain/order.ts';
import { needsCompensation, type OrderStatus } from '../../../domain/order-rules.ts';
import type { PaymentResult, Refund } from '../../../server/simulated-partners.ts';
import type { OrderRepository } from '../../../server/ports.ts';

export interface StepContext {
  orders: OrderRepository;
  metrics: Pick<Metrics, 'addMetric'>;
  /** Charges the order's total once, however often it is called (Powertools idempotency). */
  chargeOnce(request: { orderId: string; amount: number }): Promise<PaymentResult>;
  /** Refunds a charge once, however often it is called. */
  refundOnce(request: { orderId: string; transactionId: string; amount: number }): Promise<Refund>;
  /** The order confirmation, published at most once per order. */
  sendConfirmation(order: Order): Promise<unknown>;
  /** The cancellation or "could not be shipped and was refunded" e-mail, at most once per order. */
  sendCompensation(order: Order): Promise<unknown>;
  /** How often the simulated carrier accepts a shipment (0 to 1). */
  shipmentSuccessRate: number;
}

/** An order the cancel (or a failed shipment) reached first: the step leaves it to the compensation. */
export const lostToCompensation = (error: unknown): error is InvalidTransitionError =>
  error instanceof InvalidTransitionError && needsCompensation(error.from as OrderStatus);
