/**
 * A tiny hash router (no library): `#/` (with `?q=<search>&category=<id>`), `#/products/<id>`,
 * `#/cart`, `#/checkout`, `#/orders`, `#/orders/<id>`, `#/mailbox`. Hash URLs need no server rewrite rules, so the built site works from S3 as it is.
 */
import { useSyncExternalStore } from 'react';
import { canonicalOrderId } from '../../amplify/domain/order-rules.ts';

export type Route =
  | { name: 'catalog'; search?: string; category?: string }
  | { name: 'product'; productId: string }
  | { name: 'cart' }
  | { name: 'checkout' }
  | { name: 'orders' }
  | { name: 'order'; orderId: string }
  | { name: 'mailbox' }
  | { name: 'account' }
  | { name: 'all-orders' }
  | { name: 'not-found'; path: string };

/** The catalog's filters, kept in the URL so a search or a department can be shared and survives reload. */
export interface CatalogFilters {
  search?: string;
  category?: string;
}

function catalogRoute(query: string): Route {
  const params = new URLSearchParams(query);
  const search = params.get('q')?.trim();
  const category = params.get('category')?.trim();
  return { name: 'catalog', ...(search ? { search } : {}), ...(category ? { category } : {}) };
}

export function parseRoute(hash: string): Route {
  const [rawPath = '', query = ''] = hash.replace(/^#/, '').split(/\?(.*)/s, 2);
  const path = rawPath.replace(/\/+$/, '') || '/';
  if (path === '/') return catalogRoute(query);
  const product = /^\/products\/([^/]+)$/.exec(path);
  if (product?.[1]) return { name: 'product', productId: decodeURIComponent(product[1]) };
  if (path === '/cart') return { name: 'cart' };
  if (path === '/checkout') return { name: 'checkout' };
  if (path === '/orders') return { name: 'orders' };
  if (path === '/mailbox') return { name: 'mailbox' };
  if (path === '/account') return { name: 'account' };
  if (path === '/staff/orders') return { name: 'all-orders' };
  const order = /^\/orders\/([^/]+)$/.exec(path);
  // A link whose id does not decode or is no order id shows the not-found page; ids are lower case.
  const orderId = order?.[1] ? canonicalOrderId(decodeOrUndefined(order[1])) : undefined;
  if (orderId) return { name: 'order', orderId };
  return { name: 'not-found', path };
}

function decodeOrUndefined(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export const href = {
  catalog: (filters: CatalogFilters = {}) => {
    const params = new URLSearchParams();
    if (filters.search?.trim()) params.set('q', filters.search.trim());
    if (filters.category) params.set('category', filters.category);
    const query = params.toString();
    return query ? `#/?${query}` : '#/';
  },
  product: (productId: string) => `#/products/${encodeURIComponent(productId)}`,
  cart: () => '#/cart',
  checkout: () => '#/checkout',
  orders: () => '#/orders',
  order: (orderId: string) => `#/orders/${encodeURIComponent(orderId)}`,
  mailbox: () => '#/mailbox',
  account: () => '#/account',
  allOrders: () => '#/staff/orders',
};

let lastCatalog = '#/';

/** The catalog address the shopper last saw (search and category), for a product page's way back. */
export function rememberCatalog(to: string): void {
  lastCatalog = to;
}
export const lastCatalogHref = (): string => lastCatalog;

export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, '');
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash, () => '');
}
