import { describe, expect, it } from 'vitest';
import { apiPath } from './api.ts';
import { href, parseRoute } from './router.ts';

describe('hash router', () => {
  it('parses every route', () => {
    expect(parseRoute('')).toEqual({ name: 'catalog' });
    expect(parseRoute('#/')).toEqual({ name: 'catalog' });
    expect(parseRoute('#/cart')).toEqual({ name: 'cart' });
    expect(parseRoute('#/checkout/')).toEqual({ name: 'checkout' });
    expect(parseRoute('#/orders')).toEqual({ name: 'orders' });
    const id = '6f1c1a52-3f0e-4c59-9d1a-0b9d5c8e7a11';
    expect(parseRoute(href.order(id))).toEqual({ name: 'order', orderId: id });
    expect(parseRoute(href.order(id.toUpperCase()))).toEqual({ name: 'order', orderId: id });
    expect(parseRoute('#/mailbox')).toEqual({ name: 'mailbox' });
    expect(parseRoute('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
  });

  it('shows the not-found page for a malformed link', () => {
    expect(parseRoute('#/orders/%E0%A4%A')).toEqual({ name: 'not-found', path: '/orders/%E0%A4%A' });
    expect(parseRoute('#/orders/%zz')).toMatchObject({ name: 'not-found' });
    expect(parseRoute('#/orders/abc-123')).toMatchObject({ name: 'not-found' });
  });
});

describe('API paths', () => {
  it('joins routes to an endpoint with or without a trailing slash', () => {
    expect(apiPath('/products', true)).toBe('products');
    expect(apiPath('/products', false)).toBe('/products');
  });
});

describe('catalog and product routes', () => {
  it('keeps the search and the category in the URL', () => {
    expect(parseRoute('#/?q=desk%20lamp&category=desk')).toEqual({ name: 'catalog', search: 'desk lamp', category: 'desk' });
    expect(parseRoute(href.catalog({ search: ' usb c ', category: 'power' }))).toEqual({ name: 'catalog', search: 'usb c', category: 'power' });
    expect(parseRoute(href.catalog({ search: 'a&b=c?' }))).toEqual({ name: 'catalog', search: 'a&b=c?' });
    expect(href.catalog({ search: '  ' })).toBe('#/');
    expect(parseRoute('#/?q=')).toEqual({ name: 'catalog' });
  });

  it('opens a product page at a shareable address', () => {
    expect(href.product('prod-001')).toBe('#/products/prod-001');
    expect(parseRoute('#/products/prod-001')).toEqual({ name: 'product', productId: 'prod-001' });
    expect(parseRoute('#/products/')).toEqual({ name: 'not-found', path: '/products' });
  });
});

describe('policy, sign-in and staff routes', () => {
  it('opens each policy page at its own address', () => {
    for (const page of ['help', 'contact', 'shipping', 'returns', 'privacy', 'terms'] as const) {
      expect(parseRoute(href.policy(page))).toEqual({ name: 'policy', page });
    }
  });

  it('comes back to where the shopper was after signing in, and only to this site', () => {
    expect(parseRoute(href.signIn('#/products/prod-001'))).toEqual({ name: 'sign-in', next: '#/products/prod-001' });
    expect(parseRoute(href.signIn('#/?q=desk&category=desk'))).toEqual({ name: 'sign-in', next: '#/?q=desk&category=desk' });
    expect(parseRoute('#/sign-in?next=https%3A%2F%2Fevil.example')).toEqual({ name: 'sign-in', next: '#/orders' });
    expect(parseRoute(`#/sign-in?next=${encodeURIComponent(href.signIn('#/cart'))}`)).toEqual({ name: 'sign-in', next: '#/orders' });
    expect(parseRoute('#/sign-in')).toEqual({ name: 'sign-in', next: '#/orders' });
  });

  it("keeps All orders' filters in the URL, leaving out empty and unknown ones", () => {
    const filters = { status: 'DELIVERED', from: '2026-01-01', to: '2026-02-01', customerEmail: 'ana@example.com' } as const;
    expect(parseRoute(href.allOrders(filters))).toEqual({ name: 'all-orders', filters });
    expect(parseRoute(href.allOrders({ orderNumber: 'K7QM-2X9D-PB4H' }))).toEqual({ name: 'all-orders', filters: { orderNumber: 'K7QM-2X9D-PB4H' } });
    expect(parseRoute('#/staff/orders?status=LOST&from=&x=1')).toEqual({ name: 'all-orders', filters: {} });
    expect(href.allOrders()).toBe('#/staff/orders');
  });
});
