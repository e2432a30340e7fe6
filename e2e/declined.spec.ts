/** On the stack started with PAYMENT_SUCCESS_RATE=0 every payment is declined. */
import { expect, test } from '@playwright/test';
import { MAX_PAYMENT_ATTEMPTS } from '../amplify/domain/order-rules.ts';
import { createAccount } from './accounts.ts';
import { expectAccessible, placeOrder, screenshot, SHOPPER } from './helpers.ts';

test('a declined payment says so plainly, keeps the cart, and "Pay again" tries the same order until its attempts are used up', async ({ page }) => {
  const account = await createAccount({ stack: 'declined' });
  const orderId = await placeOrder(page, ['Mechanical Keyboard', 'Ergonomic Mouse'], { email: account, stack: 'declined' });
  const number = await page.getByTestId('order-number').textContent();
  await expect(page.getByTestId('order-status')).toHaveText('Payment failed', { timeout: 60_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Payment declined' })).toBeVisible();
  await expect(page.locator('[data-state="failed"]')).toContainText('Payment failed');
  await expect(page.locator('[data-state="complete"]')).toHaveCount(1);
  // Only what happened: no upcoming steps, no "Not yet" rows.
  await expect(page.locator('[data-state="upcoming"]')).toHaveCount(0);
  await expect(page.getByText('Not yet')).toHaveCount(0);
  await expect(page.getByText('Tracking number')).toHaveCount(0);
  await expect(page.locator('.failure')).toContainText('The payment provider declined the payment. You have not been charged, and nothing ships until the order is paid.');
  await expect(page.getByRole('status').filter({ hasText: 'Order status: Payment failed' })).toBeAttached();
  // The cart was not emptied: 1 keyboard + 1 mouse.
  await expect(page.getByRole('link', { name: /Cart.*2 items/ })).toBeVisible();
  await expectAccessible(page, 'the failed order');
  await screenshot(page, '09-order-payment-failed');

  // Pay again, with another method: the same order goes back to pending, and is declined again.
  const form = page.getByRole('form', { name: 'Pay again' });
  await expect(form).toContainText(`attempt 2 of ${MAX_PAYMENT_ATTEMPTS}`);
  await form.getByLabel('Payment method').selectOption('paypal');
  await form.getByRole('button', { name: 'Pay again' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Payment failed', { timeout: 60_000 });
  await expect(page).toHaveURL(new RegExp(`#/orders/${orderId}$`));
  await expect(page.getByTestId('order-number')).toHaveText(number!);
  await expect(page.locator('dd', { hasText: 'PayPal' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Pay again' })).toContainText(`attempt 3 of ${MAX_PAYMENT_ATTEMPTS}`);
  await page.getByRole('form', { name: 'Pay again' }).getByRole('button', { name: 'Pay again' }).click();
  // The last attempt declined too: a new order is the way on, two clicks from here.
  await expect(page.getByRole('button', { name: 'Start a new order' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('form', { name: 'Pay again' })).toHaveCount(0);
  await expectAccessible(page, 'the order whose payment attempts are used up');

  // My orders: one order for all three attempts.
  await page.goto('/#/orders');
  await expect(page.getByTestId('order-row')).toHaveCount(1);
  await page.goBack();

  await page.getByRole('button', { name: 'Start a new order' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Cart.*2 items/ })).toBeVisible();
  // What the shopper typed, and the e-mail of the account the order was placed with.
  const expected = { ...SHOPPER, 'E-mail': account };
  for (const [label, value] of Object.entries(expected)) await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
  await expect(page.getByLabel('Country', { exact: true })).toHaveValue('US');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const second = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  expect(second).not.toBe(orderId);
  await expect(page.getByTestId('order-status')).toHaveText('Payment failed', { timeout: 60_000 });
  await expect(page.getByRole('link', { name: /Cart.*2 items/ })).toBeVisible();
});
