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
