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
    expect(parseRoute(href.order('abc-123'))).toEqual({ name: 'order', orderId: 'abc-123' });
    expect(parseRoute('#/mailbox')).toEqual({ name: 'mailbox' });
    expect(parseRoute('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
  });
});

describe('API paths', () => {
  it('joins routes to an endpoint with or without a trailing slash', () => {
    expect(apiPath('/products', true)).toBe('products');
    expect(apiPath('/products', false)).toBe('/products');
  });
});
