import { Alert, Text, ThemeProvider } from '@aws-amplify/ui-react';
import { lazy, Suspense, useEffect, useLayoutEffect, useState } from 'react';
import { formatPrice, STORE_NAME } from '../amplify/domain/catalog.ts';
import { SHIPPING_RULE } from '../amplify/domain/shipping.ts';
import { POLICY_PAGES } from '../amplify/domain/shop.ts';
import { AccountMenu } from './auth/AccountMenu.tsx';
import { SignInGate } from './auth/SignInGate.tsx';
import { LoadingState, PageHeading, PageNotFound } from './components/common.tsx';
import { PageBoundary } from './components/PageBoundary.tsx';
import { SiteHeader } from './components/SiteHeader.tsx';
import { Toast } from './components/Toast.tsx';
import { fetchOrder } from './lib/api.ts';
import { getConnection } from './lib/config.ts';
import { orderTokenFor, rememberOrderToken } from './lib/order-access.ts';
import { settlePendingOrderOnLoad } from './lib/pending-order.ts';
import { usePrefetchSignIn } from './lib/prefetch.ts';
import { href, keepScrollPositions, parseRoute, restoreScroll, useHash, type Route } from './lib/router.ts';
import { CatalogPage } from './pages/CatalogPage.tsx';
import { theme } from './theme.ts';

// Everything but the catalog loads on demand, to keep the first page small.
const ProductPage = lazy(() => import('./pages/ProductPage.tsx'));
const CartPage = lazy(() => import('./pages/CartPage.tsx'));
const CheckoutPage = lazy(() => import('./pages/CheckoutPage.tsx'));
const OrderPage = lazy(() => import('./pages/OrderPage.tsx'));
const OrdersPage = lazy(() => import('./pages/OrdersPage.tsx'));
const MailboxPage = lazy(() => import('./pages/MailboxPage.tsx'));
const AllOrdersPage = lazy(() => import('./pages/AllOrdersPage.tsx'));
const InventoryPage = lazy(() => import('./pages/InventoryPage.tsx'));
// Staff only; its chart library (uPlot) loads with it and never with the first page.
const DashboardPage = lazy(() => import('./pages/DashboardPage.tsx'));
const AccountPage = lazy(() => import('./pages/AccountPage.tsx'));
const PolicyPage = lazy(() => import('./pages/PolicyPage.tsx'));
const SignInPage = lazy(() => import('./pages/SignInPage.tsx'));

/** Checkout: signed in, or as a guest (an e-mail, no account) when the shopper chooses so; the cart is kept either way. */
function CheckoutRoute() {
  const [asGuest, setAsGuest] = useState(false);
  if (asGuest) return <CheckoutPage guest />;
  return (
    <SignInGate
      title="Checkout"
      reason="Sign in or create an account to place your order, or check out as a guest. Your cart is kept."
      guestChoice={{
        label: 'Continue as guest',
        description: 'No account needed: we e-mail you a link to follow your order. You can create an account afterwards.',
        onChoose: () => setAsGuest(true),
      }}
    >
      {() => <CheckoutPage />}
    </SignInGate>
  );
}

/**
 * One order: for its owner or staff signed in, or for a guest with the order's link. The link's
 * token is kept in this browser (`order-access.ts`) and taken out of the address bar, so it is not
 * shared by copying the address or left in the history.
 */
function OrderRoute({ orderId, token }: { orderId: string; token?: string }) {
  // Kept before the first render (a state initializer runs once, at once), so the page's first request carries it.
  useState(() => token && rememberOrderToken(orderId, token));
  useEffect(() => {
    if (token) window.history.replaceState(window.history.state, '', href.order(orderId));
  }, [orderId, token]);
  return (
    <SignInGate title="Your order" reason="Sign in to see this order." guest={orderTokenFor(orderId) ? <OrderPage orderId={orderId} /> : undefined}>
      {(account) => <OrderPage orderId={orderId} account={account} />}
    </SignInGate>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'catalog':
      return <CatalogPage filters={route} />;
    case 'product':
      return <ProductPage key={route.productId} productId={route.productId} />;
    case 'cart':
      return <CartPage />;
    case 'checkout':
      return <CheckoutRoute />;
    case 'all-orders':
      return <AllOrdersPage filters={route.filters} />;
    case 'inventory':
      return <InventoryPage />;
    case 'dashboard':
      return <DashboardPage from={route.from} to={route.to} />;
    case 'orders':
      return <OrdersPage />;
    case 'order':
      return <OrderRoute key={route.orderId} orderId={route.orderId} token={route.token} />;
    case 'mailbox':
      return <MailboxPage />;
    case 'account':
      return (
        <SignInGate title="Your account" reason="Sign in to download or delete your data.">
          {(account) => <AccountPage key={account.sub} account={account} />}
        </SignInGate>
      );
    case 'policy':
      return <PolicyPage page={route.page} />;
    case 'sign-in':
      return <SignInPage next={route.next} />;
    case 'not-found':
      return <PageNotFound back={<a href={href.catalog()}>Back to the shop</a>} />;
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

function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        <nav aria-label="Help and policies">
          <ul className="footer-links">
            {POLICY_PAGES.map(({ page, title }) => (
              <li key={page}>
                <a href={href.policy(page)}>{title}</a>
              </li>
            ))}
          </ul>
        </nav>
        <Text as="p" fontSize="small">
          {STORE_NAME} · Prices in US dollars; no sales tax is added · Free shipping on orders from{' '}
          {formatPrice(SHIPPING_RULE.freeFromCents / 100)}
        </Text>
      </div>
    </footer>
  );
}

export function App() {
  const hash = useHash();
  const route = parseRoute(hash);
  const { connected } = getConnection();
  useEffect(() => {
    if (connected) void settlePendingOrderOnLoad((orderId) => fetchOrder(orderId));
  }, [connected]);
  useEffect(keepScrollPositions, []);
  // The page's address without its query: typing a search (replaceState) is not a new page.
  const page = hash.split('?')[0] || '#/';
  useLayoutEffect(restoreScroll, [page]);
  usePrefetchSignIn();
  return (
    <ThemeProvider theme={theme}>
      <a href="#main" className="skip-link" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        Skip to content
      </a>
      <SiteHeader route={route} account={<AccountMenu current={route.name} />} />
      <main id="main" tabIndex={-1} className="container site-main">
        {connected ? (
          <PageBoundary key={page}>
            <Suspense fallback={<LoadingState label="Loading page…" />}>
              <Page route={route} />
            </Suspense>
          </PageBoundary>
        ) : (
          <NotConnected />
        )}
      </main>
      <SiteFooter />
      <Toast />
    </ThemeProvider>
  );
}
