/**
 * Stock, as the shopper, the staff and the server all read it: the low-stock threshold, how a
 * quantity reads ("Out of stock", "Only 3 left"), which lines of a cart are short, and the staff's
 * stock change (`PUT /products/{productId}/stock`), checked by hand (no validation library: the
 * storefront's first page imports this). Where stock is kept and reserved: amplify/server/inventory.ts.
 */
import { ValidationError, type FieldIssue } from './errors.ts';
import { OUT_OF_STOCK_REASON } from './order-rules.ts';

export const STOCK = {
  /** At or under this many units a product reads "Only N left" and counts as low stock (metric, alarm, Inventory page). */
  lowStockThreshold: 5,
  /** Units each catalog product starts with, written once where no stock is recorded yet (`seedStock`). */
  seedUnits: 10_000,
  /** The most units a product may hold (and the largest adjustment): keeps a typo from becoming millions. */
  maxUnits: 1_000_000,
  /** A staff member's reason for a stock change, in characters (kept in the product's stock history). */
  maxReasonLength: 200,
  /** Stock changes a product's history returns, newest first. */
  historyPageSize: 20,
  /**
   * How long CloudFront may serve `GET /products` from its cache (`s-maxage`; browsers always ask
   * again): the storefront reads it once per visit, so this is what keeps a visit from costing an API
   * request. The stock shown may be this old; POST /orders's check and the reservation are what count.
   */
  catalogCacheSeconds: 30,
} as const;

/**
 * A product's available units, where a product with no stock recorded yet (a new deployment
 * before the first seeding, a product added to the catalog) counts as holding what it will be
 * seeded with: the first reservation seeds it (`reserveOrder`), so it is never "out of stock" for that.
 */
export const availableOf = (level: { available: number } | undefined): number => level?.available ?? STOCK.seedUnits;

/** `GET /products`'s Cache-Control: cached at the edge for `catalogCacheSeconds`, never in the browser. */
export const CATALOG_CACHE_CONTROL = `public, max-age=0, s-maxage=${STOCK.catalogCacheSeconds}`;

/** What the storefront says about a product's stock. */
export type StockState = 'out' | 'low' | 'in';

export function stockState(available: number, threshold: number = STOCK.lowStockThreshold): StockState {
  if (available <= 0) return 'out';
  return available <= threshold ? 'low' : 'in';
}

/** "Out of stock", "Only 3 left", or nothing (plenty). */
export function stockLabel(available: number | undefined, threshold: number = STOCK.lowStockThreshold): string | undefined {
  if (available === undefined) return undefined;
  const state = stockState(available, threshold);
  if (state === 'out') return 'Out of stock';
  return state === 'low' ? `Only ${available} left` : undefined;
}

/** A line short of stock: which line, what it asks for and what is available. */
export interface StockShortage {
  /** The line's index in the order's (or cart's) items. */
  index: number;
  productId: string;
  quantity: number;
  available: number;
}

/**
 * The lines asking for more than is available, as each line reads it (a product on two lines is
 * counted once, with both quantities: the second line is short by what the first took).
 */
export function shortLines(items: readonly { productId: string; quantity: number }[], available: (productId: string) => number): StockShortage[] {
  const asked = new Map<string, number>();
  const short: StockShortage[] = [];
  items.forEach(({ productId, quantity }, index) => {
    const total = (asked.get(productId) ?? 0) + quantity;
    asked.set(productId, total);
    const left = Math.max(0, available(productId));
    if (total > left) short.push({ index, productId, quantity, available: Math.max(0, left - (total - quantity)) });
  });
  return short;
}

/** A short line as a 409's detail: the line's quantity, with what is `available`. */
export const shortageIssue = ({ index, productId, available }: StockShortage): FieldIssue & { productId: string; available: number } => ({
  path: `items.${index}.quantity`,
  message: available === 0 ? 'Out of stock' : `Only ${available} available`,
  productId,
  available,
});

