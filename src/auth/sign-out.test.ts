// @vitest-environment jsdom
/** Sign-out forgets what this browser kept for the account: cart, checkout form, order in progress. */
import { describe, expect, it, vi } from 'vitest';

vi.mock('aws-amplify/auth', () => ({
  signOut: vi.fn(async () => undefined),
  fetchAuthSession: vi.fn(async () => ({})),
  fetchUserAttributes: vi.fn(async () => ({})),
}));

describe('sign-out', () => {
  it('clears the cart, the checkout details and the pending order; the next account starts empty', async () => {
    const { cartState } = await import('../lib/app-state.ts');
    const { CHECKOUT_FORM_KEY, CHECKOUT_KEY_KEY, PENDING_ORDER_KEY } = await import('../lib/storage-keys.ts');
    const { CART_STORAGE_KEY } = await import('../lib/cart.ts');
    const { signOut } = await import('./account.ts');
    cartState.add('prod-001', 2);
    sessionStorage.setItem(CHECKOUT_FORM_KEY, JSON.stringify({ customerName: 'Ana García', street: 'Calle Mayor 1' }));
    sessionStorage.setItem(CHECKOUT_KEY_KEY, '{"body":"x","key":"k"}');
    localStorage.setItem(PENDING_ORDER_KEY, 'order-1');
    await signOut();
    expect(cartState.getSnapshot()).toEqual([]);
    expect(JSON.parse(localStorage.getItem(CART_STORAGE_KEY) ?? '[]')).toEqual([]);
    expect(sessionStorage.getItem(CHECKOUT_FORM_KEY)).toBeNull();
    expect(sessionStorage.getItem(CHECKOUT_KEY_KEY)).toBeNull();
    expect(localStorage.getItem(PENDING_ORDER_KEY)).toBeNull();
  });
});
