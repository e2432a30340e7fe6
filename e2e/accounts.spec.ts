/**
 * Accounts: a shopper signs up at checkout (code from the local outbox), buys, and sees the order
 * under My orders in another browser after signing in there; another customer opening that
 * order's URL sees "not found"; staff see everyone's orders, filter them by status and find one
 * by its short number; a customer downloads their data and deletes the account, and signing out
 * forgets the cart and the checkout.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { orderNumberOf } from '../amplify/domain/order-rules.ts';
import { createAccount, mailboxUrl, newEmail, PASSWORD, signInInPlace, signUpInPlace } from './accounts.ts';
import { addToCart, expectAccessible, fillCheckout, openShop, placeOrder, reloadUntilDelivered, screenshot } from './helpers.ts';

test('sign up at checkout, buy, and find the order on another device; another customer cannot open it', async ({ page, browser }) => {
  await openShop(page);
  await addToCart(page, 'Bluetooth Speaker');
  await page.goto('/#/checkout');
  const email = newEmail('signup');
  await signUpInPlace(page, email, 'Grace Hopper', mailboxUrl());
  // The checkout follows, the cart kept, name and e-mail from the account.
  await expect(page.getByRole('link', { name: /Cart.*1 item/ })).toBeVisible();
  await expect(page.getByLabel('Full name', { exact: true })).toHaveValue('Grace Hopper');
  await expect(page.getByLabel('E-mail', { exact: true })).toHaveValue(email);
  await fillCheckout(page, { 'Full name': 'Grace Hopper' });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  await expect(page.getByRole('heading', { level: 1, name: 'Your order' })).toBeVisible();

  // Another browser (nothing shared with the first): sign in, My orders has the order.
  const second = await browser.newContext();
  const other = await second.newPage();
  await other.goto('/#/orders');
  await expect(other.getByRole('heading', { level: 1, name: 'My orders' })).toBeVisible();
  await signInInPlace(other, email);
  await expect(other.getByTestId('order-row')).toHaveCount(1);
  await expect(other.getByTestId('order-row').first().getByRole('link')).toHaveAttribute('href', `#/orders/${orderId}`);
  await expectAccessible(other, 'my orders after signing in');
  await screenshot(other, '10-my-orders-second-device');
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await second.close();

  // A different customer opening the first one's order URL: not found, nothing shown.
  const third = await browser.newContext();
  const stranger = await third.newPage();
  await stranger.goto('/#/orders');
  await signInInPlace(stranger, await createAccount());
  await stranger.goto(`/#/orders/${orderId}`);
  await expect(stranger.getByRole('heading', { level: 1, name: 'We could not find this order' })).toBeVisible();
  await expect(stranger.getByText('Grace Hopper')).toHaveCount(0);
  await expect(stranger.getByText(email)).toHaveCount(0);
  await third.close();

  // The sign-up code e-mail is in the local Mailbox too: an account e-mail, with no order link.
  await page.goto('/#/mailbox');
  const codeMail = page.getByTestId('mail').filter({ hasText: email }).filter({ hasText: /verification code is \d+/ });
  await expect(codeMail).toHaveCount(1);
  await expect(codeMail).toContainText('· account');
  await expect(codeMail.getByTestId('mail-to')).toHaveText(`To: ${email}`);
  await expect(codeMail.getByRole('link')).toHaveCount(0);
  await expectAccessible(page, 'the mailbox with an account e-mail');
});

test('staff see every customer’s orders, filter them by status and find one by number; customers never see that page', async ({ page, browser }) => {
  const customer = await createAccount();
  const orderId = await placeOrder(page, ['Desk Lamp'], { email: customer });
  await reloadUntilDelivered(page);
  await expect(page.getByRole('link', { name: 'All orders' })).toHaveCount(0);
  await page.goto('/#/staff/orders');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staff.goto('/#/orders');
  await signInInPlace(staff, await createAccount({ staff: true }));
  await staff.getByRole('link', { name: 'All orders' }).click();
  await expect(staff.getByRole('heading', { level: 1, name: 'All orders' })).toBeVisible();
  const rows = staff.getByTestId('staff-order-row');
  await expect(rows.filter({ hasText: customer })).toHaveCount(1);
  await expect(staff.getByTestId('count-DELIVERED')).toContainText(/\d+/);

  await staff.getByLabel('Status', { exact: true }).selectOption('PENDING');
  await staff.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows.filter({ hasText: customer })).toHaveCount(0);
  for (const badge of await rows.getByText(/^[A-Z]/).all()) await expect(badge).toBeVisible();

  await staff.getByLabel('Status', { exact: true }).selectOption('DELIVERED');
  await staff.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows.filter({ hasText: customer })).toHaveCount(1);
  const deliveredCount = Number((await staff.getByTestId('count-DELIVERED').innerText()).replace(/\D+/g, ''));
  await expect(rows).toHaveCount(Math.min(deliveredCount, 20));
  await expectAccessible(staff, 'all orders, filtered');
  await screenshot(staff, '11-all-orders-delivered');

  // The short number a customer reads out finds the order, however it is typed.
  const number = orderNumberOf(orderId);
  await staff.getByLabel('Order number').fill(number.toLowerCase().replace(/-/g, ' '));
  await staff.getByRole('button', { name: 'Find order' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(number);
  await expect(rows.first()).toContainText(customer);
  await expect(staff.getByTestId('count-DELIVERED')).toHaveCount(0);
  await expectAccessible(staff, 'all orders, found by number');
  await staff.getByLabel('Order number').fill('K7QM-2X9D');
  await staff.getByRole('button', { name: 'Find order' }).click();
  await expect(staff.getByText('An order number has 12 letters and digits, like K7QM-2X9D-PB4H')).toBeVisible();
  await expect(rows).toHaveCount(1);
  await staff.getByRole('button', { name: 'Show all orders' }).click();
  await expect(staff.getByTestId('count-DELIVERED')).toBeVisible();
  await expect(staff.getByLabel('Order number')).toHaveValue('');

  // Any order opens its page, for staff too.
  await rows.filter({ hasText: customer }).getByRole('link').click();
  await expect(staff).toHaveURL(new RegExp(`#/orders/${orderId}$`));
  await expect(staff.getByTestId('order-status')).toHaveText('Delivered');
  await staffContext.close();
});

test('a customer downloads their data and deletes the account; signing out forgets the cart and the checkout details', async ({ page }) => {
  const customer = await createAccount();
  const orderId = await placeOrder(page, ['Desk Lamp'], { email: customer });

  // Signing out forgets what the next person at this browser must not see.
  await openShop(page);
  await addToCart(page, 'Coffee Mug');
  await page.goto('/#/checkout');
  await fillCheckout(page, { 'Full name': 'Ana Forgotten' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByTestId('cart-badge')).toHaveCount(0);
  await openShop(page);
  await addToCart(page, 'Coffee Mug');
  await page.goto('/#/checkout');
  await signInInPlace(page, customer);
  await expect(page.getByLabel('Full name', { exact: true })).not.toHaveValue('Ana Forgotten');

  // The Account page: every order in the download, then the deletion after typing DELETE.
  await page.getByTestId('account-email').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expectAccessible(page, 'the account page');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
  expect(download.suggestedFilename()).toBe('my-data.json');
  const data = JSON.parse(await readFile((await download.path())!, 'utf8')) as { account: { email: string }; orders: { orderId: string }[] };
  expect(data.account.email).toBe(customer);
  expect(data.orders.map((o) => o.orderId)).toContain(orderId);

  await page.getByRole('button', { name: 'Delete my account…' }).click();
  const confirm = page.getByRole('button', { name: 'Delete my account', exact: true });
  await expect(confirm).toBeDisabled();
  await page.getByLabel('Type DELETE to confirm').fill('DELETE');
  await confirm.click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/#/orders');
  const form = page.locator('[data-amplify-authenticator]');
  await form.getByLabel('Email').fill(customer);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  // The pool answers as for any wrong password (no account enumeration).
  await expect(form.getByText(/Incorrect username or password|User not authorized/)).toBeVisible();
  await expect(page.getByTestId('account-email')).toHaveCount(0);
});
