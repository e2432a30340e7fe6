/**
 * The sticky site header, one row: brand, main navigation, a search of the shop (on every page),
 * the cart with its badge, and the account corner. On a phone the row stays at most 64 px: the
 * brand shows its mark only, search opens a field below the header, and the navigation and
 * account sit behind Menu; both panels close on navigation and with Escape.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { STORE_NAME } from '../../amplify/domain/catalog.ts';
import { cartItemCount } from '../lib/cart.ts';
import { getConnection } from '../lib/config.ts';
import { href, navigate, type Route } from '../lib/router.ts';
import { useCartLines } from '../lib/app-state.ts';

function NavLink({ to, current, label, className = 'nav-link', children }: { to: string; current: boolean; label?: string; className?: string; children: ReactNode }) {
  return (
    <a href={to} className={className} aria-current={current ? 'page' : undefined} aria-label={label}>
      {children}
    </a>
  );
}

function HeaderSearch({ open, onDone }: { open: boolean; onDone: () => void }) {
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(href.catalog({ search: text }));
    setText('');
    onDone();
  };
  return (
    <form role="search" aria-label="Shop" className="header-search" id="header-search" data-open={open} onSubmit={submit}>
      <label htmlFor="header-search-input" className="visually-hidden">
        Search the shop
      </label>
      <input
        id="header-search-input"
        ref={input}
        type="search"
        name="q"
        placeholder="e.g. desk lamp"
        autoComplete="off"
        enterKeyHint="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="header-search-submit">
        Search
      </button>
    </form>
  );
}

export function SiteHeader({ route, account }: { route: Route; account?: ReactNode }) {
  // Only products the store still sells: the cart leaves the others out of the order too.
  const count = cartItemCount(useCartLines());
  const { hasMailbox } = getConnection();
  const [panel, setPanel] = useState<'menu' | 'search'>();
  const close = () => setPanel(undefined);
  // A new page closes what was open.
  const address = JSON.stringify(route);
  useEffect(close, [address]);
  useEffect(() => {
    if (!panel) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [panel]);
  const toggle = (which: 'menu' | 'search') => setPanel((open) => (open === which ? undefined : which));

  return (
    <header className="site-header">
      <div className="container header-inner">
        <a href={href.catalog()} className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span className="brand-name">{STORE_NAME}</span>
        </a>
        <div className="header-menu" id="site-menu" data-open={panel === 'menu'}>
          <nav aria-label="Main">
            <ul className="nav-list">
              <li>
                <NavLink to={href.catalog()} current={route.name === 'catalog' || route.name === 'product'}>
                  Shop
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
        <HeaderSearch open={panel === 'search'} onDone={close} />
        <div className="header-actions">
          <button type="button" className="nav-link header-toggle" aria-expanded={panel === 'search'} aria-controls="header-search" onClick={() => toggle('search')}>
            Search
          </button>
          <NavLink
            to={href.cart()}
            className="nav-link cart-link"
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
          <button type="button" className="nav-link header-toggle" aria-expanded={panel === 'menu'} aria-controls="site-menu" onClick={() => toggle('menu')}>
            Menu
          </button>
        </div>
      </div>
    </header>
  );
}
