/**
 * Who is signed in, for the whole storefront: the account from the Cognito ID token (sub, e-mail,
 * name, staff or not), kept in step with Amplify's auth events. Small on purpose: the first page
 * imports it (header, API client); the sign-in form itself loads only when needed (SignInGate).
 */
import { fetchAuthSession, fetchUserAttributes, signOut as amplifySignOut } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import { useSyncExternalStore } from 'react';
import { parseGroups, STAFF_GROUP } from '../../amplify/domain/auth.ts';

export interface Account {
  /** The Cognito `sub`: the customer id of the account's orders. */
  sub: string;
  email: string;
  name?: string;
  isStaff: boolean;
}

export type AccountState = { status: 'loading' } | { status: 'signedOut' } | { status: 'signedIn'; account: Account };

let state: AccountState = { status: 'loading' };
const listeners = new Set<() => void>();
function set(next: AccountState) {
  state = next;
  for (const listener of listeners) listener();
}

/** The current ID token (refreshed by Amplify when it has expired), or undefined when signed out. */
export async function getIdToken(): Promise<string | undefined> {
  try {
    const { tokens } = await fetchAuthSession();
    return tokens?.idToken?.toString();
  } catch {
    return undefined;
  }
}

/** Reads the session again (after a sign-in, sign-out or token refresh). */
export async function refreshAccount(): Promise<AccountState> {
  let next: AccountState = { status: 'signedOut' };
  try {
    const { tokens } = await fetchAuthSession();
    const claims = tokens?.idToken?.payload;
    if (claims && typeof claims.sub === 'string' && typeof claims.email === 'string') {
      // Cognito puts `name` in the ID token; the local pool does not, so ask the pool for it.
      let name = typeof claims.name === 'string' ? claims.name : undefined;
      if (!name) name = await fetchUserAttributes().then((attributes) => attributes.name, () => undefined);
      next = {
        status: 'signedIn',
        account: {
          sub: claims.sub,
          email: claims.email,
          ...(name ? { name } : {}),
          isStaff: parseGroups(claims['cognito:groups']).includes(STAFF_GROUP),
        },
      };
    }
  } catch {
    // No session (or the user pool is unreachable): signed out.
  }
  set(next);
  return next;
}

let started = false;
/**
 * Starts following Amplify's auth events (once; after `Amplify.configure`). Without a user pool
 * in the outputs nobody can sign in: the storefront stays signed out rather than "loading".
 */
export function watchAccount(hasUserPool = true): void {
  if (!hasUserPool) return set({ status: 'signedOut' });
  if (started) return;
  started = true;
  Hub.listen('auth', () => void refreshAccount());
  void refreshAccount();
}

/** What this browser keeps for the signed-in account (cart, checkout details), forgotten at sign-out. */
const forgetters = new Set<() => void>();
export function forgetAtSignOut(forget: () => void): void {
  forgetters.add(forget);
}

/** Signs out and forgets the account's cart and checkout details: the next person starts clean. */
export async function signOut(): Promise<void> {
  await amplifySignOut();
  for (const forget of forgetters) {
    try {
      forget();
    } catch {
      // Storage unavailable: nothing was kept there.
    }
  }
  set({ status: 'signedOut' });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useAccountState(): AccountState {
  return useSyncExternalStore(subscribe, () => state, () => state);
}

/** The signed-in account, or undefined. */
export function currentAccount(): Account | undefined {
  return state.status === 'signedIn' ? state.account : undefined;
}
