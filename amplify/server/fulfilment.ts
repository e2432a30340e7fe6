/**
 * The simulated external systems of the seed: a payment provider and a carrier. Both are pure so
 * tests can drive them; the randomness comes in through arguments.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface PaymentResult {
  approved: boolean;
  transactionId?: string;
}

/** Approves a charge with probability `successRate` (the seed: 90%). */
export function simulatePayment(successRate: number, roll: number = Math.random()): PaymentResult {
  return roll < successRate ? { approved: true, transactionId: `txn_${randomUUID()}` } : { approved: false };
}

export interface Shipment {
  trackingNumber: string;
  estimatedDeliveryDays: number;
  shipmentDate: string;
  estimatedDeliveryDate: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Books a shipment: a tracking number and 2 to 5 days to deliver. */
export function arrangeShipment(now: Date = new Date(), roll: number = Math.random()): Shipment {
  const estimatedDeliveryDays = 2 + Math.floor(roll * 4);
  return {
    trackingNumber: `TRK${randomBytes(6).toString('hex').toUpperCase()}`,
    estimatedDeliveryDays,
    shipmentDate: now.toISOString(),
    estimatedDeliveryDate: new Date(now.getTime() + estimatedDeliveryDays * DAY_MS).toISOString(),
  };
}
