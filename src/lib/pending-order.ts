/**
 * The order placed from this browser's cart whose payment is not confirmed yet, with the lines it
 * was placed with. Those lines leave the cart only once the payment is confirmed: a decline leaves
 * the cart as it was, so the shopper can try again, and what was added since stays.
 */
import { PAID_STATUSES, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { cartState } from './app-state.ts';
import type { CartLine } from './cart.ts';

import { CHECKOUT_FORM_KEY, CHECKOUT_KEY_KEY, PENDING_ORDER_KEY } from './storage-keys.ts';

export { CHECKOUT_FORM_KEY, CHECKOUT_KEY_KEY, PENDING_ORDER_KEY };

/**
 * The Idempotency-Key for a request body: the same body gets the same key for this tab's session
 * (a retry, a double-click, coming back to checkout while the payment is pending), so it can never
 * make two orders. Settling the order forgets the key: trying again after a decline is a new order.
 */
export function idempotencyKeyFor(body: string, newKey: () => string): string {
  try {
    const saved = JSON.parse(sessionStorage.getItem(CHECKOUT_KEY_KEY) ?? 'null') as { body?: string; key?: string } | null;
    if (saved?.body === body && saved.key) return saved.key;
    const key = newKey();
    sessionStorage.setItem(CHECKOUT_KEY_KEY, JSON.stringify({ body, key }));
    return key;
  } catch {
    return newKey();
  }
}

function forgetCheckout(keepForm: boolean): void {
  try {
    sessionStorage.removeItem(CHECKOUT_KEY_KEY);
    if (!keepForm) sessionStorage.removeItem(CHECKOUT_FORM_KEY);
  } catch {
    // Nothing saved.
  }
}

export function rememberPendingOrder(orderId: string, storage: Storage | undefined = globalThis.localStorage, lines: readonly CartLine[] = cartState.getSnapshot()): void {
  try {
    storage?.setItem(PENDING_ORDER_KEY, JSON.stringify({ orderId, lines }));
  } catch {
    // Without storage the cart is simply kept: the shopper can empty it.
  }
}

/** The pending order and its lines; an id saved alone (before the lines were kept) takes the whole cart. */
function pendingOrder(storage: Storage | undefined): { orderId: string; lines?: CartLine[] } | undefined {
  const raw = storage?.getItem(PENDING_ORDER_KEY);
  if (!raw) return undefined;
  try {
    const saved = JSON.parse(raw) as { orderId?: unknown; lines?: unknown };
    if (typeof saved?.orderId === 'string') return { orderId: saved.orderId, lines: Array.isArray(saved.lines) ? (saved.lines as CartLine[]) : undefined };
  } catch {
    // An id saved alone.
  }
  return { orderId: raw };
}

/** The cart without the ordered quantities: a line added or raised since the order keeps the difference. */
function withoutOrdered(cart: readonly CartLine[], ordered: readonly CartLine[]): CartLine[] {
  const left = new Map(cart.map((line) => [line.productId, line.quantity]));
  for (const line of ordered) left.set(line.productId, (left.get(line.productId) ?? 0) - line.quantity);
  return cart.filter((line) => left.get(line.productId)! > 0).map((line) => ({ ...line, quantity: left.get(line.productId)! }));
}

/**
 * Called with each status the order page sees. Paid: the order's lines leave the cart (and the
 * saved checkout form goes). Declined, failed before payment or out of stock: the marker goes, the cart stays.
 */
export function settlePendingOrder(orderId: string, status: OrderStatus, storage: Storage | undefined = globalThis.localStorage): void {
  const pending = pendingOrder(storage);
  if (pending?.orderId !== orderId) return;
  if (PAID_STATUSES.includes(status)) {
    storage!.removeItem(PENDING_ORDER_KEY);
    if (pending.lines) cartState.replace(withoutOrdered(cartState.getSnapshot(), pending.lines));
    else cartState.clear();
    forgetCheckout(false);
  } else if (status === 'PAYMENT_FAILED' || status === 'OUT_OF_STOCK') {
    // Nothing charged: the cart stays, to change (an out-of-stock line) and order again.
    storage!.removeItem(PENDING_ORDER_KEY);
    forgetCheckout(true);
  }
}

/**
 * At start-up: a shopper who closed the tab before the order page saw the payment confirmed would
 * otherwise find the paid items still in the cart. Looks the pending order up once; errors leave it.
 */
export async function settlePendingOrderOnLoad(
  fetchStatus: (orderId: string) => Promise<{ status: OrderStatus }>,
  storage: Storage | undefined = globalThis.localStorage,
): Promise<void> {
  const orderId = pendingOrder(storage)?.orderId;
  if (!orderId) return;
  try {
    settlePendingOrder(orderId, (await fetchStatus(orderId)).status, storage);
  } catch {
    // Offline or not found yet: the order page or the next visit settles it.
  }
}
