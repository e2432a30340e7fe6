/**
 * The customer is the signed-in account (its Cognito `sub`, the same on every device); the API
 * takes it from the token. `getCustomerId` is empty for a guest, who is asked to sign in at
 * checkout. (The per-browser id of the store before accounts is no longer used.)
 */
import { currentAccount } from '../auth/account.ts';

const VALID = /^[A-Za-z0-9_-]{1,64}$/;

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function getCustomerId(): string {
  const sub = currentAccount()?.sub ?? '';
  return VALID.test(sub) ? sub : '';
}

/** A fresh Idempotency-Key (visible ASCII, well under the API's 128 characters). */
export function newIdempotencyKey(): string {
  return `checkout-${randomId()}`;
}
