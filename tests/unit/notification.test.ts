/**
 * The customer's e-mails: which kinds an order calls for, and every kind rendered in full (text and
 * HTML, in `__snapshots__`: a change of wording shows up in review). The shipped e-mail keeps the
 * seed's confirmation (section 8) word for word; user text is escaped in the HTML part, which loads
 * nothing remote; every e-mail links to the order page.
 */
import { describe, expect, it } from 'vitest';
import { EMAIL_KINDS, emailsDue, renderEmail, subjectLine } from '../../amplify/domain/notification.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { PAYMENT_DECLINED_REASON } from '../../amplify/domain/order-rules.ts';

const STOREFRONT = 'https://shop.example.com/';
const ORDER: Order = {
  orderId: '0123abcd-4567-89ef-8123-456789abcdef',
  customerId: 'c-1',
  customerName: 'Ana García',
  customerEmail: 'ana@example.com',
  // Late in the evening UTC: the e-mail says the UTC date.
  orderDate: '2026-01-31T23:30:00.000Z',
  updatedAt: '2026-01-31T23:30:00.000Z',
  status: 'SHIPPED',
  totalAmount: 24.97,
  subtotalAmount: 19.98,
  shippingAmount: 4.99,
  paymentMethod: 'credit_card',
  items: [{ productId: 'prod-022', name: 'USB-C Cable 2 m', quantity: 2, price: 9.99 }],
  shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'ES' },
  transactionId: 'txn_1',
  trackingNumber: 'TRK1',
  estimatedDeliveryDays: 1,
  estimatedDeliveryDate: '2026-02-02T00:00:00.000Z',
  deliveryDate: '2026-02-02T10:00:00.000Z',
  refundId: 'rfnd_1',
  refundDate: '2026-02-01T10:00:00.000Z',
};

describe('the e-mails an order calls for', () => {
  it('follows the order: paid, shipped, delivered; declined; cancelled and refunded', () => {
    const { refundId: _r, ...unrefunded } = ORDER;
    expect(emailsDue({ ...unrefunded, status: 'PENDING', transactionId: undefined })).toEqual([]);
    expect(emailsDue({ ...unrefunded, status: 'PAYMENT_PROCESSED' })).toEqual(['order-confirmed']);
    expect(emailsDue({ ...unrefunded, status: 'SHIPPED' })).toEqual(['order-confirmed', 'order-shipped']);
    expect(emailsDue({ ...unrefunded, status: 'DELIVERED' })).toEqual(['order-confirmed', 'order-shipped', 'order-delivered']);
    expect(emailsDue({ ...unrefunded, status: 'PAYMENT_FAILED', transactionId: undefined, failureReason: PAYMENT_DECLINED_REASON })).toEqual(['payment-declined']);
    // A payment step that failed (not a decline) is not told to the customer as a decline.
    expect(emailsDue({ ...unrefunded, status: 'PAYMENT_FAILED', transactionId: undefined, failureReason: 'States.Timeout' })).toEqual([]);
    expect(emailsDue({ ...unrefunded, status: 'CANCELLED', transactionId: undefined })).toEqual(['order-cancelled']);
    expect(emailsDue({ ...ORDER, status: 'CANCELLED' })).toEqual(['order-cancelled', 'order-refunded']);
    expect(emailsDue({ ...ORDER, status: 'SHIPMENT_FAILED' })).toEqual(['order-refunded']);
  });
});

describe('every kind, rendered', () => {
  const statusOf = { 'order-confirmed': 'PAYMENT_PROCESSED', 'order-shipped': 'SHIPPED', 'order-delivered': 'DELIVERED', 'payment-declined': 'PAYMENT_FAILED', 'order-cancelled': 'CANCELLED', 'order-refunded': 'SHIPMENT_FAILED', 'out-of-stock': 'OUT_OF_STOCK' } as const;
  for (const kind of EMAIL_KINDS) {
    it(kind, () => {
      const email = renderEmail(kind, { ...ORDER, status: statusOf[kind], ...(kind === 'out-of-stock' ? { shortItems: [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 2, available: 1 }] } : {}) }, STOREFRONT);
      expect(email).toMatchSnapshot();
      expect(email.to).toBe(ORDER.customerEmail);
      expect(email.text).toContain(`Your order: https://shop.example.com/#/orders/${ORDER.orderId}\n`);
      expect(email.html).toContain(`<a href="https://shop.example.com/#/orders/${ORDER.orderId}">`);
      expect(email.html).not.toMatch(/<img|src=|url\(|<link|<script/i);
    });
  }

  it('keeps the seed confirmation word for word in the shipped e-mail', () => {
    const { subject, text } = renderEmail('order-shipped', ORDER, STOREFRONT);
    expect(subject).toMatch(/^Order Confirmation - [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    for (const line of ['Order Confirmation - Desk & Gadget Co.', 'Dear Ana García,', 'Thank you for your order!', 'Order Details:', 'Tracking Number: TRK1', 'Estimated Delivery: 1 business day (by February 2, 2026)', 'Thank you for shopping with us!']) {
      expect(text).toContain(line);
    }
  });

  it('escapes what the customer typed in the HTML part, and keeps the subject one line', () => {
    const hostile = { ...ORDER, customerName: '<script>alert(1)</script> "Ana" & <img src=x>', items: [{ ...ORDER.items[0]!, name: '<b>x</b>' }] };
    const { html, text } = renderEmail('order-shipped', hostile, STOREFRONT);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;Ana&quot; &amp; &lt;img src=x&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(text).toContain('<script>alert(1)</script>'); // the text part is plain text
    expect(subjectLine('a\r\nBcc: x@example.com\u2028b')).toBe('a Bcc: x@example.com b');
  });
});
