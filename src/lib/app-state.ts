/** App-wide state: the one cart (its state, kept in localStorage), and a hook for one remote call. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { isCancelError, toStoreError, type StoreError } from './api.ts';
import { forgetAtSignOut } from '../auth/account.ts';
import { createCartState, type CartLine } from './cart.ts';
import { CHECKOUT_FORM_KEY, CHECKOUT_KEY_KEY, ORDER_TOKENS_KEY, PENDING_ORDER_KEY } from './storage-keys.ts';

export const cartState = createCartState(typeof window === 'undefined' ? undefined : window.localStorage);

// Sign-out forgets the cart, the checkout form, the order in progress and guest orders' links: a shared browser's next
// customer starts empty, and their saved details come only from their own account (Cognito).
forgetAtSignOut(() => {
  cartState.clear();
  sessionStorage.removeItem(CHECKOUT_FORM_KEY);
  sessionStorage.removeItem(CHECKOUT_KEY_KEY);
  localStorage.removeItem(PENDING_ORDER_KEY);
  localStorage.removeItem(ORDER_TOKENS_KEY);
});

export function useCartLines(): CartLine[] {
  return useSyncExternalStore(cartState.subscribe, cartState.getSnapshot, cartState.getSnapshot);
}

export type Remote<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'error'; data?: undefined; error: StoreError }
  | { status: 'success'; data: T; error?: undefined };

/** Runs `load` when `key` changes; cancels the call on unmount or a new key; `reload` runs it again. */
export function useRemote<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Remote<T> & { reload: () => void } {
  const [state, setState] = useState<Remote<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'success', data });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isCancelError(error)) return;
        setState({ status: 'error', error: toStoreError(error) });
      },
    );
    return () => controller.abort();
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
