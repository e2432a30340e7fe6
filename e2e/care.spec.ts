/**
 * After the sale, on a phone and for staff (issue 24): the help and policy pages from the footer
 * and from an order that went wrong, recovering from a page whose code could not be downloaded,
 * "Buy it again", the tracking link, the phone header and checkout, search from the header, the
 * way back after signing in and after Back, staff finding a customer's orders by e-mail, and staff
 * refunding a delivered order (a return).
 */
import { expect, test, type Page } from '@playwright/test';
import { POLICY_PAGES } from '../amplify/domain/shop.ts';
import { createAccount, signInInPlace } from './accounts.ts';
import { expectAccessible, openShop, placeOrder, reloadUntilDelivered, SIZES } from './helpers.ts';
import { ORDERS, serveOrders } from './order-fixtures.ts';

const fixture = (status: string) => ORDERS.find((o) => o.status === status)!;

/** Signs in with a new account on the order's page (the order itself is a fixture). */
async function openFixtureOrder(page: Page, status: string) {
  await serveOrders(page, ORDERS);
  await page.goto(`/#/orders/${fixture(status).orderId}`);
  await signInInPlace(page, await createAccount());
  await expect(page.getByTestId('order-status')).toBeVisible();
}

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`every policy page is linked from the footer and accessible (${size})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openShop(page);
    const footer = page.getByRole('contentinfo');
    for (const { title } of POLICY_PAGES) {
      await footer.getByRole('link', { name: title, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
      await expectAccessible(page, `the ${title} page (${size})`);
    }
    await footer.getByRole('link', { name: 'Contact us' }).click();
    await expect(page.getByRole('main').getByRole('link', { name: 'support@deskgadget.example' })).toBeVisible();
  });
}

test('a failed, a cancelled and a refunded order link to help, contact and returns', async ({ page }) => {
  await openFixtureOrder(page, 'SHIPMENT_FAILED');
  for (const status of ['SHIPMENT_FAILED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED']) {
    await page.goto(`/#/orders/${fixture(status).orderId}`);
    const alert = page.locator('.failure');
    await expect(alert.getByRole('link', { name: 'Returns and refunds' })).toBeVisible();
    await expect(alert.getByRole('link', { name: 'Help' })).toBeVisible();
  }
  await page.goto(`/#/orders/${fixture('SHIPMENT_FAILED').orderId}`);
  await page.locator('.failure').getByRole('link', { name: 'Contact us' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contact us' })).toBeVisible();
});

test('a page whose code cannot be downloaded says so, and Reload brings it back in one click', async ({ page }) => {
  await openShop(page);
  const blocked = (url: URL) => url.pathname.includes('PolicyPage'); // its lazy chunk
  await page.route(blocked, (route) => route.abort('internetdisconnected'));
  await page.getByRole('contentinfo').getByRole('link', { name: 'Shipping' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'This page could not be loaded' })).toBeVisible();
  await expect(page.getByRole('banner')).toBeVisible(); // the app is still there
  await expectAccessible(page, 'the page-not-loaded state');
  // Another page still works, and coming back shows the same message, not a blank screen.
  await page.getByRole('link', { name: /^Cart/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await page.unroute(blocked);
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Shipping' })).toBeVisible();
});

test('"Buy it again" puts a delivered order\'s items in the cart at today\'s prices; tracking links to the carrier', async ({ page }) => {
  await openFixtureOrder(page, 'DELIVERED');
  const tracking = page.getByRole('link', { name: /TRK0123456789AB/ });
  await expect(tracking).toHaveAttribute('href', 'https://tracking.example.com/parcels/TRK0123456789AB');
  await expect(tracking).toHaveAttribute('target', '_blank');
  await page.getByRole('button', { name: 'Buy it again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  await expect(page.getByTestId('cart-notice')).toHaveText(/Added 2 products from this order to your cart, at today's prices\./);
  await expect(page.getByTestId('cart-line-prod-001')).toBeVisible();
  await expect(page.getByLabel('Quantity of Coffee Mug', { exact: true })).toHaveValue('2');
  await expect(page.getByTestId('delivery-estimate')).toContainText('Estimated delivery');
});

test('on a phone the header is one row of at most 64 px on every page, with search; checkout starts with the form', async ({ page }) => {
  await page.setViewportSize(SIZES.phone);
  await openShop(page);
  await page.getByRole('button', { name: 'Add to cart Coffee Mug' }).click();
  for (const hash of ['#/', '#/products/prod-001', '#/cart', '#/orders', '#/help']) {
    await page.goto(`/${hash}`);
    await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toBeVisible();
    const box = (await page.getByRole('banner').boundingBox())!;
    expect(box.height, `header on ${hash}`).toBeLessThanOrEqual(64);
    await expect(page.getByRole('button', { name: 'Search' })).toBeVisible();
  }
  // Search from the header of any page.
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('searchbox', { name: 'Search the shop' }).fill('lamp');
  await page.getByRole('searchbox', { name: 'Search the shop' }).press('Enter');
  await expect(page.getByTestId('results-count')).toContainText('“lamp”');
  // The menu holds the rest and closes on navigation.
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'My orders' }).click();
  await expect(page.getByRole('button', { name: 'Menu' })).toHaveAttribute('aria-expanded', 'false');

  await page.goto('/#/checkout');
  await signInInPlace(page, await createAccount());
  const first = page.getByLabel('Full name', { exact: true });
  await expect(first).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, 0));
  const field = (await first.boundingBox())!;
  expect(field.y + field.height).toBeLessThanOrEqual(SIZES.phone.height);
  // The summary is one line until opened.
  const summary = page.locator('details.order-summary');
  await expect(summary).not.toHaveAttribute('open');
  await summary.locator('summary').click();
  await expect(summary.getByTestId('cart-line-prod-012')).toBeVisible();
  await expectAccessible(page, 'the phone checkout');
});

