/** Journeys of a shopper on the local stack where every payment succeeds. */
import { expect, test } from '@playwright/test';
import { orderNumberOf } from '../amplify/domain/order-rules.ts';
import { createAccount, signInInPlace } from './accounts.ts';
import { addToCart, expectAccessible, fillCheckout, openCheckout, openShop, placeOrder, reloadUntilDelivered, screenshot, SHOPPER } from './helpers.ts';

test('browse, add two products, check out: the order reaches Delivered and its e-mail is in the Mailbox', async ({ page }) => {
  test.setTimeout(150_000); // signing in comes first now
  await openShop(page);
  await expect(page.getByRole('article')).toHaveCount(24);
  await expect(page.getByRole('article').first().getByText('$129.99')).toBeVisible();
  await expectAccessible(page, 'the catalog');
  await screenshot(page, '01-catalog');

  await addToCart(page, 'Wireless Headphones');
  await addToCart(page, 'Coffee Mug');
  await addToCart(page, 'Coffee Mug');
  await expect(page.getByRole('link', { name: /Cart.*3 items/ })).toBeVisible();

  await page.getByRole('link', { name: /Cart/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeFocused();
  // 129.99 + 2 x 18.50, priced like the server does.
  await expect(page.getByTestId('cart-total')).toHaveText('$166.99');
  await expect(page.getByTestId('shipping')).toHaveText('Free');
  await expectAccessible(page, 'the cart');
  await screenshot(page, '02-cart');

  await page.getByRole('link', { name: 'Go to checkout' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  // A guest is asked to sign in right here; the cart stays.
  await expectAccessible(page, 'the sign-in form at checkout');
  await screenshot(page, '03a-checkout-sign-in');
  const email = await createAccount();
  await signInInPlace(page, email);
  await expect(page.getByRole('link', { name: /Cart.*3 items/ })).toBeVisible();
  await expect(page.getByLabel('E-mail', { exact: true })).toHaveValue(email);
  await fillCheckout(page);
  await expectAccessible(page, 'the checkout');
  await screenshot(page, '03-checkout');

  const posted = page.waitForRequest((r) => r.method() === 'POST' && /\/orders$/.test(new URL(r.url()).pathname));
  await page.getByRole('button', { name: 'Place order' }).click();
  const request = await posted;
  expect(request.headers()['idempotency-key']).toMatch(/^checkout-/);
  expect(request.headers()['authorization']).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/);
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  await expect(page.getByRole('heading', { level: 1, name: 'Your order' })).toBeVisible();
  // The thank-you moment: the number, what happens next, where the e-mail goes, the delivery window.
  const thanks = page.getByTestId('thank-you');
  await expect(thanks.getByRole('heading', { level: 2 })).toHaveText(`Thank you, ${SHOPPER['Full name']}: order ${orderNumberOf(orderId)} is placed`);
  await expect(thanks).toContainText(`E-mails go to ${email}: when the payment is confirmed, and when the order ships.`);
  await expect(thanks).toContainText(/It arrives around \w{3}, \w{3} \d+/); // the carrier's window, then its estimate
  await expectAccessible(page, 'the thank-you moment');
  await screenshot(page, '04a-thank-you');
  // The page polls by itself until the order ships; delivery shows on a reload, which is a plain order page.
  await reloadUntilDelivered(page);
  await expect(page.getByTestId('thank-you')).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Order progress' }).getByRole('listitem')).toHaveCount(4);
  await expect(page.locator('[data-state="complete"]')).toHaveCount(4);
  await expect(page.getByText(/^txn_/)).toHaveCount(0); // no payment reference a shopper cannot use
  await expect(page.getByText('Tracking number')).toBeVisible();
  await expect(page.getByText('Not yet')).toHaveCount(0);
  await expect(page.getByTestId('order-number')).toHaveText(orderNumberOf(orderId));
  await expect(page.getByTestId('subtotal')).toHaveText('$166.99');
  await expect(page.getByTestId('cart-total')).toHaveText('$166.99');
  // The payment was confirmed: only now is the cart empty, and its badge gone.
  await expect(page.getByRole('link', { name: 'Cart, empty' })).toBeVisible();
  await expect(page.getByTestId('cart-badge')).toHaveCount(0);
  await expectAccessible(page, 'the delivered order');
  await screenshot(page, '04-order-delivered');

  await page.getByRole('link', { name: 'Mailbox' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mailbox' })).toBeVisible();
  // Confirmed, shipped and delivered: three e-mails, each to the signed-in customer, each linking to the order.
  const mail = page.getByTestId('mail').filter({ hasText: orderNumberOf(orderId) });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(mail).toHaveCount(3, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  for (const one of await mail.all()) {
    await expect(one.getByTestId('mail-to')).toHaveText(`To: ${email}`);
    await expect(one).toContainText(`/#/orders/${orderId}`);
  }
  await expect(mail.filter({ hasText: 'Order Confirmation' })).toHaveCount(1);
  await expectAccessible(page, 'the mailbox');
  await screenshot(page, '05-mailbox');
});

test('invalid checkout fields show their messages and create no order', async ({ page }) => {
  const posts: string[] = [];
  page.on('request', (r) => {
    // Orders only (signing in POSTs to the user pool).
    if (r.method() === 'POST' && /\/orders$/.test(new URL(r.url()).pathname)) posts.push(r.url());
  });
  await openShop(page);
  await addToCart(page, 'Desk Lamp');
  await openCheckout(page);
  await page.getByRole('button', { name: 'Place order' }).click();

  // Full name, street, city, state, ZIP, country and payment method (the e-mail is the account's).
  await expect(page.getByRole('alert').filter({ hasText: '7 fields need your attention.' })).toBeVisible();
  await expect(page.getByLabel('Country', { exact: true })).toHaveAccessibleDescription('Choose a country');
  for (const label of ['Full name', 'Street address', 'City', 'State / province']) {
    const field = page.getByLabel(label, { exact: true });
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveAccessibleDescription(/Required/);
  }
  await expect(page.getByLabel('Full name', { exact: true })).toBeFocused();
  // The e-mail is the account's, filled in and read-only.
  await expect(page.getByLabel('E-mail', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Choose a payment method')).toHaveCount(2); // the placeholder and the message
  await expectAccessible(page, 'the checkout with errors');
  await screenshot(page, '06-checkout-errors');

  await fillCheckout(page, { 'ZIP / postal code': '!' });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByLabel('ZIP / postal code', { exact: true })).toHaveAccessibleDescription(/At least 3 characters|Letters, digits/);
  await expect(page.getByLabel('Full name', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');

  expect(posts).toEqual([]);
  await page.getByRole('link', { name: 'My orders' }).click();
  await expect(page.getByRole('heading', { name: 'No orders yet' })).toBeVisible();
});

test('reloading keeps the cart; quantities change and lines are removed', async ({ page }) => {
  await openShop(page);
  await addToCart(page, 'USB-C Hub');
  await addToCart(page, 'Backpack');
  await page.getByRole('link', { name: /Cart/ }).click();
  await page.getByRole('button', { name: 'Increase quantity of USB-C Hub' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText('$143.98'); // 2 x 39.99 + 64.00

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  await expect(page.getByLabel('Quantity of USB-C Hub', { exact: true })).toHaveValue('2');
  await expect(page.getByTestId('cart-total')).toHaveText('$143.98');

  await page.getByLabel('Quantity of Backpack', { exact: true }).fill('3');
  await expect(page.getByTestId('cart-total')).toHaveText('$271.98'); // 79.98 + 192.00
  await page.getByRole('button', { name: 'Remove USB-C Hub' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText('$192.00');
  await page.getByRole('button', { name: 'Remove Backpack' }).click();
  await expect(page.getByRole('heading', { name: 'Your cart is empty' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your cart is empty' })).toBeVisible();
});

test('My orders lists the order, and a double-click places it only once', async ({ page }) => {
  await openShop(page);
  await addToCart(page, 'Webcam HD');
  const email = await createAccount();
  await openCheckout(page, email);
  await fillCheckout(page);
  await page.getByRole('button', { name: 'Place order' }).dblclick();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;

  await page.getByRole('link', { name: 'My orders' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My orders' })).toBeVisible();
  const rows = page.getByTestId('order-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('$59.90');
  await expectAccessible(page, 'my orders');
  await screenshot(page, '07-my-orders');

  // A second order is listed first (newest first).
  const second = await placeOrder(page, ['Laptop Stand'], { email });
  await page.getByRole('link', { name: 'My orders' }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.first().getByRole('link')).toHaveAttribute('href', `#/orders/${second}`);
  await expect(rows.nth(1).getByRole('link')).toHaveAttribute('href', `#/orders/${orderId}`);
  await expect(rows.nth(1).getByRole('link')).toHaveText(`Order ${orderNumberOf(orderId)}`);
  await rows.nth(1).getByRole('link').click();
  await expect(page.getByTestId('order-number')).toHaveText(orderNumberOf(orderId));
});

test('the shop works on a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await openShop(page);
  await addToCart(page, 'Portable SSD 1 TB');
  await page.getByRole('link', { name: /Cart/ }).click();
  await expect(page.getByTestId('cart-total')).toHaveText('$99.00');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page, 'the cart on a phone');
  await screenshot(page, '08-cart-phone');
});

test('checkout checks a field when the shopper leaves it, in the error colour', async ({ page }) => {
  await openShop(page);
  await addToCart(page, 'Desk Lamp');
  const account = await createAccount();
  await openCheckout(page, account);
  // The e-mail is the account's: filled in, read-only, still typed as an e-mail address.
  const email = page.getByLabel('E-mail', { exact: true });
  await expect(email).toHaveValue(account);
  await expect(email).not.toBeEditable();
  await expect(email).toHaveAttribute('type', 'email');
  await expect(email).toHaveAttribute('inputmode', 'email');
  await expect(email).toHaveAccessibleDescription("Your account's e-mail: the confirmation goes there.");

  const zip = page.getByLabel('ZIP / postal code', { exact: true });
  await zip.fill('62');
  await expect(zip).not.toHaveAttribute('aria-invalid', 'true'); // not while typing the first time
  await page.getByLabel('City', { exact: true }).focus();
  await expect(zip).toHaveAttribute('aria-invalid', 'true');
  const message = page.getByText('At least 3 characters');
  await expect(message).toHaveCSS('color', 'rgb(179, 38, 30)');
  await zip.fill('62701'); // once shown, the message follows what is typed
  await expect(message).toHaveCount(0);
  await expect(zip).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Country', { exact: true }).selectOption('US');
  await expect(page.getByLabel('ZIP / postal code', { exact: true })).toHaveAttribute('inputmode', 'numeric');
});

test('a returning customer finds the checkout filled in from their last order, on any device', async ({ page, browser }) => {
  const email = await createAccount();
  await placeOrder(page, ['Desk Lamp'], { email });
  // Another browser: nothing saved locally, so what is filled in came from the last order.
  const context = await browser.newContext();
  const other = await context.newPage();
  await openShop(other);
  await addToCart(other, 'Coffee Mug');
  await openCheckout(other, email);
  await expect(other.getByLabel('Street address', { exact: true })).toHaveValue(SHOPPER['Street address']);
  await expect(other.getByLabel('Full name', { exact: true })).toHaveValue(SHOPPER['Full name']);
  await expect(other.getByLabel('City', { exact: true })).toHaveValue(SHOPPER.City);
  await expect(other.getByLabel('ZIP / postal code', { exact: true })).toHaveValue(SHOPPER['ZIP / postal code']);
  await expect(other.getByLabel('Country', { exact: true })).toHaveValue('US');
  await expect(other.getByLabel('Payment method')).toHaveValue('credit_card');
  await expect(other.getByLabel('E-mail', { exact: true })).toHaveValue(email);
  // Placing it needs no typing at all.
  await other.getByRole('button', { name: 'Place order' }).click();
  await expect(other).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await context.close();
});
