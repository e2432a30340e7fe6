/**
 * Screenshot comparisons (`toHaveScreenshot`) of every shopper page at desktop and phone sizes.
 * Stable across runs: the catalog is bundled, the cart is set in localStorage, orders come from
 * fixed fixtures served in place of the API (the journeys in the other specs use the real stack),
 * the clock and the time zone are fixed. Baselines live in e2e/visual.spec.ts-snapshots/ and are
 * made with Debian's Chromium (/usr/bin/chromium) and hold in its headless shell, which CI runs:
 *   npx playwright test e2e/visual.spec.ts --update-snapshots
 */
import { expect, test, type Page } from '@playwright/test';
import { canCancel, orderNumberOf } from '../amplify/domain/order-rules.ts';
import { ensureAccount, signInInPlace } from './accounts.ts';
import { expectAccessible, SIZES } from './helpers.ts';
import { NOW, ORDERS, serveOrders } from './order-fixtures.ts';

/** One fixed account (made once per user pool) so the header's e-mail is the same in every run. */
const ACCOUNT_EMAIL = 'visual@example.com';
const CART = [
  { productId: 'prod-012', quantity: 2 },
  { productId: 'prod-018', quantity: 1 },
];

test.use({ timezoneId: 'UTC', locale: 'en-US' });

async function prepare(page: Page, viewport: (typeof SIZES)[keyof typeof SIZES], cart: readonly object[] = [], listed: readonly object[] = ORDERS) {
  await page.clock.setFixedTime(NOW);
  await page.setViewportSize(viewport);
  await page.addInitScript((lines) => {
    localStorage.setItem('storefront.cart.v1', lines);
  }, JSON.stringify(cart));
  await serveOrders(page, listed);
}

/**
 * Checkout, My orders and order pages are behind the sign-in gate: signs in there for real, with
 * the fixed account, against the test stack's local user pool (the orders stay the fixtures).
 */
async function signIn(page: Page) {
  await ensureAccount(ACCOUNT_EMAIL);
  await page.goto('/#/orders');
  await signInInPlace(page, ACCOUNT_EMAIL);
}

/**
 * Full page from the top (a sticky header would otherwise be drawn where the page was scrolled to),
 * once the header's account slot has settled (the e-mail, or Sign in; nothing while loading).
 */
async function snap(page: Page, name: string) {
  // On a phone the account corner is behind Menu: attached, not visible.
  const header = page.getByRole('banner');
  await expect(header.getByTestId('account-email').or(header.getByRole('link', { name: 'Sign in', includeHidden: true })).first()).toBeAttached();
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page).toHaveScreenshot(`${name}.png`, { fullPage: true });
}

for (const [size, viewport] of Object.entries(SIZES)) {
  test.describe(`${size} ${viewport.width}x${viewport.height}`, () => {
    test('catalog and product', async ({ page }) => {
      await prepare(page, viewport);
      await page.goto('/');
      await expect(page.getByRole('article')).toHaveCount(24);
      await snap(page, `catalog-${size}`);
      await page.goto('/#/?q=usb&category=power');
      await expect(page.getByRole('article')).toHaveCount(4);
      await snap(page, `catalog-search-${size}`);
      await page.goto('/#/products/prod-014');
      await expect(page.getByRole('heading', { level: 1, name: 'USB Microphone' })).toBeVisible();
      await expectAccessible(page, `the product page (${size})`);
      await snap(page, `product-${size}`);
    });

    test('cart and checkout with errors', async ({ page }) => {
      // A first order: no earlier one to fill the checkout in from.
      await prepare(page, viewport, CART, []);
      await page.goto('/#/cart');
      await expect(page.getByTestId('cart-total')).toHaveText('$54.98'); // 2 × 18.50 + 12.99 + 4.99 shipping
      await snap(page, `cart-${size}`);
      await signIn(page);
      await page.goto('/#/checkout');
      // Signed in, the e-mail is the account's (read-only); every other field is left empty.
      await expect(page.getByLabel('E-mail', { exact: true })).toHaveValue(ACCOUNT_EMAIL);
      await page.getByRole('button', { name: 'Place order' }).click();
      await expect(page.getByText('7 fields need your attention.')).toBeVisible();
      await page.getByLabel('Full name', { exact: true }).blur();
      await expectAccessible(page, `the checkout with errors (${size})`);
      await snap(page, `checkout-errors-${size}`);
    });

    test('order in each status, and My orders', async ({ page }) => {
      test.slow(); // seven order pages, each checked with axe and compared
      await prepare(page, viewport);
      await signIn(page);
      for (const o of ORDERS) {
        await page.goto(`/#/orders/${o.orderId}`);
        await expect(page.getByTestId('order-status')).toBeVisible();
        await expect(page.getByTestId('order-number')).toHaveText(orderNumberOf(o.orderId));
        // "Cancel order" only while the order has not shipped.
        await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(canCancel(o.status) ? 1 : 0);
        await expectAccessible(page, `the ${o.status} order (${size})`);
        await snap(page, `order-${o.status.toLowerCase().replace('_', '-')}-${size}`);
      }
      await page.goto('/#/orders');
      await expect(page.getByTestId('order-row')).toHaveCount(ORDERS.length);
      await expectAccessible(page, `my orders (${size})`);
      await snap(page, `my-orders-${size}`);
    });
  });
}

test('"Cancel order" asks to confirm, then shows only what happened', async ({ page }) => {
  await prepare(page, SIZES.desktop);
  await signIn(page);
  const pending = ORDERS.find((o) => o.status === 'PENDING')!;
  await page.goto(`/#/orders/${pending.orderId}`);
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.getByRole('button', { name: 'Keep order' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Pending');
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.getByRole('button', { name: 'Yes, cancel order' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(page.getByText('Nothing will be shipped.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await expect(page.getByText('Shipped', { exact: true })).toHaveCount(0);
});
