/** The store's costs and the order number: the shipping rule, the priced parts, the e-mail. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countryName, countryOptions } from '../amplify/domain/countries.ts';
import { renderConfirmation } from '../amplify/domain/notification.ts';
import { orderNumberOf } from '../amplify/domain/order-rules.ts';
import { priceOrder } from '../amplify/domain/pricing.ts';
import { centsToFreeShipping, shippingCents, SHIPPING_RULE } from '../amplify/domain/shipping.ts';
import { orderRequest } from './fixtures.ts';

describe('shipping rule', () => {
  it('is free from $50 and $4.99 below, nothing for an empty order', () => {
    expect(SHIPPING_RULE).toEqual({ freeFromCents: 5000, flatRateCents: 499 });
    expect(shippingCents(0)).toBe(0);
    expect(shippingCents(1)).toBe(499);
    expect(shippingCents(4999)).toBe(499);
    expect(shippingCents(5000)).toBe(0);
    expect(centsToFreeShipping(1850)).toBe(3150);
    expect(centsToFreeShipping(6000)).toBe(0);
  });

  it('is part of the priced order: total = subtotal + shipping, in exact cents', () => {
    // 18.50 (Coffee Mug) + 27.49 (Desk Lamp) = 45.99 < 50: shipping 4.99
    expect(priceOrder([{ productId: 'prod-012', quantity: 1 }, { productId: 'prod-008', quantity: 1 }])).toMatchObject({
      subtotalAmount: 45.99,
      shippingAmount: 4.99,
      totalAmount: 50.98,
    });
    expect(priceOrder([{ productId: 'prod-001', quantity: 1 }])).toMatchObject({ subtotalAmount: 129.99, shippingAmount: 0, totalAmount: 129.99 });
  });
});

describe('order number', () => {
  it('is short, readable and derived from the id', () => {
    const id = '3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
    expect(orderNumberOf(id)).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(orderNumberOf(id)).toBe(orderNumberOf(id.toUpperCase()));
    // The version digit (index 14 of the string) does not count: only the random digits do.
    expect(orderNumberOf(id)).toBe(orderNumberOf('3f2b8c1e-9a4d-8e6f-8b1a-2c3d4e5f6a7b'));
    expect(orderNumberOf('3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7c')).toBe(orderNumberOf(id)); // beyond the 60 bits
    expect(orderNumberOf('3f2b8c1e-9a4d-4e6e-8b1a-2c3d4e5f6a7b')).not.toBe(orderNumberOf(id));
    expect(orderNumberOf('not-a-uuid')).toBe('not-a-uuid');
  });

  it('does not repeat over 50,000 random order ids (60 random bits each)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(orderNumberOf(randomUUID()));
    expect(seen.size).toBe(50_000);
  });
});

describe('countries', () => {
  it('offers canonical ISO codes with English names and reads old free-text values as they are', () => {
    const options = countryOptions();
    expect(options.length).toBeGreaterThan(240);
    expect(options).toContainEqual({ code: 'US', name: 'United States' });
    expect(options.map((o) => o.code)).not.toContain('UK'); // alias of GB
    expect(options.map((o) => o.code)).not.toContain('EU');
    expect(countryName('ES')).toBe('Spain');
    expect(countryName('Spain')).toBe('Spain');
  });
});

describe('confirmation e-mail', () => {
  it('follows the seed layout with the store name, the short number, costs and dates a person reads', () => {
    const orderId = '3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
    const priced = priceOrder([{ productId: 'prod-012', quantity: 2 }]);
    const { subject, body } = renderConfirmation({
      ...orderRequest({ shippingAddress: { street: '12 Analytical Row', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' } }),
      ...priced,
      customerId: 'customer-001',
      customerEmail: 'ana@example.com',
      orderId,
      orderNumber: orderNumberOf(orderId),
      orderDate: '2026-03-05T23:30:00.000Z',
      updatedAt: '2026-03-05T23:30:00.000Z',
      status: 'SHIPPED',
      trackingNumber: 'TRK0123456789AB',
      estimatedDeliveryDays: 3,
      estimatedDeliveryDate: '2026-03-09T00:00:00.000Z',
    });
    expect(subject).toBe(`Order Confirmation - ${orderNumberOf(orderId)}`);
    expect(body).toBe(`Order Confirmation - Desk & Gadget Co.

Dear Ana García,

Thank you for your order!

Order Details:
--------------
Order Number: ${orderNumberOf(orderId)}
Order Date: March 5, 2026
Status: Shipped

Items:
- Coffee Mug x2 - $18.50

Subtotal: $37.00
Shipping: $4.99
Total Amount: $41.99
Prices are in US dollars. No sales tax is added: the total is what you pay.

Shipping Address:
12 Analytical Row
Springfield, IL 62701
United States

Tracking Number: TRK0123456789AB
Estimated Delivery: 3 business days (by March 9, 2026)

Thank you for shopping with us!
Desk & Gadget Co.
`);
    expect(body).not.toContain(orderId);
  });
});
