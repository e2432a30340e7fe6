/**
 * The order placed from this browser's cart whose payment is not confirmed yet. The cart is emptied
 * only once the payment is confirmed: a decline leaves it as it was, so the shopper can try again.
 */
import { PAID_STATUSES, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { cartState } from './app-state.ts';

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

export function rememberPendingOrder(orderId: string, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(PENDING_ORDER_KEY, orderId);
  } catch {
    // Without storage the cart is simply kept: the shopper can empty it.
  }
}

/**
 * Called with each status the order page sees. Paid: the cart (and the saved checkout form) is
 * cleared. Declined or failed before payment: the marker goes, the cart stays.
 */
export function settlePendingOrder(orderId: string, status: OrderStatus, storage: Storage | undefined = globalThis.localStorage): void {
  if (storage?.getItem(PENDING_ORDER_KEY) !== orderId) return;
  if (PAID_STATUSES.includes(status)) {
    storage.removeItem(PENDING_ORDER_KEY);
    cartState.clear();
    forgetCheckout(false);
  } else if (status === 'PAYMENT_FAILED') {
    storage.removeItem(PENDING_ORDER_KEY);
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
  const orderId = storage?.getItem(PENDING_ORDER_KEY);
  if (!orderId) return;
  try {
    settlePendingOrder(orderId, (await fetchStatus(orderId)).status, storage);
  } catch {
    // Offline or not found yet: the order page or the next visit settles it.
  }
}