test('the header\'s Sign in comes back to the page the shopper was on', async ({ page }) => {
  await page.goto('/#/products/prod-014');
  await expect(page.getByRole('heading', { level: 1, name: 'USB Microphone' })).toBeVisible();
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click();
  await expectAccessible(page, 'the sign-in page');
  await signInInPlace(page, await createAccount());
  await expect(page).toHaveURL(/#\/products\/prod-014$/);
  await expect(page.getByRole('heading', { level: 1, name: 'USB Microphone' })).toBeVisible();
});

test('Back, and the product page\'s way back, return to the catalog where it was scrolled to', async ({ page }) => {
  await page.setViewportSize(SIZES.phone);
  await openShop(page);
  const card = page.getByRole('article').filter({ hasText: 'Travel Tech Pouch' });
  await card.scrollIntoViewIfNeeded();
  const before = await page.evaluate(() => window.scrollY);
  expect(before).toBeGreaterThan(500);
  await card.getByRole('link', { name: 'Travel Tech Pouch' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Travel Tech Pouch' })).toBeVisible();
  await page.goBack();
  await expect(card).toBeInViewport();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(before - 5);
  // The product page's own way back does the same.
  await card.getByRole('link', { name: 'Travel Tech Pouch' }).click();
  await page.getByRole('link', { name: '← Back to the shop' }).click();
  await expect(card).toBeInViewport();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(before - 5);
});

test('with something in the cart the sign-in code is fetched before checkout, while idle', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await openShop(page);
  await page.waitForTimeout(1500); // idle with an empty cart: nothing fetched
  expect(requested.some((path) => path.includes('SignInForm'))).toBe(false);
  await page.getByRole('button', { name: 'Add to cart Coffee Mug' }).click();
  await expect.poll(() => requested.some((path) => path.includes('SignInForm')), { timeout: 15_000 }).toBe(true);
  // Still on the catalog: nothing was opened, only fetched.
  await expect(page.getByRole('heading', { level: 1, name: 'Desk gear, delivered' })).toBeVisible();
});

test('staff find a customer\'s orders by e-mail, open one with the customer\'s details and a note, and Back keeps the filters', async ({ page, browser }) => {
  const customer = await createAccount();
  const orderId = await placeOrder(page, ['Desk Lamp'], { email: customer });
  const context = await browser.newContext();
  const staff = await context.newPage();
  await staff.goto('/#/staff/orders');
  await signInInPlace(staff, await createAccount({ staff: true }));
  await staff.getByLabel('Customer e-mail').fill(customer);
  await staff.getByRole('button', { name: 'Find customer' }).click();
  await expect(staff).toHaveURL(new RegExp(`customerEmail=${encodeURIComponent(customer)}`));
  const rows = staff.getByTestId('staff-order-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(customer);
  await expectAccessible(staff, 'all orders by e-mail');
  await rows.first().getByRole('link').click();
  await expect(staff).toHaveURL(new RegExp(`#/orders/${orderId}$`));
  const panel = staff.getByTestId('staff-panel');
  await expect(panel.getByRole('link', { name: customer })).toBeVisible();
  await panel.getByLabel(/Note for staff/).fill('Asked to leave it with the neighbour.');
  await panel.getByRole('button', { name: 'Save note' }).click();
  await expect(panel.getByText(/Note saved\. Last saved .* by staff-/)).toBeVisible();
  await expectAccessible(staff, 'the staff order view');
  await staff.reload();
  await expect(staff.getByTestId('staff-panel').getByLabel(/Note for staff/)).toHaveValue('Asked to leave it with the neighbour.');
  await staff.goBack();
  await expect(staff.getByLabel('Customer e-mail')).toHaveValue(customer);
  await expect(staff.getByTestId('staff-order-row')).toHaveCount(1);
  // The customer never sees the note.
  await page.reload();
  await expect(page.getByTestId('order-status')).toBeVisible();
  await expect(page.getByText('neighbour')).toHaveCount(0);
  await context.close();
});

test('a paid order can be cancelled for its cancel window, and the refund shows once it is made', async ({ page }) => {
  await placeOrder(page, ['Desk Lamp']);
  // Paid and held: the page says until when, and stops polling until then.
  await expect(page.getByTestId('order-status')).toHaveText('Payment processed', { timeout: 30_000 });
  await expect(page.getByTestId('cancel-until')).toContainText(/You can cancel until .+; it ships then\./);
  await expect(page.getByTestId('thank-you')).toContainText(/Cancel it on this page until /);
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.getByRole('button', { name: 'Yes, cancel order' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
  // The page follows the compensation: first owed, then made (the same words in My orders).
  await expect(page.locator('.failure')).toContainText(/Your payment of \$[\d.,]+ was refunded on /, { timeout: 30_000 });
  await expect(page.getByText('Shipped', { exact: true })).toHaveCount(0);
  await page.goto('/#/orders');
  await expect(page.getByTestId('order-row').first()).toContainText('Refunded');
});

test('staff refund a delivered order (a return); the customer sees it refunded, with the amount, on the order and in My orders', async ({ page, browser }) => {
  const customer = await createAccount();
  const orderId = await placeOrder(page, ['Coffee Mug'], { email: customer });
  await reloadUntilDelivered(page);
  const context = await browser.newContext();
  const staff = await context.newPage();
  await staff.goto(`/#/orders/${orderId}`);
  await signInInPlace(staff, await createAccount({ staff: true }));
  const panel = staff.getByTestId('staff-panel');
  await panel.getByRole('button', { name: 'Refund order' }).click();
  // Asking moves the keyboard to the reason; Keep order brings it back.
  await expect(panel.getByLabel(/Reason/)).toBeFocused();
  await panel.getByRole('button', { name: 'Keep order' }).click();
  await expect(panel.getByRole('button', { name: 'Refund order' })).toBeFocused();
  await panel.getByRole('button', { name: 'Refund order' }).click();
  await panel.getByLabel(/Reason/).fill('Returned unopened');
  await expectAccessible(staff, 'the staff refund confirmation');
  await panel.getByRole('button', { name: 'Yes, refund order' }).click();
  await expect(staff.getByTestId('order-status')).toHaveText('Refunded');
  // The page follows the refund until it is recorded.
  await expect(panel.getByTestId('staff-refund')).toHaveText(/^Refunded · \$/);
  await expect(panel.getByRole('button', { name: 'Refund order' })).toHaveCount(0);
  await context.close();

  await page.reload();
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
  await expect(page.locator('.failure')).toContainText('The store refunded this order (Returned unopened).');
  await expect(page.locator('.failure')).toContainText(/Your payment of \$[\d.,]+ was refunded on /);
  await expectAccessible(page, 'a refunded order');
  await page.goto('/#/orders');
  await expect(page.getByTestId('order-row').filter({ hasText: 'Refunded' })).toHaveCount(1);
});

test.describe('keyboard', () => {
  test('the skip link is visible above the sticky header when focused, also scrolled down', async ({ page }) => {
    for (const viewport of Object.values(SIZES)) {
      await page.setViewportSize(viewport);
      await openShop(page);
      await page.evaluate(() => window.scrollTo(0, 600));
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to content' });
      await expect(skip).toBeFocused();
      await expect(skip).toBeInViewport();
      // Nothing (the header) covers it: it is the element drawn at its centre.
      expect(await skip.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
      })).toBe(true);
      await page.keyboard.press('Enter');
      await expect(page.locator('#main')).toBeFocused();
    }
  });

  test('focus after Cancel: on the choice, back on the button, then on the status', async ({ page }) => {
    await openFixtureOrder(page, 'PENDING');
    await page.getByRole('button', { name: 'Cancel order' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('button', { name: 'Yes, cancel order' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Keep order
    await expect(page.getByRole('button', { name: 'Cancel order' })).toBeFocused();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // Yes, cancel order
    await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
    await expect(page.getByRole('heading', { level: 2, name: /^Status/ })).toBeFocused();
  });

  test('focus after Remove: the next line\'s Remove, then the heading once the cart is empty', async ({ page }) => {
    await page.addInitScript(() =>
      localStorage.setItem('storefront.cart.v1', JSON.stringify([{ productId: 'prod-012', quantity: 1 }, { productId: 'prod-018', quantity: 1 }])),
    );
    await page.goto('/#/cart');
    await page.getByRole('button', { name: 'Remove Coffee Mug' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('button', { name: /^Remove / })).toHaveCount(1);
    const last = page.getByRole('button', { name: /^Remove / });
    await expect(last).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByText('Your cart is empty')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeFocused();
  });
});
