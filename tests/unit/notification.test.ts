/**
 * The e-mails, word for word: the confirmation (seed, section 8) and the compensation e-mail after
 * a cancellation or a failed shipment. The expected texts are written out here in full.
 */
import { describe, expect, it } from 'vitest';
import { renderCompensation, renderConfirmation } from '../../amplify/domain/notification.ts';
import type { Order } from '../../amplify/domain/order.ts';

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
  trackingNumber: 'TRK1',
  estimatedDeliveryDays: 1,
  estimatedDeliveryDate: '2026-02-02T00:00:00.000Z',
};

describe('confirmation e-mail', () => {
  it('is the seed layout with the order number, costs, address and delivery estimate', () => {
    expect(renderConfirmation(ORDER)).toEqual({
      subject: 'Order Confirmation - 04HT-QKA5-CYFF',
      body: `Order Confirmation - Desk & Gadget Co.

Dear Ana García,

Thank you for your order!

Order Details:
--------------
Order Number: 04HT-QKA5-CYFF
Order Date: January 31, 2026
Status: Shipped

Items:
- USB-C Cable 2 m x2 - $9.99

Subtotal: $19.98
Shipping: $4.99
Total Amount: $24.97
Prices are in US dollars. No sales tax is added: the total is what you pay.

Shipping Address:
Calle Mayor 1
Madrid, Madrid 28013
Spain

Tracking Number: TRK1
Estimated Delivery: 1 business day (by February 2, 2026)

Thank you for shopping with us!
Desk & Gadget Co.
`,
    });
  });

  it('says what is not known yet, and uses a stored order number', () => {
    const { subtotalAmount: _s, trackingNumber: _t, estimatedDeliveryDays: _d, estimatedDeliveryDate: _e, ...pending } = ORDER;
    const { subject, body } = renderConfirmation({ ...pending, status: 'PENDING', orderNumber: 'K7QM-2X9D-PB4H', shippingAmount: 0 });
    expect(subject).toBe('Order Confirmation - K7QM-2X9D-PB4H');
    expect(body).toContain('\nItems:\n- USB-C Cable 2 m x2 - $9.99\n\nShipping: Free\nTotal Amount: $24.97\nPrices are');
    expect(body).toContain('\nStatus: Pending\n');
    expect(body).toContain('\nTracking Number: sent once your order ships\nEstimated Delivery: once your order ships\n');
    expect(renderConfirmation({ ...pending, estimatedDeliveryDays: 3 }).body).toContain('\nEstimated Delivery: 3 business days\n');
    expect(renderConfirmation({ ...ORDER, shippingAddress: { ...ORDER.shippingAddress, country: 'Spain' } }).body).toContain('28013\nSpain\n');
  });

  it('shows only the total for an order stored before subtotal and shipping existed', () => {
    const { subtotalAmount: _s, shippingAmount: _h, ...older } = ORDER;
    expect(renderConfirmation(older).body).toContain('\nItems:\n- USB-C Cable 2 m x2 - $9.99\n\nTotal Amount: $24.97\nPrices are');
  });

  it('lists every item on its own line', () => {
    const items = [
      { productId: 'prod-022', name: 'USB-C Cable 2 m', quantity: 1, price: 9.99 },
      { productId: 'prod-021', name: '65 W USB-C Charger', quantity: 3, price: 35 },
    ];
    expect(renderConfirmation({ ...ORDER, items }).body).toContain('\nItems:\n- USB-C Cable 2 m x1 - $9.99\n- 65 W USB-C Charger x3 - $35.00\n\nSubtotal');
  });
});

describe('compensation e-mail', () => {
  it('tells a cancelled, charged customer about the refund', () => {
    expect(renderCompensation({ ...ORDER, status: 'CANCELLED', refundId: 'rf_1' })).toEqual({
      subject: 'Order Cancelled - 04HT-QKA5-CYFF',
      body: `Order Cancelled - Desk & Gadget Co.

Dear Ana García,

Your order 04HT-QKA5-CYFF of January 31, 2026 has been cancelled.
Nothing will be shipped.

The payment of $24.97 was refunded (refund rf_1). Depending on your bank it can take a few days to appear.

Desk & Gadget Co.
`,
    });
  });

  it('tells a customer whose order could not ship, without a charge, that nothing was charged', () => {
    expect(renderCompensation({ ...ORDER, status: 'SHIPMENT_FAILED', orderNumber: 'K7QM-2X9D-PB4H' })).toEqual({
      subject: 'Order Refunded - K7QM-2X9D-PB4H',
      body: `Order Refunded - Desk & Gadget Co.

Dear Ana García,

Your order K7QM-2X9D-PB4H of January 31, 2026 could not be shipped and was refunded.

You have not been charged.

Desk & Gadget Co.
`,
    });
  });
});
