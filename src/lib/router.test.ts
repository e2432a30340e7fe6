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
