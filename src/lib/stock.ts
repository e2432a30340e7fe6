/**
 * What is in stock, as the storefront shows it: `GET /products`'s `available` per product, read
 * once per visit (and again after a checkout found a line short, or staff changed the stock).
 * Until it has answered (or without a backend) nothing is said about stock: the server's 409 at
 * checkout and the workflow's reservation are what count.
 */
import { useSyncExternalStore } from 'react';
import { shortLines, STOCK, stockLabel, stockState, type StockShortage, type StockState } from '../../amplify/domain/inventory.ts';
import { fetchCatalogStock } from './api.ts';

interface StockView {
  /** Units available per product id; undefined until the API answered. */
  levels?: Readonly<Record<string, number>>;
  threshold: number;
}

let view: StockView = { threshold: STOCK.lowStockThreshold };
let loading: Promise<void> | undefined;
const listeners = new Set<() => void>();
const publish = (next: StockView) => {
  view = next;
  for (const listener of listeners) listener();
};

/** Reads the stock (once; `force` reads it again). A failure leaves what was known. */
export function loadStock(force = false): Promise<void> {
  if (loading && !force) return loading;
  loading = fetchCatalogStock()
    .then(({ products, lowStockThreshold }) => publish({ levels: Object.fromEntries(products.map((p) => [p.productId, p.available])), threshold: lowStockThreshold }))
    .catch(() => undefined);
  return loading;
}

/** Staff changed a product's stock: shown at once, without reading everything again. */
export function setStockLevel(productId: string, available: number): void {
  publish({ ...view, levels: { ...view.levels, [productId]: available } });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  void loadStock();
  return () => listeners.delete(listener);
};

export function useStock(): StockView {
  return useSyncExternalStore(subscribe, () => view, () => view);
}

/** A product's units, its state ("out", "low", "in") and what the shopper reads; all undefined while unknown. */
export function useProductStock(productId: string): { available?: number; state?: StockState; label?: string } {
  const { levels, threshold } = useStock();
  const available = levels?.[productId];
  if (available === undefined) return {};
  return { available, state: stockState(available, threshold), label: stockLabel(available, threshold) };
}

/** The cart's lines over what is in stock (none while the stock is unknown). */
export function useShortLines(lines: readonly { productId: string; quantity: number }[]): StockShortage[] {
  const { levels } = useStock();
  return levels ? shortLines(lines, (productId) => levels[productId] ?? 0) : [];
}
