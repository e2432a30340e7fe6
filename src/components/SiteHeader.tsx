/**
 * The sticky site header: brand, main navigation with the cart badge, and a slot for an account
 * menu (sign-in arrives with accounts; the header only leaves room for it).
 */
import type { ReactNode } from 'react';
import { STORE_NAME } from '../../amplify/domain/catalog.ts';
import { cartItemCount } from '../lib/cart.ts';
import { getConnection } from '../lib/config.ts';
import { href, type Route } from '../lib/router.ts';
import { useCartLines } from '../lib/app-state.ts';

function NavLink({ to, current, label, children }: { to: string; current: boolean; label?: string; children: ReactNode }) {
  return (
    <a href={to} className="nav-link" aria-current={current ? 'page' : undefined} aria-label={label}>
      {children}
    </a>
  );
}

export function SiteHeader({ route, account }: { route: Route; account?: ReactNode }) {
  // Only products the store still sells: the cart leaves the others out of the order too.
  const count = cartItemCount(useCartLines());
  const { hasMailbox } = getConnection();
  return (
    <header className="site-header">
      <div className="container header-inner">
        <a href={href.catalog()} className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>{STORE_NAME}</span>
        </a>
        <nav aria-label="Main">
          <ul className="nav-list">
            <li>
              <NavLink to={href.catalog()} current={route.name === 'catalog' || route.name === 'product'}>
                Shop
              </NavLink>
            </li>
            <li>
              <NavLink
                to={href.cart()}
                current={route.name === 'cart' || route.name === 'checkout'}
                label={`Cart, ${count === 0 ? 'empty' : count === 1 ? '1 item' : `${count} items`}`}
              >
                Cart
                {count > 0 && (
                  <span className="cart-count" data-testid="cart-badge">
                    {count}
                  </span>
                )}
              </NavLink>
            </li>
            <li>
              <NavLink to={href.orders()} current={route.name === 'orders' || route.name === 'order'}>
                My orders
              </NavLink>
            </li>
            {hasMailbox && (
              <li>
                <NavLink to={href.mailbox()} current={route.name === 'mailbox'}>
                  Mailbox
                </NavLink>
              </li>
            )}
          </ul>
        </nav>
        {account && <div className="account-slot">{account}</div>}
      </div>
    </header>
  );
}
