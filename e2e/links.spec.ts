/**
 * Links a customer may be sent (issue 9): a malformed one shows the not-found page instead of a
 * blank page, an order id in upper case opens the order, and the checkout refuses a name made only
 * of invisible characters with the same message as the API.
 */
import { expect, test } from '@playwright/test';
import { TEXT_MESSAGES } from '../amplify/domain/order.ts';
import { orderNumberOf } from '../amplify/domain/order-rules.ts';
import { addToCart, fillCheckout, openCheckout, openShop } from './helpers.ts';

test('a malformed link shows the not-found page', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  for (const hash of ['#/orders/%E0%A4%A', '#/orders/%zz', '#/orders/not-an-order']) {
    await page.goto(`/${hash}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('an order link in upper case opens the order; an invisible name is refused', async ({ page }) => {
  await openShop(page);
  await addToCart(page, 'Coffee Mug');
  await openCheckout(page); // signs in with a new account: the checkout asks for one
  await fillCheckout(page, { 'Full name': '\u200b\u3164' });
  await page.getByRole('button', { name: /place order/i }).click();
  await expect(page.getByText(TEXT_MESSAGES.invisible)).toBeVisible();

  await fillCheckout(page);
  await page.getByRole('button', { name: /place order/i }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/);
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  await page.goto(`/#/orders/${orderId.toUpperCase()}`);
  // The order page shows the order's number (from its id), not the id itself.
  await expect(page.getByRole('heading', { level: 1, name: 'Your order' })).toBeVisible();
  await expect(page.getByTestId('order-number')).toHaveText(orderNumberOf(orderId));
});
