import { describe, expect, it } from 'vitest';
import { moneyLine, REFUND_LABELS } from './refund.ts';

const order = { status: 'CANCELLED' as const, totalAmount: 42.5 };

describe('what the storefront says about the money', () => {
  it('says refunded, with the amount and the day, once the refund is recorded', () => {
    expect(moneyLine({ ...order, transactionId: 't', refundStatus: 'refunded', refundAmount: 42.5, refundDate: '2026-12-07T10:00:00.000Z' })).toBe(
      'Your payment of $42.50 was refunded on December 7, 2026.',
    );
  });

  it('says being refunded while the refund is owed', () => {
    expect(moneyLine({ ...order, status: 'REFUNDED', transactionId: 't', refundStatus: 'pending', refundAmount: 42.5 })).toBe('Your payment of $42.50 is being refunded.');
  });

  it('says "not charged" only when no charge can have been taken', () => {
    expect(moneyLine({ ...order, status: 'PAYMENT_FAILED' })).toBe('You have not been charged.');
    expect(moneyLine({ ...order, compensationSentDate: '2026-12-07T10:00:00.000Z' })).toBe('You have not been charged.');
    // Cancelled while the payment may still be in flight: no promise either way.
    expect(moneyLine(order)).toBe('If a payment was taken, it will be refunded in full.');
  });

  it('says nothing for an order charged and owed nothing', () => {
    expect(moneyLine({ ...order, status: 'DELIVERED', transactionId: 't' })).toBe('');
  });

  it('labels each refund status', () => {
    expect(REFUND_LABELS).toEqual({ pending: 'Refund pending', refunded: 'Refunded' });
  });
});
