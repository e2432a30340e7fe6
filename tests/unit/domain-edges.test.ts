/**
 * Pure domain rules the pure tests did not reach (`MUTATE_TESTS=pure`), each pinned by what a
 * customer or the API would see: which e-mails an order's state calls for and what the out-of-stock,
 * cancelled and refund e-mails say, the order page's link, who may call a route, the password rules,
 * the cancel window and payment retries, and the typed errors' names (what Step Functions matches).
 */
import { describe, expect, it } from 'vitest';
import { methodAccess } from '../../amplify/domain/api.ts';
import { passwordProblems } from '../../amplify/domain/auth.ts';
import {
  AccountClosedError,
  ChargeOnSupersededAttemptError,
  OrderRateLimitedError,
  PaymentAttemptsExhaustedError,
  SupersededAttemptError,
} from '../../amplify/domain/errors.ts';
import { cancelledByStore, statusLabelOf } from '../../amplify/domain/labels.ts';
import { emailsDue, orderPageUrl, renderEmail, subjectLine } from '../../amplify/domain/notification.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { cancelWindowEnd, canRetryPayment, inCancelWindow, isGuestOrder, PAYMENT_DECLINED_REASON, paymentAttemptOf } from '../../amplify/domain/order-rules.ts';
import { storedOrder } from '../fixtures.ts';

const at = '2026-12-01T10:00:00.000Z';
const byStaff = { type: 'staff', sub: 's', email: 'staff@example.com' } as const;
const byCustomer = { type: 'customer' } as const;
const history = (...changes: [Order['status'], { type: string }][]) => changes.map(([status, actor]) => ({ status, at, actor })) as unknown as Order['history'];

describe('which e-mails an order\u2019s state calls for', () => {
  it('a declined payment only when the payment was declined (not for another failure)', () => {
    expect(emailsDue(storedOrder(at, { status: 'PAYMENT_FAILED', failureReason: PAYMENT_DECLINED_REASON }))).toEqual(['payment-declined']);
    expect(emailsDue(storedOrder(at, { status: 'PAYMENT_FAILED', failureReason: 'PaymentAttemptsExhaustedError' }))).toEqual([]);
    expect(emailsDue(storedOrder(at, { status: 'PENDING', failureReason: PAYMENT_DECLINED_REASON }))).toEqual([]);
  });

  it('out of stock: its own e-mail, and nothing else', () => {
    expect(emailsDue(storedOrder(at, { status: 'OUT_OF_STOCK' }))).toEqual(['out-of-stock']);
    expect(emailsDue(storedOrder(at, { status: 'CANCELLED' }))).toEqual(['order-cancelled']);
  });
});

