/**
 * Live order status (issue 26): a signed-in customer's order page follows the order from payment
 * to delivery on its live channel (the local AppSync Events stand-in) with one order request, the
 * read after the socket is up; My orders changes the row's status in place; a guest's page polls.
 */
import { expect, test, type Page } from '@playwright/test';
import { newEmail } from './accounts.ts';
import { addToCart, fillCheckout, openShop, placeOrder } from './helpers.ts';

/** Counts the storefront's requests for the order itself (`GET /orders/<id>`), from now on. */
function countOrderReads(page: Page, orderId: string): { count: () => number } {
  let reads = 0;
  page.on('request', (request) => {
    if (request.method() === 'GET' && new URL(request.url()).pathname.endsWith(`/orders/${orderId}`)) reads += 1;
  });
  return { count: () => reads };
}

test('a signed-in customer\u2019s order page changes status with no order request after the first', async ({ page }) => {
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  // Counted from the start: the order id is known only once the checkout answered, so every GET of any order is counted.
  const orderReads: string[] = [];
  page.on('request', (request) => {
    const match = /\/orders\/([0-9a-f-]{36})$/.exec(new URL(request.url()).pathname);
    if (request.method() === 'GET' && match) orderReads.push(match[1]!);
  });
  const orderId = await placeOrder(page);
  const status = page.getByTestId('order-status');
  // Paid, held for the stack's cancel window, shipped, then delivered: each shown as it happens.
  await expect(status).toHaveText('Payment processed', { timeout: 30_000 });
  await expect(status).toHaveText(/^(Shipped|Delivered)$/, { timeout: 60_000 });
  await expect(status).toHaveText('Delivered', { timeout: 60_000 });
  expect(orderReads.filter((id) => id === orderId)).toHaveLength(1);
  expect(sockets.some((url) => url.endsWith('/event/realtime'))).toBe(true);

  // My orders: the list is read once; the row shows what the order is now.
  await page.goto('/#/orders');
  await expect(page.getByTestId('order-row').first()).toContainText('Delivered');
});

test('a guest\u2019s order page keeps polling (no socket)', async ({ page }) => {
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  await openShop(page);
  await addToCart(page, 'Coffee Mug');
  await page.goto('/#/checkout');
  await page.getByRole('button', { name: 'Continue as guest' }).click();
  await fillCheckout(page, { 'E-mail': newEmail('guest-live'), 'Full name': 'Guest Shopper' });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  const reads = countOrderReads(page, orderId);
  await expect(page.getByTestId('order-status')).toHaveText(/^(Shipped|Delivered)$/, { timeout: 60_000 });
  expect(reads.count()).toBeGreaterThan(1);
  expect(sockets.filter((url) => url.endsWith('/event/realtime'))).toEqual([]);
});
