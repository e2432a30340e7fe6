/**
 * A tiny hash router (no library): `#/` (with `?q=<search>&category=<id>`), `#/products/<id>`,
 * `#/cart`, `#/checkout`, `#/orders`, `#/orders/<id>` (a guest's link: `?token=`), `#/mailbox`, `#/staff/orders` (with its
 * filters), `#/staff/inventory`, `#/staff/dashboard?from=&to=`, `#/sign-in?next=<address>`, and the policy pages (`#/help`, `#/returns`, ...). Hash
 * URLs need no server rewrite rules, so the built site works from S3 as it is.
 */
import { useSyncExternalStore } from 'react';
import { ORDER_STATUSES, canonicalOrderId, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { POLICY_PAGES, type PolicyPageName } from '../../amplify/domain/shop.ts';
import { ORDER_TOKEN } from '../../amplify/domain/api.ts';

export type Route =
  | { name: 'catalog'; search?: string; category?: string }
  | { name: 'product'; productId: string }
  | { name: 'cart' }
  | { name: 'checkout' }
  | { name: 'orders' }
  /** `token`: a guest order's, from its link (`#/orders/<id>?token=…`). */
  | { name: 'order'; orderId: string; token?: string }
  | { name: 'mailbox' }
  | { name: 'account' }
  | { name: 'all-orders'; filters: StaffFilters }
  | { name: 'inventory' }
  | { name: 'dashboard'; from?: string; to?: string }
  | { name: 'policy'; page: PolicyPageName }
  | { name: 'sign-in'; next: string }
  | { name: 'not-found'; path: string };

/** All orders' filters, kept in the URL so Back and a shared link show the same list. */
export interface StaffFilters {
  status?: OrderStatus;
  from?: string;
  to?: string;
  orderNumber?: string;
  customerEmail?: string;
}
const STAFF_FILTER_NAMES = ['status', 'from', 'to', 'orderNumber', 'customerEmail'] as const;

function staffFilters(query: string): StaffFilters {
  const params = new URLSearchParams(query);
  const filters: StaffFilters = {};
  for (const name of STAFF_FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (value) (filters as Record<string, string>)[name] = value;
  }
  // An unknown status is left out rather than sent (the API would answer 400).
  if (filters.status && !(ORDER_STATUSES as readonly string[]).includes(filters.status)) delete filters.status;
  return filters;
}

/** Where to go back to after signing in: an address of this site, never the sign-in page itself. */
function safeNext(next: string | null): string {
  return next && next.startsWith('#/') && !next.startsWith('#/sign-in') ? next : '#/orders';
}

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

/** The Dashboard's range (`?from=YYYY-MM-DD&to=YYYY-MM-DD`); anything else is left out (the page picks its default). */
function dashboardRoute(query: string): Route {
  const params = new URLSearchParams(query);
  const day = (name: string) => {
    const value = params.get(name)?.trim();
    return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { [name]: value } : {};
  };
  return { name: 'dashboard', ...day('from'), ...day('to') };
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
  if (path === '/staff/inventory') return { name: 'inventory' };
  if (path === '/staff/orders') return { name: 'all-orders', filters: staffFilters(query) };
  if (path === '/staff/dashboard') return dashboardRoute(query);
  if (path === '/sign-in') return { name: 'sign-in', next: safeNext(new URLSearchParams(query).get('next')) };
  const policy = POLICY_PAGES.find((p) => path === `/${p.page}`);
  if (policy) return { name: 'policy', page: policy.page };
  const order = /^\/orders\/([^/]+)$/.exec(path);
  // A link whose id does not decode or is no order id shows the not-found page; ids are lower case.
  const orderId = order?.[1] ? canonicalOrderId(decodeOrUndefined(order[1])) : undefined;
  const token = new URLSearchParams(query).get(ORDER_TOKEN.query) ?? undefined;
  if (orderId) return { name: 'order', orderId, ...(token ? { token } : {}) };
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
  allOrders: (filters: StaffFilters = {}) => {
    const params = new URLSearchParams();
    for (const name of STAFF_FILTER_NAMES) if (filters[name]) params.set(name, filters[name]);
    const query = params.toString();
    return query ? `#/staff/orders?${query}` : '#/staff/orders';
  },
  /** Staff: every product's stock, and a change with a reason. */
  inventory: () => '#/staff/inventory',
  dashboard: (range: { from?: string; to?: string } = {}) => {
    const params = new URLSearchParams();
    if (range.from) params.set('from', range.from);
    if (range.to) params.set('to', range.to);
    const query = params.toString();
    return query ? `#/staff/dashboard?${query}` : '#/staff/dashboard';
  },
  policy: (page: PolicyPageName) => `#/${page}`,
  /** The sign-in page, coming back to `from` (an address of this site) once signed in. */
  signIn: (from: string) => `#/sign-in?${new URLSearchParams({ next: from || '#/' })}`,
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

/*
 * Scroll kept on Back and Forward: each history entry gets a key (in `history.state`) and the
 * last scroll position seen on it; returning to an entry scrolls back there once its page is tall
 * enough (a lazy page arrives a moment later), a new entry starts at the top.
 */
const positions = new Map<string, number>();
let entryKey: string | undefined;
let recording = false;

function keyOfEntry(): string {
  const state = window.history.state as { scrollKey?: string } | null;
  if (state?.scrollKey) return state.scrollKey;
  const scrollKey = Math.random().toString(36).slice(2);
  window.history.replaceState({ ...state, scrollKey }, '');
  return scrollKey;
}

/** The address of the page before this one, when the shopper came here by a link (not by Back). */
let previousHash: string | undefined;

/** Starts recording scroll positions (once, at start-up). */
export function keepScrollPositions(): void {
  if (recording) return;
  recording = true;
  window.history.scrollRestoration = 'manual';
  entryKey ??= keyOfEntry();
  window.addEventListener('scroll', () => positions.set(entryKey!, window.scrollY), { passive: true });
  window.addEventListener('hashchange', (event) => (previousHash = new URL(event.oldURL).hash || '#/'));
}

/**
 * Goes back to `to` as the browser's Back would when it is the page just before this one (its
 * scroll position kept), and answers true; false otherwise (follow the link).
 */
export function backTo(to: string): boolean {
  if (previousHash !== to) return false;
  previousHash = undefined;
  window.history.back();
  return true;
}

/** After a route change: back to where this entry was left, or the top of a new one. */
export function restoreScroll(): () => void {
  entryKey = keyOfEntry();
  const saved = positions.get(entryKey);
  if (saved === undefined) {
    window.scrollTo(0, 0);
    return () => undefined;
  }
  let frames = 0;
  let frame = 0;
  const attempt = () => {
    window.scrollTo(0, saved);
    // Until the page is tall enough to scroll there (at most ~2 s of frames).
    if (Math.abs(window.scrollY - saved) > 1 && frames++ < 120) frame = requestAnimationFrame(attempt);
  };
  attempt();
  return () => cancelAnimationFrame(frame);
}
