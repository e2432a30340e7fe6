import { Alert, Text, ThemeProvider } from '@aws-amplify/ui-react';
import { lazy, Suspense, type ReactNode } from 'react';
import { AccountMenu } from './auth/AccountMenu.tsx';
import { SignInGate } from './auth/SignInGate.tsx';
import { EmptyState, LoadingState, PageHeading } from './components/common.tsx';
import { itemCount } from './lib/cart.ts';
import { getConnection } from './lib/config.ts';
import { href, parseRoute, useHash, type Route } from './lib/router.ts';
import { useCartLines } from './lib/store.ts';
import { CatalogPage } from './pages/CatalogPage.tsx';
import { theme } from './theme.ts';

// Everything but the catalog loads on demand, to keep the first page small.
const CartPage = lazy(() => import('./pages/CartPage.tsx'));
const CheckoutPage = lazy(() => import('./pages/CheckoutPage.tsx'));
const OrderPage = lazy(() => import('./pages/OrderPage.tsx'));
const OrdersPage = lazy(() => import('./pages/OrdersPage.tsx'));
const MailboxPage = lazy(() => import('./pages/MailboxPage.tsx'));
const AllOrdersPage = lazy(() => import('./pages/AllOrdersPage.tsx'));

function NavLink({ to, current, children }: { to: string; current: boolean; children: ReactNode }) {
  return (
    <a href={to} className="nav-link" aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

function Header({ route }: { route: Route }) {
  const count = itemCount(useCartLines());
  const { hasMailbox } = getConnection();
  return (
    <header className="site-header">
      <div className="container header-inner">
        <a href={href.catalog()} className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Desk &amp; Gadget Co.</span>
        </a>
        <nav aria-label="Main">
          <ul className="nav-list">
            <li>
              <NavLink to={href.catalog()} current={route.name === 'catalog'}>
                Shop
              </NavLink>
            </li>
            <li>
              <NavLink to={href.cart()} current={route.name === 'cart' || route.name === 'checkout'}>
                Cart{' '}
                <span className="cart-count" aria-hidden="true">
                  {count}
                </span>
                <span className="visually-hidden">, {count === 1 ? '1 item' : `${count} items`}</span>
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
            <li className="nav-account">
              <AccountMenu current={route.name} />
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'catalog':
      return <CatalogPage />;
    case 'cart':
      return <CartPage />;
    case 'checkout':
      // Guests sign in (or create an account) right here; the cart is kept.
      return (
        <SignInGate title="Checkout" reason="Sign in or create an account to place your order. Your cart is kept.">
          {() => <CheckoutPage />}
        </SignInGate>
      );
    case 'all-orders':
      return <AllOrdersPage />;
    case 'orders':
      return <OrdersPage />;
    case 'order':
      return (
        <SignInGate title="Your order" reason="Sign in to see this order.">
          {() => <OrderPage key={route.orderId} orderId={route.orderId} />}
        </SignInGate>
      );
    case 'mailbox':
      return <MailboxPage />;
    case 'not-found':
      return (
        <>
          <PageHeading title="Page not found">Page not found</PageHeading>
          <EmptyState title="There is nothing at this address">
            <Text>
              <a href={href.catalog()}>Back to the shop</a>
            </Text>
          </EmptyState>
        </>
      );
  }
}

function NotConnected() {
  return (
    <>
      <PageHeading title="Store unavailable">The store is not connected</PageHeading>
      <Alert variation="warning" heading="No backend configuration" role="alert">
        This build of the storefront has no <code>amplify_outputs.json</code> (or it names no <code>ordersApi</code>), so it
        cannot load products or take orders. Run <code>npm start</code> for the local stack, or deploy the backend and build
        again.
      </Alert>
    </>
  );
}

export function App() {
  const route = parseRoute(useHash());
  const { connected } = getConnection();
  return (
    <ThemeProvider theme={theme}>
      <a href="#main" className="skip-link" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        Skip to content
      </a>
      <Header route={route} />
      <main id="main" tabIndex={-1} className="container site-main">
        {connected ? (
          <Suspense fallback={<LoadingState label="Loading page…" />}>
            <Page route={route} />
          </Suspense>
        ) : (
          <NotConnected />
        )}
      </main>
      <footer className="site-footer">
        <div className="container">
          <Text as="p" fontSize="small">
            Desk &amp; Gadget Co. · Prices in US dollars, taxes included · Orders are processed by the orders platform.
          </Text>
        </div>
      </footer>
    </ThemeProvider>
  );
}
