/** Header: the signed-in e-mail and Sign out (staff also get All orders, Inventory and the Dashboard), or a Sign in link. */
import { Button } from '@aws-amplify/ui-react';
import './auth.css';
import { href, navigate, useHash } from '../lib/router.ts';
import { signOut, useAccountState } from './account.ts';

export function AccountMenu({ current }: { current?: string }) {
  const state = useAccountState();
  const here = useHash();
  if (state.status === 'loading') return null;
  if (state.status === 'signedOut') {
    // Back to this page once signed in (the sign-in page itself never becomes the way back).
    return (
      <a href={here.startsWith('#/sign-in') ? here : href.signIn(here)} className="nav-link account-signin">
        Sign in
      </a>
    );
  }
  const { account } = state;
  return (
    <div className="account-menu" aria-label="Account">
      {account.isStaff && (
        <a href={href.allOrders()} className="nav-link" aria-current={current === 'all-orders' ? 'page' : undefined}>
          All orders
        </a>
      )}
      {account.isStaff && (
        <a href={href.inventory()} className="nav-link" aria-current={current === 'inventory' ? 'page' : undefined}>
          Inventory
        </a>
      )}
      {account.isStaff && (
        <a href={href.dashboard()} className="nav-link" aria-current={current === 'dashboard' ? 'page' : undefined}>
          Dashboard
        </a>
      )}
      <a href={href.account()} className="account-email" data-testid="account-email" title="Your account: download or delete your data" aria-current={current === 'account' ? 'page' : undefined}>
        {account.email}
      </a>
      <Button
        size="small"
        variation="link"
        onClick={async () => {
          await signOut();
          navigate(href.catalog());
        }}
      >
        Sign out
      </Button>
    </div>
  );
}