/** Lines over what is in stock when the order is placed (409): `details` name each line with `available`. */
export class OutOfStockError extends Error {
  override readonly name = OUT_OF_STOCK_REASON;
  readonly details: (FieldIssue & { productId: string; available: number })[];
  constructor(shortages: StockShortage[]) {
    super('Not enough stock for every line; lower the quantities or remove the lines');
    this.details = shortages.map(shortageIssue);
  }
}

/**
 * The staff's stock change: a new quantity (`available`) or an adjustment (`delta`), and why. A new
 * quantity may say what it replaces (`expected`: the units the staff member saw): then it is made
 * only while the stock still holds that many, else a 409 (`StockMovedError`) with what it holds now.
 * An adjustment needs none: it moves the stock by its delta from whatever it holds.
 */
export type StockChange = ({ available: number; expected?: number } | { delta: number }) & { reason: string };

/** A new quantity (`expected` given) whose stock moved since the staff member read it (409, naming `expected`). */
export class StockMovedError extends Error {
  override readonly name = 'StockMovedError';
  constructor(
    readonly productId: string,
    readonly expected: number,
    readonly available: number,
  ) {
    super(`Product ${productId} has ${available} available, not the ${expected} the change expected: the stock moved since it was read`);
  }
}

const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** Checks a stock change body; a 400 names the field. */
export function parseStockChange(body: unknown): StockChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('Invalid stock change', [{ path: 'body', message: 'Must be a JSON object' }]);
  const { available, delta, expected, reason, ...rest } = body as Record<string, unknown>;
  const issues: FieldIssue[] = Object.keys(rest).map((key) => ({ path: key, message: 'Unknown field' }));
  if ((available === undefined) === (delta === undefined)) {
    issues.push({ path: 'available', message: 'Give either available (the new quantity) or delta (an adjustment), not both' });
  } else if (available !== undefined && !(isWhole(available) && available >= 0 && available <= STOCK.maxUnits)) {
    issues.push({ path: 'available', message: `Must be a whole number from 0 to ${STOCK.maxUnits}` });
  } else if (delta !== undefined && !(isWhole(delta) && delta !== 0 && Math.abs(delta) <= STOCK.maxUnits)) {
    issues.push({ path: 'delta', message: `Must be a whole number other than 0, at most ${STOCK.maxUnits} either way` });
  }
  if (expected !== undefined && available === undefined) {
    issues.push({ path: 'expected', message: 'Only with available (a new quantity): an adjustment moves the stock from whatever it holds' });
  } else if (expected !== undefined && !(isWhole(expected) && expected >= 0 && expected <= STOCK.maxUnits)) {
    issues.push({ path: 'expected', message: `Must be a whole number from 0 to ${STOCK.maxUnits}: the available units you saw` });
  }
  const text = typeof reason === 'string' ? reason.normalize('NFC').trim() : undefined;
  if (!text || text.length > STOCK.maxReasonLength || /\p{Cc}/u.test(text)) {
    issues.push({ path: 'reason', message: `Required: at most ${STOCK.maxReasonLength} characters on one line` });
  }
  if (issues.length > 0) throw new ValidationError('Invalid stock change', issues);
  if (available === undefined) return { delta: delta as number, reason: text! };
  return expected === undefined ? { available: available as number, reason: text! } : { available: available as number, expected: expected as number, reason: text! };
}

/** A product's stock as `GET /products` and the Inventory page show it. */
export interface StockLevel {
  productId: string;
  /** Units that can still be ordered (reserved units are not in it). */
  available: number;
  /** Units held by orders not yet shipped. */
  reserved: number;
  /** Units shipped (reservations that became sales). */
  sold: number;
  /** Orders holding a reservation. */
  openReservations: number;
}

/** One entry of a product's stock history: who changed the stock, how, and why. */
export interface StockHistoryEntry {
  at: string;
  /** The staff member's e-mail. */
  by: string;
  reason: string;
  /** `available` before and after the change. */
  before: number;
  after: number;
}
