/**
 * A tiny hash router (no library): `#/`, `#/cart`, `#/checkout`, `#/orders`, `#/orders/<id>`,
 * `#/mailbox`. Hash URLs need no server rewrite rules, so the built site works from S3 as it is.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'catalog' }
  | { name: 'cart' }
  | { name: 'checkout' }
  | { name: 'orders' }
  | { name: 'order'; orderId: string }
  | { name: 'mailbox' }
  | { name: 'all-orders' }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'catalog' };
  if (path === '/cart') return { name: 'cart' };
  if (path === '/checkout') return { name: 'checkout' };
  if (path === '/orders') return { name: 'orders' };
  if (path === '/mailbox') return { name: 'mailbox' };
  if (path === '/staff/orders') return { name: 'all-orders' };
  const order = /^\/orders\/([^/]+)$/.exec(path);
  if (order?.[1]) return { name: 'order', orderId: decodeURIComponent(order[1]) };
  return { name: 'not-found', path };
}

export const href = {
  catalog: () => '#/',
  cart: () => '#/cart',
  checkout: () => '#/checkout',
  orders: () => '#/orders',
  order: (orderId: string) => `#/orders/${encodeURIComponent(orderId)}`,
  mailbox: () => '#/mailbox',
  allOrders: () => '#/staff/orders',
};

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
