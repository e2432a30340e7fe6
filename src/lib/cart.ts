/**
 * Cart arithmetic (pure) and the cart store kept in localStorage, so it survives reloads and is
 * shared between tabs. Totals come from the shared `priceOrder`, exactly as the server prices them.
 */
import { findProduct } from '../../amplify/domain/catalog.ts';
import { priceOrder, type PricedOrder } from '../../amplify/domain/pricing.ts';
import { ORDER_LIMITS } from '../../amplify/domain/order-rules.ts';

export interface CartLine {
  productId: string;
  quantity: number;
}

export const clampQuantity = (quantity: number): number =>
  Math.min(ORDER_LIMITS.maxQuantityPerItem, Math.max(1, Math.floor(Number.isFinite(quantity) ? quantity : 1)));

export interface AddResult {
  lines: CartLine[];
  /** Why the cart did not take everything asked for, if it did not. */
  limited?: 'quantity' | 'items';
}

/** Adds `quantity` of a product; at most `maxQuantityPerItem` each and `maxItems` different products. */
export function addToCart(lines: readonly CartLine[], productId: string, quantity = 1): AddResult {
  const existing = lines.find((l) => l.productId === productId);
  if (existing) {
    const wanted = existing.quantity + quantity;
    const next = clampQuantity(wanted);
    return {
      lines: lines.map((l) => (l.productId === productId ? { ...l, quantity: next } : l)),
      ...(next < wanted ? { limited: 'quantity' as const } : {}),
    };
  }
  if (lines.length >= ORDER_LIMITS.maxItems) return { lines: [...lines], limited: 'items' };
  const next = clampQuantity(quantity);
  return { lines: [...lines, { productId, quantity: next }], ...(next < quantity ? { limited: 'quantity' as const } : {}) };
}

export function setQuantity(lines: readonly CartLine[], productId: string, quantity: number): CartLine[] {
  return lines.map((l) => (l.productId === productId ? { ...l, quantity: clampQuantity(quantity) } : l));
}

export function removeFromCart(lines: readonly CartLine[], productId: string): CartLine[] {
  return lines.filter((l) => l.productId !== productId);
}

export const itemCount = (lines: readonly CartLine[]): number => lines.reduce((sum, l) => sum + l.quantity, 0);

/** What the cart badge counts: items of products the store still sells (the others are not ordered). */
export const cartItemCount = (lines: readonly CartLine[]): number => itemCount(lines.filter((l) => findProduct(l.productId)));

export interface CartTotals extends PricedOrder {
  /** Lines whose product the store no longer sells: left out of the total and of the order. */
  unavailable: string[];
}

/** The cart priced as the server will price it (integer cents, catalog prices). */
export function priceCart(lines: readonly CartLine[]): CartTotals {
  const known = lines.filter((l) => findProduct(l.productId));
  const unavailable = lines.filter((l) => !findProduct(l.productId)).map((l) => l.productId);
  return { ...priceOrder(known), unavailable };
}

/** Reads a stored cart defensively: anything malformed is dropped rather than trusted. */
export function parseStoredCart(raw: string | null): CartLine[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    const lines: CartLine[] = [];
    for (const item of value) {
      if (typeof item !== 'object' || item === null) continue;
      const { productId, quantity } = item as Record<string, unknown>;
      if (typeof productId !== 'string' || typeof quantity !== 'number') continue;
      if (lines.some((l) => l.productId === productId) || lines.length >= ORDER_LIMITS.maxItems) continue;
      lines.push({ productId, quantity: clampQuantity(quantity) });
    }
    return lines;
  } catch {
    return [];
  }
}

export const CART_STORAGE_KEY = 'storefront.cart.v1';

type Listener = () => void;

/** The cart in localStorage with a subscribe/snapshot pair for `useSyncExternalStore`. */
export function createCartState(storage: Storage | undefined = globalThis.localStorage) {
  const listeners = new Set<Listener>();
  let snapshot: CartLine[] = parseStoredCart(storage?.getItem(CART_STORAGE_KEY) ?? null);
  const emit = () => listeners.forEach((l) => l());
  const write = (lines: CartLine[]) => {
    snapshot = lines;
    try {
      storage?.setItem(CART_STORAGE_KEY, JSON.stringify(lines));
    } catch {
      // Private mode or a full quota: the cart still works for this page's life.
    }
    emit();
  };
  const onStorage = (event: StorageEvent) => {
    if (event.key !== CART_STORAGE_KEY) return;
    snapshot = parseStoredCart(event.newValue);
    emit();
  };
  return {
    getSnapshot: () => snapshot,
    subscribe(listener: Listener) {
      listeners.add(listener);
      if (listeners.size === 1 && typeof window !== 'undefined') window.addEventListener('storage', onStorage);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && typeof window !== 'undefined') window.removeEventListener('storage', onStorage);
      };
    },
    add(productId: string, quantity = 1): AddResult {
      const result = addToCart(snapshot, productId, quantity);
      write(result.lines);
      return result;
    },
    setQuantity: (productId: string, quantity: number) => write(setQuantity(snapshot, productId, quantity)),
    remove: (productId: string) => write(removeFromCart(snapshot, productId)),
    replace: (lines: readonly CartLine[]) => write(parseStoredCart(JSON.stringify(lines))),
    clear: () => write([]),
  };
}

export type CartState = ReturnType<typeof createCartState>;
