/**
 * Stock in the storefront. Runs on the stack whose payments are declined (the `payments-declined`
 * project matches `declined.spec.ts`): the stock it lowers there never shows in the other stack's
 * catalog, whose visual baselines assume plenty of everything. Staff set stock on the Inventory
 * page; a shopper sees "Only N left", "Out of stock" with Add to cart disabled, and the cart names
 * the line over what is left before checkout. "Set to" over a figure that moved since the page read
 * it is refused, and the row then shows the figure now.
 */
import { expect, test, type Page } from '@playwright/test';
import { createAccount, signInInPlace } from './accounts.ts';
import { expectAccessible } from './helpers.ts';

async function setStock(page: Page, productId: string, mode: 'Set to' | 'Add or remove', units: number, reason: string) {
  const row = page.getByTestId(`inventory-${productId}`);
  await row.getByLabel('Change', { exact: true }).selectOption({ label: mode });
  await row.getByLabel('Units', { exact: true }).fill(String(units));
  await row.getByLabel('Reason', { exact: true }).fill(reason);
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('status')).toContainText('Saved:');
}

test('staff set stock on the Inventory page; the shop says "Only N left" and "Out of stock", and the cart names the short line', async ({ page, browser }) => {
  const staff = await createAccount({ staff: true, stack: 'declined' });
  await page.goto('/#/staff/inventory');
  await signInInPlace(page, staff);
  await expect(page.getByRole('heading', { level: 1, name: 'Inventory' })).toBeVisible();
  await setStock(page, 'prod-019', 'Set to', 2, 'Stocktake: two left');
  await setStock(page, 'prod-024', 'Set to', 0, 'Sold out at the supplier');
  await expect(page.getByTestId('available-prod-019')).toHaveText('2');
  await expect(page.getByTestId('inventory-prod-024')).toHaveAttribute('data-low', 'true');

  // Another staff tab takes one away; this page still shows 2, and "Set to" over 2 is refused.
  const other = await page.context().newPage();
  await other.goto('/#/staff/inventory');
  await setStock(other, 'prod-019', 'Add or remove', -1, 'Damaged in the store room');
  await other.close();
  await expect(page.getByTestId('available-prod-019')).toHaveText('2');
  const row = page.getByTestId('inventory-prod-019');
  await row.getByLabel('Change', { exact: true }).selectOption({ label: 'Set to' });
  await row.getByLabel('Units', { exact: true }).fill('5');
  await row.getByLabel('Reason', { exact: true }).fill('Stocktake');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('stock-error-prod-019')).toContainText('The stock changed since you read it');
  await expect(page.getByTestId('stock-error-prod-019')).toContainText('now 1 available');
  await expect(page.getByTestId('available-prod-019')).toHaveText('1');
  await expectAccessible(page, 'the Inventory page with a refused change');
  // Saved again over the figure it shows now.
  await setStock(page, 'prod-019', 'Set to', 2, 'Stocktake: two left');
  await expect(page.getByTestId('available-prod-019')).toHaveText('2');
  await page.getByTestId('inventory-prod-019').getByRole('button', { name: 'History' }).click();
  await expect(page.getByRole('list', { name: 'Stock history of Felt Desk Mat' })).toContainText('Stocktake: two left');
  await expectAccessible(page, 'the Inventory page');

  // A guest in a browser of their own.
  const guest = await browser.newContext({ baseURL: new URL(page.url()).origin });
  const shopper = await guest.newPage();
  try {
    await shopper.goto('/');
    const mat = shopper.getByRole('article').filter({ hasText: 'Felt Desk Mat' });
    await expect(mat.getByTestId('stock-prod-019')).toHaveText('Only 2 left');
    const pouch = shopper.getByRole('article').filter({ hasText: 'Travel Tech Pouch' });
    await expect(pouch.getByTestId('stock-prod-024')).toHaveText('Out of stock');
    await expect(pouch.getByRole('button', { name: /Add to cart/ })).toBeDisabled();
    await mat.getByRole('button', { name: /Add to cart/ }).click();
    await shopper.goto('/#/cart');
    await shopper.getByRole('button', { name: 'Increase quantity of Felt Desk Mat' }).click();
    await shopper.getByRole('button', { name: 'Increase quantity of Felt Desk Mat' }).click();
    await expect(shopper.getByTestId('short-prod-019')).toHaveText('Only 2 left: lower the quantity by 1.');
    await expect(shopper.getByTestId('short-lines')).toContainText('One line asks for more than we have in stock');
    await expectAccessible(shopper, 'the cart with a short line');
  } finally {
    await guest.close();
    // Back to plenty, for the other journeys on this stack.
    await setStock(page, 'prod-019', 'Set to', 10_000, 'Restocked after the test');
    await setStock(page, 'prod-024', 'Set to', 10_000, 'Restocked after the test');
  }
});
