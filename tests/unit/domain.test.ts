import { describe, expect, it } from 'vitest';
import { CATALOG, formatPrice } from '../../amplify/domain/catalog.ts';
import { UnknownProductError } from '../../amplify/domain/errors.ts';
import { arrangeShipment, simulatePayment } from '../../amplify/server/simulated-partners.ts';
import { renderEmail } from '../../amplify/domain/notification.ts';
import { createOrderRequestSchema } from '../../amplify/domain/order.ts';
import { ALLOWED_PREVIOUS, canTransition, hasReached, isFinal, ORDER_STATUSES } from '../../amplify/domain/order-rules.ts';
import { callerFromClaims, parseGroups } from '../../amplify/domain/auth.ts';
import { PriceChangedError, ValidationError } from '../../amplify/domain/errors.ts';
import { forCaller } from '../../amplify/server/place-order.ts';
import { validate } from '../../amplify/domain/validation.ts';
import { priceOrder } from '../../amplify/domain/pricing.ts';
import { orderRequest } from '../fixtures.ts';

describe('catalog', () => {
  it('has at least 12 products with unique ids, positive prices and an image under public/', async () => {
    const { existsSync } = await import('node:fs');
    expect(CATALOG.length).toBeGreaterThanOrEqual(12);
    expect(new Set(CATALOG.map((p) => p.productId)).size).toBe(CATALOG.length);
    for (const p of CATALOG) {
      expect(Number.isInteger(p.priceCents) && p.priceCents > 0).toBe(true);
      expect(existsSync(`public${p.image}`), p.image).toBe(true);
    }
  });

  it('formats prices as US dollars', () => {
    expect(formatPrice(1234.5)).toBe('$1,234.50');
  });
});

