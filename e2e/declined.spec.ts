/** On the stack started with PAYMENT_SUCCESS_RATE=0 every payment is declined. */
import { expect, test } from '@playwright/test';
import { createAccount } from './accounts.ts';
import { expectAccessible, placeOrder, screenshot, SHOPPER } from './helpers.ts';

test('a declined payment says so plainly, keeps the cart, and "Try again" is two clicks from a new order', async ({ page }) => {
  const account = await createAccount({ stack: 'declined' });
  const first = await placeOrder(page, ['Mechanical Keyboard', 'Ergonomic Mouse'], { email: account, stack: 'declined' });
  await expect(page.getByTestId('order-status')).toHaveText('Payment failed', { timeout: 60_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Payment declined' })).toBeVisible();
  await expect(page.locator('[data-state="failed"]')).toContainText('Payment failed');
  await expect(page.locator('[data-state="complete"]')).toHaveCount(1);
  // Only what happened: no upcoming steps, no "Not yet" rows.
  await expect(page.locator('[data-state="upcoming"]')).toHaveCount(0);
  await expect(page.getByText('Not yet')).toHaveCount(0);
  await expect(page.getByText('Tracking number')).toHaveCount(0);
  await expect(page.getByText('The payment provider declined the payment, so the order was not placed.')).toBeVisible();
  await expect(page.getByText('You have not been charged, and your cart still holds these items.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Order status: Payment failed' })).toBeAttached();
  // The cart was not emptied: 1 keyboard + 1 mouse.
  await expect(page.getByRole('link', { name: /Cart.*2 items/ })).toBeVisible();
  await expectAccessible(page, 'the failed order');
  await screenshot(page, '09-order-payment-failed');

  // Click 1: Try again -> checkout with the same items and the details already filled in.
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Cart.*2 items/ })).toBeVisible();
  // What the shopper typed, and the e-mail of the account the order was placed with.
  const expected = { ...SHOPPER, 'E-mail': account };
  for (const [label, value] of Object.entries(expected)) await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
  await expect(page.getByLabel('Country', { exact: true })).toHaveValue('US');
  await expect(page.getByLabel('Payment method')).toHaveValue('credit_card');

  // Click 2: Place order -> a new order (not the declined one replayed).
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const second = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  expect(second).not.toBe(first);
  await expect(page.getByTestId('order-status')).toHaveText('Payment failed', { timeout: 60_000 });
  await expect(page.getByRole('link', { name: /Cart.*2 items/ })).toBeVisible();
});
