/** On the stack started with PAYMENT_SUCCESS_RATE=0 every payment is declined. */
import { expect, test } from '@playwright/test';
import { expectAccessible, placeOrder, screenshot } from './helpers.ts';

test('a declined payment shows Payment failed and what the customer can do', async ({ page }) => {
  await placeOrder(page, ['Mechanical Keyboard', 'Ergonomic Mouse'], { stack: 'declined' });
  await expect(page.getByTestId('order-status')).toHaveText('Payment failed', { timeout: 60_000 });
  await expect(page.locator('[data-state="failed"]')).toContainText('Payment failed');
  await expect(page.locator('[data-state="complete"]')).toHaveCount(1);
  await expect(page.getByText('Your payment was declined by the payment provider.')).toBeVisible();
  await expect(page.getByText('You have not been charged')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Order status: Payment failed' })).toBeAttached();
  await expectAccessible(page, 'the failed order');
  await screenshot(page, '09-order-payment-failed');

  await page.getByRole('button', { name: 'Order these items again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Cart.*2 items/ })).toBeVisible();
});
