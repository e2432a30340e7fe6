/**
 * Once the cart holds something and nobody is signed in, the sign-in form's code (the largest
 * chunk, ~110 kB gzip) is fetched while the browser is idle, so checkout does not wait for it.
 */
import { useEffect } from 'react';
import { useAccountState } from '../auth/account.ts';
import { useCartLines } from './app-state.ts';

let started = false;

/** Asks for the module once, when idle (a timeout where `requestIdleCallback` is missing). */
export function prefetchSignIn(load: () => Promise<unknown> = () => import('../auth/SignInForm.tsx')): void {
  if (started) return;
  started = true;
  const run = () => void load().catch(() => {
    started = false; // A failed prefetch is tried again later; the checkout loads it anyway.
  });
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(run, { timeout: 5000 });
  else setTimeout(run, 1000);
}

export function usePrefetchSignIn(): void {
  const hasItems = useCartLines().length > 0;
  const signedOut = useAccountState().status === 'signedOut';
  useEffect(() => {
    if (hasItems && signedOut) prefetchSignIn();
  }, [hasItems, signedOut]);
}
