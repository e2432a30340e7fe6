/**
 * A tiny hash router (no library): `#/`, `#/cart`, `#/checkout`, `#/orders`, `#/orders/<id>`,
 * `#/mailbox`. Hash URLs need no server rewrite rules, so the built site works from S3 as it is.
 */
import { useSyncExternalStore } from 'react';
import { canonicalOrderId } from '../../amplify/domain/order-rules.ts';

export type Route =
  | { name: 'catalog' }
  | { name: 'cart' }
  | { name: 'checkout' }
  | { name: 'orders' }
  | { name: 'order'; orderId: string }
  | { name: 'mailbox' }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'catalog' };
  if (path === '/cart') return { name: 'cart' };
  if (path === '/checkout') return { name: 'checkout' };
  if (path === '/orders') return { name: 'orders' };
  if (path === '/mailbox') return { name: 'mailbox' };
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
  catalog: () => '#/',
  cart: () => '#/cart',
  checkout: () => '#/checkout',
  orders: () => '#/orders',
  order: (orderId: string) => `#/orders/${encodeURIComponent(orderId)}`,
  mailbox: () => '#/mailbox',
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
