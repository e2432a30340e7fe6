/**
 * The simulated external systems of the original design (docs/original-design.md): a payment provider and a carrier. Both are pure so
 * tests can drive them; the randomness comes in through arguments.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { addDays, deliveryDays } from '../domain/shipping.ts';

export interface PaymentResult {
  approved: boolean;
  transactionId?: string;
}

/** Approves a charge with probability `successRate` (the original design: 90%). */
export function simulatePayment(successRate: number, roll: number = Math.random()): PaymentResult {
  return roll < successRate ? { approved: true, transactionId: `txn_${randomUUID()}` } : { approved: false };
}

export interface Shipment {
  trackingNumber: string;
  estimatedDeliveryDays: number;
  shipmentDate: string;
  estimatedDeliveryDate: string;
}

/**
 * Books a shipment: a tracking number and `DELIVERY_RULE` days to deliver (2 to 5, the storefront
 * shows the same window). With `deliveryWaitMs` (the local stack's compressed clock,
 * `ENV.deliveryWaitMs`) the parcel arrives that long after `now` instead: the estimated date is
 * the one fact every due date and schedule of the delivery follows.
 */
export function arrangeShipment(now: Date = new Date(), roll: number = Math.random(), deliveryWaitMs?: number): Shipment {
  const estimatedDeliveryDays = deliveryDays(roll);
  const arrival = deliveryWaitMs === undefined ? addDays(now, estimatedDeliveryDays) : new Date(now.getTime() + deliveryWaitMs);
  return {
    trackingNumber: `TRK${randomBytes(6).toString('hex').toUpperCase()}`,
    estimatedDeliveryDays,
    shipmentDate: now.toISOString(),
    estimatedDeliveryDate: arrival.toISOString(),
  };
}

/** The simulated carrier could not book the shipment (`SHIPMENT_SUCCESS_RATE`); the workflow retries it. */
export class CarrierUnavailableError extends Error {
  override readonly name = 'CarrierUnavailableError';
}

/** Books a shipment with probability `successRate` (default 1), else the carrier is unavailable. */
export function bookShipment(successRate: number, now: Date = new Date(), roll: number = Math.random(), deliveryWaitMs?: number): Shipment {
  if (!(roll < successRate)) throw new CarrierUnavailableError('The carrier could not book the shipment');
  return arrangeShipment(now, Math.random(), deliveryWaitMs);
}

export interface Refund {
  refundId: string;
  refundDate: string;
}

/** One call the payment provider received (its ledger, which tests and the bench count). */
export interface ProviderCall {
  kind: 'charge' | 'refund';
  orderId: string;
  at: string;
}

/**
 * The simulated payment provider: charges with the original design's approval rate and refunds a charge.
 * A refund's id is derived from the charge it refunds, so refunding the same charge twice returns
 * the same refund (as a real provider's idempotency key would). It keeps a ledger of the calls it
 * received in this process.
 */
export class SimulatedPaymentProvider {
  readonly calls: ProviderCall[] = [];
  /** The approval rate of the charges to come (0 to 1): a test can change it on a running stack. */
  successRate: number;

  constructor(private readonly options: { successRate: number; delayMs?: number; random?: () => number }) {
    this.successRate = options.successRate;
  }

  async charge(request: { orderId: string; amount: number }): Promise<PaymentResult> {
    this.calls.push({ kind: 'charge', orderId: request.orderId, at: new Date().toISOString() });
    // Stryker disable next-line ConditionalExpression: equivalent: sleeping for no delay only yields a timer tick
    if (this.options.delayMs) await sleep(this.options.delayMs);
    return simulatePayment(this.successRate, (this.options.random ?? Math.random)());
  }

  async refund(request: { orderId: string; transactionId: string; amount: number }): Promise<Refund> {
    this.calls.push({ kind: 'refund', orderId: request.orderId, at: new Date().toISOString() });
    // Stryker disable next-line ConditionalExpression: equivalent: sleeping for no delay only yields a timer tick
    if (this.options.delayMs) await sleep(this.options.delayMs);
    const digest = createHash('sha256').update(request.transactionId).digest('hex').slice(0, 24);
    return { refundId: `rfnd_${digest}`, refundDate: new Date().toISOString() };
  }

  /** How many calls of a kind an order got. */
  count(orderId: string, kind: ProviderCall['kind']): number {
    return this.calls.filter((c) => c.orderId === orderId && c.kind === kind).length;
  }
}