describe('what the e-mails say', () => {
  const url = 'https://shop.example';

  it('out of stock: each short line with what is left, nothing charged', () => {
    const order = storedOrder(at, {
      status: 'OUT_OF_STOCK',
      shortItems: [
        { productId: 'p1', name: 'Mug', quantity: 3, available: 0 },
        { productId: 'p2', name: 'Lamp', quantity: 2, available: 1 },
        { productId: 'p3', name: 'Pen', quantity: 9, available: 4 },
      ],
    } as Partial<Order>);
    const { subject, text } = renderEmail('out-of-stock', order, url);
    expect(subject).toBe(`Out of Stock - ${order.orderNumber}`);
    expect(text).toContain('we no longer had enough of\n- Mug: you asked for 3, none is left\n- Lamp: you asked for 2, only 1 is left\n- Pen: you asked for 9, only 4 are left\nThe order is closed and you have not been charged.');
    const none = renderEmail('out-of-stock', storedOrder(at, { status: 'OUT_OF_STOCK' }), url).text;
    expect(none).toContain('we no longer had enough of\n\nThe order is closed');
  });

  it('a cancellation says who cancelled it and whether the payment is refunded', () => {
    const byStore = storedOrder(at, { status: 'CANCELLED', history: history(['PENDING', byCustomer], ['CANCELLED', byStaff]) });
    expect(renderEmail('order-cancelled', byStore, url).text).toContain(`has been cancelled by the store. Nothing will be shipped.\nYou have not been charged.`);
    const paid = storedOrder(at, { status: 'CANCELLED', transactionId: 'tx-1', history: history(['CANCELLED', byCustomer]) });
    expect(renderEmail('order-cancelled', paid, url).text).toContain('has been cancelled. Nothing will be shipped.\nYour payment is refunded: a separate e-mail confirms the refund.');
  });

  it('a refund names why: cancelled, returned, or a shipment that failed', () => {
    const refund = { refundId: 'rf-1', refundDate: '2026-12-02T10:00:00.000Z', totalAmount: 12.5 };
    const n = (order: Order) => order.orderNumber!;
    const cancelled = storedOrder(at, { status: 'CANCELLED', ...refund });
    expect(renderEmail('order-refunded', cancelled, url).text).toContain(`Your cancelled order ${n(cancelled)} was refunded: $12.50 (refund rf-1, December 2, 2026).`);
    const returned = storedOrder(at, { status: 'REFUNDED', ...refund, refundReason: 'Damaged' });
    expect(renderEmail('order-refunded', returned, url).text).toContain(`Your order ${n(returned)} was refunded: $12.50 (refund rf-1, December 2, 2026).\nReason: Damaged\n`);
    const failed = storedOrder(at, { status: 'SHIPMENT_FAILED', refundId: 'rf-2', totalAmount: 12.5 });
    expect(renderEmail('order-refunded', failed, url).text).toContain(`Your order ${n(failed)} could not be shipped, and was refunded: $12.50 (refund rf-2).`);
  });

  it('delivered: the date and the tracking number when known', () => {
    const order = storedOrder(at, { status: 'DELIVERED', deliveryDate: '2026-12-04T10:00:00.000Z', trackingNumber: 'TRK-7' });
    expect(renderEmail('order-delivered', order, url).text).toContain(`was delivered on December 4, 2026 (tracking number TRK-7).\nWe hope you enjoy it.`);
    expect(renderEmail('order-delivered', storedOrder(at, { status: 'DELIVERED' }), url).text).toContain('was delivered.\nWe hope you enjoy it.');
  });

  it('the shipped confirmation: each line, the subtotal and shipping when the order has them, the delivery estimate', () => {
    const order = storedOrder(at, { status: 'SHIPPED', subtotalAmount: 10, shippingAmount: 0, totalAmount: 10, trackingNumber: 'TRK-1', estimatedDeliveryDays: 1 });
    const { text } = renderEmail('order-shipped', order, url);
    expect(text).toContain('Items:\n- Wireless Headphones x1 - $10.00\n\nSubtotal: $10.00\nShipping: Free\nTotal Amount: $10.00\n');
    expect(text).toContain('Tracking Number: TRK-1\nEstimated Delivery: 1 business day');
    const bare = renderEmail('order-shipped', storedOrder(at, { status: 'PAYMENT_PROCESSED' }), url).text;
    expect(bare).toContain('Items:\n- Wireless Headphones x1 - $10.00\n\nTotal Amount: $10.00\n');
    expect(bare).toContain('Tracking Number: sent once your order ships\nEstimated Delivery: once your order ships');
  });

  it('the order page\u2019s link: trailing slashes dropped, a guest\u2019s token after the #', () => {
    expect(orderPageUrl('https://shop.example//', 'o 1')).toBe('https://shop.example/#/orders/o%201');
    expect(orderPageUrl('https://shop.example', 'o1', 'a+b/c')).toBe('https://shop.example/#/orders/o1?token=a%2Bb%2Fc');
    expect(orderPageUrl('https://shop.example', 'o1', '')).toBe('https://shop.example/#/orders/o1?token=');
  });

  it('a subject is one line of at most 200 characters', () => {
    expect(subjectLine('Order\r\n\u2028Bcc: x\u0085y')).toBe('Order Bcc: x y');
    expect(subjectLine('x'.repeat(250))).toHaveLength(200);
  });
});

describe('how a status reads', () => {
  it('"Cancelled by the store" only when the last cancellation was staff\u2019s', () => {
    const staffCancelled = { status: 'CANCELLED' as const, history: history(['PENDING', byCustomer], ['CANCELLED', byStaff]) };
    expect(cancelledByStore(staffCancelled)).toBe(true);
    expect(statusLabelOf(staffCancelled)).toBe('Cancelled by the store');
    expect(statusLabelOf({ status: 'CANCELLED', history: history(['CANCELLED', byCustomer]) })).toBe('Cancelled');
    expect(cancelledByStore({ status: 'CANCELLED', history: undefined })).toBe(false);
    expect(cancelledByStore({ status: 'PENDING', history: history(['CANCELLED', byStaff]) })).toBe(false);
    expect(statusLabelOf({ status: 'SHIPPED', history: history(['CANCELLED', byStaff]) })).toBe('Shipped');
  });
});

describe('who may call a route', () => {
  it('guests may place an order and read it, in any case of the method; nothing else', () => {
    expect(methodAccess('orders', 'POST')).toBe('signedInOrGuest');
    expect(methodAccess('orders', 'post')).toBe('signedInOrGuest');
    expect(methodAccess('order', 'GET')).toBe('signedInOrGuest');
    expect(methodAccess('orders', 'GET')).toBe('signedIn');
    expect(methodAccess('refundOrder', 'POST')).toBe('signedIn');
    expect(methodAccess('products', 'GET')).toBe('public');
    expect(methodAccess('health', 'GET')).toBe('public');
  });
});