describe('pricing', () => {
  it('prices lines from the catalog in exact cents', () => {
    const { items, totalAmount } = priceOrder([
      { productId: 'prod-001', quantity: 3 },
      { productId: 'prod-008', quantity: 1 },
    ]);
    expect(items).toEqual([
      { productId: 'prod-001', name: 'Wireless Headphones', quantity: 3, price: 129.99 },
      { productId: 'prod-008', name: 'Desk Lamp', quantity: 1, price: 27.49 },
    ]);
    // 3 x 129.99 + 27.49 = 417.46 (floating-point addition of the amounts gives 417.46000000000004)
    expect(totalAmount).toBe(417.46);
  });

  it('names the line of an unknown product', () => {
    const error = (() => {
      try {
        priceOrder([{ productId: 'prod-001', quantity: 1 }, { productId: 'nope', quantity: 1 }]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownProductError);
    expect((error as UnknownProductError).details[0]!.path).toBe('items.1.productId');
  });
});

describe('order request schema', () => {
  it('accepts the seed example', () => {
    expect(validate(createOrderRequestSchema, orderRequest()).success).toBe(true);
  });

  it.each([
    ['a negative client price', { items: [{ productId: 'prod-001', quantity: 1, price: -1 }] }, 'items.0.price'],
    ['a client total', { totalAmount: 1 }, 'totalAmount'],
    ['a client status', { status: 'DELIVERED' }, 'status'],
    ['zero quantity', { items: [{ productId: 'prod-001', quantity: 0 }] }, 'items.0.quantity'],
    ['fractional quantity', { items: [{ productId: 'prod-001', quantity: 1.5 }] }, 'items.0.quantity'],
    ['too many of one item', { items: [{ productId: 'prod-001', quantity: 11 }] }, 'items.0.quantity'],
    ['no items', { items: [] }, 'items'],
    ['a bad e-mail', { customerEmail: 'not-an-email' }, 'customerEmail'],
    ['an unknown payment method', { paymentMethod: 'cash' }, 'paymentMethod'],
    ['a blank name', { customerName: '   ' }, 'customerName'],
    ['a bad customer id', { customerId: '../etc' }, 'customerId'],
  ])('rejects %s', (_, overrides, path) => {
    const result = validate(createOrderRequestSchema, { ...orderRequest(), ...overrides });
    expect(result.success).toBe(false);
    expect(!result.success && result.issues.map((i) => i.path)).toContain(path);
  });

  it('rejects the same product twice', () => {
    const items = [
      { productId: 'prod-001', quantity: 1 },
      { productId: 'prod-001', quantity: 2 },
    ];
    const result = validate(createOrderRequestSchema, orderRequest({ items }));
    expect(!result.success && result.issues).toEqual([{ path: 'items', message: 'Each product at most once' }]);
  });

  it('names every unknown key, __proto__ too, and each missing field', () => {
    const body = JSON.parse(`{"__proto__":{"isAdmin":true},"totalAmount":1,${JSON.stringify(orderRequest()).slice(1)}`);
    delete body.customerName;
    const result = validate(createOrderRequestSchema, body);
    expect(!result.success && result.issues).toEqual([
      { path: 'customerName', message: 'Required' },
      { path: '__proto__', message: 'Unknown field' },
      { path: 'totalAmount', message: 'Unknown field' },
    ]);
  });

  it('takes no array for an object', () => {
    expect(validate(createOrderRequestSchema, [])).toEqual({ success: false, issues: [{ path: '(body)', message: 'Must be an object' }] });
    const result = validate(createOrderRequestSchema, { ...orderRequest(), shippingAddress: [] });
    expect(!result.success && result.issues).toEqual([{ path: 'shippingAddress', message: 'Must be an object' }]);
  });

  it('is the same check through the Standard Schema interface', async () => {
    const result = await createOrderRequestSchema['~standard'].validate({ ...orderRequest(), totalAmount: 1 });
    expect(result.issues?.map((issue) => issue.message)).toEqual(['Unknown field']);
  });
});

describe('status transitions', () => {
  it('allow only the forward steps of the workflow', () => {
    expect(canTransition('PENDING', 'PAYMENT_PROCESSED')).toBe(true);
    expect(canTransition('PAYMENT_PROCESSED', 'SHIPPED')).toBe(true);
    expect(canTransition('SHIPPED', 'DELIVERED')).toBe(true);
    expect(canTransition('PENDING', 'PAYMENT_FAILED')).toBe(true);
    expect(canTransition('PAYMENT_PROCESSED', 'SHIPMENT_FAILED')).toBe(true);
    expect(canTransition('SHIPPED', 'PAYMENT_PROCESSED')).toBe(false);
    expect(canTransition('DELIVERED', 'SHIPPED')).toBe(false);
    expect(canTransition('PAYMENT_FAILED', 'PAYMENT_PROCESSED')).toBe(false);
    expect(canTransition('PENDING', 'DELIVERED')).toBe(false);
  });

  it('never leave a final status, but for a delivered order refunded (a return)', () => {
    for (const from of ORDER_STATUSES.filter(isFinal)) {
      for (const to of ORDER_STATUSES) expect(canTransition(from, to), `${from}>${to}`).toBe(from === 'DELIVERED' && to === 'REFUNDED');
    }
    expect(Object.keys(ALLOWED_PREVIOUS).sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it('tell a repeated step from a backwards one', () => {
    expect(hasReached('SHIPPED', 'PAYMENT_PROCESSED')).toBe(true);
    expect(hasReached('SHIPPED', 'SHIPPED')).toBe(true);
    expect(hasReached('PENDING', 'SHIPPED')).toBe(false);
    expect(hasReached('PAYMENT_FAILED', 'PAYMENT_PROCESSED')).toBe(false);
  });
});

describe('simulated systems', () => {
  it('approve a payment below the success rate and decline above it', () => {
    expect(simulatePayment(0.9, 0.5).approved).toBe(true);
    expect(simulatePayment(0.9, 0.95)).toEqual({ approved: false });
    expect(simulatePayment(0, 0)).toEqual({ approved: false });
    expect(simulatePayment(1, 0.999).transactionId).toMatch(/^txn_/);
  });

  it('book a shipment of 2 to 5 days', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(arrangeShipment(now, 0).estimatedDeliveryDays).toBe(2);
    const late = arrangeShipment(now, 0.999);
    expect(late.estimatedDeliveryDays).toBe(5);
    expect(late.estimatedDeliveryDate).toBe('2026-01-06T00:00:00.000Z');
    expect(late.trackingNumber).toMatch(/^TRK[0-9A-F]{12}$/);
  });
});

describe('confirmation e-mail', () => {
  it('holds the seed message with the order details', () => {
    const { items, totalAmount } = priceOrder(orderRequest().items);
    const { subject, text: body } = renderEmail('order-shipped', {
      ...orderRequest(),
      customerId: 'c-1',
      customerEmail: 'ana@example.com',
      orderId: 'o-1',
      orderDate: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      status: 'SHIPPED',
      items,
      totalAmount,
      trackingNumber: 'TRK123',
      estimatedDeliveryDays: 3,
    }, 'http://127.0.0.1:5173/');
    expect(subject).toBe('Order Confirmation - o-1');
    for (const text of ['Dear Ana García', 'Order Number: o-1', '- Wireless Headphones x2 - $129.99', 'Total Amount: $278.48', 'Tracking Number: TRK123', 'Estimated Delivery: 3 business days', 'Calle Mayor 1']) {
      expect(body).toContain(text);
    }
  });
});

describe('the seed item shape (name and price beside productId and quantity)', () => {
  it('is accepted when it matches the catalog', () => {
    const priced = priceOrder([{ productId: 'prod-001', quantity: 2, name: 'Wireless Headphones', price: 129.99 }]);
    expect(priced.totalAmount).toBe(259.98);
  });

  it('refuses a price that is no longer the catalog\'s, naming every changed line with its current price', () => {
    const lines = [
      { productId: 'prod-001', quantity: 1, price: 99.99 },
      { productId: 'prod-002', quantity: 1, price: 89.5 },
      { productId: 'prod-012', quantity: 1, price: 0.01 },
    ];
    const error = (() => {
      try {
        priceOrder(lines);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PriceChangedError);
    expect((error as PriceChangedError).details).toEqual([
      { path: 'items.0.price', message: 'Current price of prod-001: 129.99' },
      { path: 'items.2.price', message: 'Current price of prod-012: 18.5' },
    ]);
  });

  it('refuses a name that is not the product\'s', () => {
    expect(() => priceOrder([{ productId: 'prod-001', quantity: 1, name: 'Free Headphones' }])).toThrow(ValidationError);
  });
});

describe('the caller', () => {
  it('reads cognito:groups as API Gateway REST passes it (comma-separated), or as a list', () => {
    expect(parseGroups('ADMINS')).toEqual(['ADMINS']);
    expect(parseGroups('other,ADMINS')).toEqual(['other', 'ADMINS']);
    expect(parseGroups('[other ADMINS]')).toEqual(['other', 'ADMINS']);
    expect(parseGroups(['ADMINS'])).toEqual(['ADMINS']);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups('ADMINSX')).toEqual(['ADMINSX']);
  });

  it('is staff only in the ADMINS group, and nobody without sub and e-mail', () => {
    const claims = { sub: 's-1', email: 'a@example.com', email_verified: 'true' };
    expect(callerFromClaims(claims)).toEqual({ sub: 's-1', email: 'a@example.com', emailVerified: true, isStaff: false });
    expect(callerFromClaims({ ...claims, 'cognito:groups': 'ADMINS' })?.isStaff).toBe(true);
    expect(callerFromClaims({ ...claims, 'cognito:groups': 'ADMINSX,staff' })?.isStaff).toBe(false);
    expect(callerFromClaims({ email: 'a@example.com' })).toBeUndefined();
    expect(callerFromClaims(null)).toBeUndefined();
  });

  it("places orders for the caller: body ids must be the token's", () => {
    const caller = { sub: 's-1', email: 'Ana@Example.com', emailVerified: true, isStaff: false };
    expect(forCaller(orderRequest(), caller)).toMatchObject({ customerId: 's-1', customerEmail: 'ana@example.com' }); // stored in lower case, as staff search it
    expect(forCaller(orderRequest({ customerId: 's-1', customerEmail: 'ana@example.com' }), caller).customerId).toBe('s-1');
    expect(() => forCaller(orderRequest({ customerId: 's-2' }), caller)).toThrow(/signed-in customer/);
    expect(() => forCaller(orderRequest({ customerEmail: 'eve@example.com' }), caller)).toThrow(/signed-in customer/);
    expect(() => forCaller(orderRequest(), { ...caller, emailVerified: false })).toThrow(/Verify/);
  });
});

describe('queue messages', () => {
  it('round-trip an order id and refuse anything else', async () => {
    const { orderMessage, parseOrderMessage } = await import('../../amplify/server/order-message.ts');
    const id = '710ab406-f2bb-8aa4-a7c8-83f6daa50f89';
    expect(parseOrderMessage(orderMessage(id))).toEqual({ orderId: id });
    for (const body of ['', 'not json', 'null', '[]', '{}', `{"orderId":"x"}`, `{"orderId":"${id}","extra":1}`, `{"orderId":42}`]) {
      expect(parseOrderMessage(body), body).toBeUndefined();
    }
  });
});

describe('paid statuses', () => {
  it('are the ones reached only after a successful payment', async () => {
    const { PAID_STATUSES } = await import('../../amplify/domain/order-rules.ts');
    expect([...PAID_STATUSES].sort()).toEqual(['DELIVERED', 'PAYMENT_PROCESSED', 'REFUNDED', 'SHIPMENT_FAILED', 'SHIPPED']);
  });
});
