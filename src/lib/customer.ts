/**
 * Until sign-in exists the storefront keeps one customer id per browser (localStorage), matching
 * the shared `customerIdSchema` (letters, digits, `_`, `-`; at most 64 characters).
 */
export const CUSTOMER_STORAGE_KEY = 'storefront.customerId.v1';
const VALID = /^[A-Za-z0-9_-]{1,64}$/;

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newCustomerId(): string {
  return `cust-${randomId()}`;
}

export function getCustomerId(storage: Storage | undefined = globalThis.localStorage): string {
  const stored = storage?.getItem(CUSTOMER_STORAGE_KEY);
  if (stored && VALID.test(stored)) return stored;
  const id = newCustomerId();
  try {
    storage?.setItem(CUSTOMER_STORAGE_KEY, id);
  } catch {
    // Storage unavailable: the id lasts for this page only.
  }
  return id;
}

/** A fresh Idempotency-Key (visible ASCII, well under the API's 128 characters). */
export function newIdempotencyKey(): string {
  return `checkout-${randomId()}`;
}
