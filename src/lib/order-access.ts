/**
 * Guest orders' tokens in this browser: the order's link (`orderUrl`, its e-mails) holds the token
 * after the `#`; the storefront keeps it per order (localStorage) and sends it in `X-Order-Token`
 * whenever it reads, cancels or pays that order again. A signed-in customer's orders need none.
 * Signing out forgets them with the cart (src/lib/app-state.ts).
 */
import { ORDER_TOKEN } from '../../amplify/domain/api.ts';
import { canonicalOrderId } from '../../amplify/domain/order-rules.ts';
import { ORDER_TOKENS_KEY as STORAGE_KEY } from './storage-keys.ts';

/** Orders remembered at most (the oldest forgotten first): a guest's own, in one browser. */
const MAX_ORDERS = 50;

function read(): Record<string, string> {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function rememberOrderToken(orderId: string, token: string): void {
  const id = canonicalOrderId(orderId);
  if (!id || !ORDER_TOKEN.pattern.test(token)) return;
  const entries = Object.entries(read()).filter(([key]) => key !== id);
  entries.push([id, token]);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(entries.slice(-MAX_ORDERS))));
  } catch {
    // Not kept (private mode, full storage): the e-mail's link still opens the order.
  }
}

export function orderTokenFor(orderId: string): string | undefined {
  const token = read()[orderId];
  return token && ORDER_TOKEN.pattern.test(token) ? token : undefined;
}

/** The token in an order's link (`…/#/orders/<id>?token=…`), if it holds one. */
export function tokenOfOrderUrl(orderUrl: string): string | undefined {
  const query = orderUrl.split('#')[1]?.split('?')[1];
  const token = query ? new URLSearchParams(query).get(ORDER_TOKEN.query) : null;
  return token && ORDER_TOKEN.pattern.test(token) ? token : undefined;
}

/** The header that opens a guest order this browser holds the token of (none otherwise). */
export function orderTokenHeader(orderId: string): Record<string, string> {
  const token = orderTokenFor(orderId);
  return token ? { [ORDER_TOKEN.header]: token } : {};
}