describe('passwords', () => {
  it('every rule, in Cognito\u2019s words; a space counts as a symbol only inside', () => {
    expect(passwordProblems('Abcdef1!')).toEqual([]);
    expect(passwordProblems('Abcde1!')).toEqual(['Password not long enough']);
    expect(passwordProblems('\u{1F600}'.repeat(6) + 'a')).toContain('Password not long enough'); // 7 characters, 13 UTF-16 units
    expect(passwordProblems('ABCDEF1!')).toEqual(['Password must have lowercase characters']);
    expect(passwordProblems('abcdef1!')).toEqual(['Password must have uppercase characters']);
    expect(passwordProblems('Abcdefg!')).toEqual(['Password must have numeric characters']);
    expect(passwordProblems('Abcdefg1')).toEqual(['Password must have symbol characters']);
    expect(passwordProblems('Abc def1')).toEqual([]);
    expect(passwordProblems(' Abcdef1 ')).toEqual(['Password must have symbol characters']);
    expect(passwordProblems('')).toEqual([
      'Password not long enough',
      'Password must have lowercase characters',
      'Password must have uppercase characters',
      'Password must have numeric characters',
      'Password must have symbol characters',
    ]);
  });
});

describe('the cancel window and payment retries', () => {
  it('the window ends so many seconds after the payment; none when it is 0', () => {
    expect(cancelWindowEnd('2026-12-01T10:00:00.000Z', 3600)).toBe('2026-12-01T11:00:00.000Z');
    expect(cancelWindowEnd('2026-12-01T10:00:00.000Z', 1)).toBe('2026-12-01T10:00:01.000Z');
    expect(cancelWindowEnd('2026-12-01T10:00:00.000Z', 0)).toBeUndefined();
  });

  it('a paid order is held until the window\u2019s end, not at it', () => {
    const now = new Date('2026-12-01T10:30:00.000Z');
    expect(inCancelWindow({ status: 'PAYMENT_PROCESSED', cancellableUntil: '2026-12-01T10:30:00.001Z' }, now)).toBe(true);
    expect(inCancelWindow({ status: 'PAYMENT_PROCESSED', cancellableUntil: '2026-12-01T10:30:00.000Z' }, now)).toBe(false);
    expect(inCancelWindow({ status: 'PAYMENT_PROCESSED' }, now)).toBe(false);
    expect(inCancelWindow({ status: 'SHIPPED', cancellableUntil: '2026-12-01T11:00:00.000Z' }, now)).toBe(false);
    expect(inCancelWindow({ status: 'PAYMENT_PROCESSED', cancellableUntil: '2999-01-01T00:00:00.000Z' })).toBe(true);
  });

  it('a declined order may be paid again while it has attempts left (3 in all)', () => {
    expect(paymentAttemptOf({})).toBe(1);
    expect(paymentAttemptOf({ paymentAttempts: 2 })).toBe(2);
    expect(canRetryPayment({ status: 'PAYMENT_FAILED' })).toBe(true);
    expect(canRetryPayment({ status: 'PAYMENT_FAILED', paymentAttempts: 2 })).toBe(true);
    expect(canRetryPayment({ status: 'PAYMENT_FAILED', paymentAttempts: 3 })).toBe(false);
    expect(canRetryPayment({ status: 'PENDING', paymentAttempts: 1 })).toBe(false);
  });

  it('a guest order is one whose customer id starts with guest-', () => {
    expect(isGuestOrder({ customerId: 'guest-ab12' })).toBe(true);
    expect(isGuestOrder({ customerId: 'ab12-guest-' })).toBe(false);
  });
});

describe('typed errors (Step Functions matches their names)', () => {
  it('each names itself and says what happened', () => {
    expect(new SupersededAttemptError('o1', 1, 2)).toMatchObject({ name: 'SupersededAttemptError', message: 'Order o1 is on payment attempt 2, not 1', orderId: 'o1', attempt: 1, current: 2 });
    expect(new ChargeOnSupersededAttemptError('o1', 1, 'tx-9')).toMatchObject({ name: 'ChargeOnSupersededAttemptError' });
    expect(new ChargeOnSupersededAttemptError('o1', 1, 'tx-9').message).toMatch(/^Order o1: payment attempt 1 was charged \(tx-9\) after the order m/);
    expect(new PaymentAttemptsExhaustedError('o1', 3)).toMatchObject({ name: 'PaymentAttemptsExhaustedError', message: 'Order o1 has used its 3 payment attempts', attempts: 3 });
    expect(new AccountClosedError()).toMatchObject({ name: 'AccountClosedError', message: 'This account has been deleted' });
    expect(new OrderRateLimitedError(20, 7)).toMatchObject({ name: 'OrderRateLimitedError', message: 'Too many orders', limit: 20, retryAfterSeconds: 7 });
  });
});
