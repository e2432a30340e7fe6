/**
 * Live order status (issue 26): a signed-in customer's order page follows the order from payment
 * to delivery on its live channel (the local AppSync Events stand-in) with one order request, the
 * read after the socket is up; My orders changes the row's status in place; a guest's page polls.
 */
import { expect, test, type Page } from '@playwright/test';
import { STATUS_LABELS } from '../amplify/domain/labels.ts';
import { newEmail } from './accounts.ts';
import { addToCart, fillCheckout, openShop, placeOrder } from './helpers.ts';

/** The ids of the orders the storefront reads (`GET /orders/<id>`), from now on, one entry per request. */
function countOrderReads(page: Page): string[] {
  const reads: string[] = [];
  page.on('request', (request) => {
    const match = /\/orders\/([0-9a-f-]{36})$/.exec(new URL(request.url()).pathname);
    if (request.method() === 'GET' && match) reads.push(match[1]!);
  });
  return reads;
}

test('a signed-in customer\u2019s order page changes status with no order request after the first', async ({ page }) => {
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  // Counted from the start: the order id is known only once the checkout answered, so every GET of any order is counted.
  const orderReads = countOrderReads(page);
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
  const orderReads = countOrderReads(page);
  await openShop(page);
  await addToCart(page, 'Coffee Mug');
  await page.goto('/#/checkout');
  await page.getByRole('button', { name: 'Continue as guest' }).click();
  await fillCheckout(page, { 'E-mail': newEmail('guest-live'), 'Full name': 'Guest Shopper' });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  // The page shows the order before it ships (held for the cancel window), then, with no socket and
  // no reload, its shipment: only reading the order again can have shown it. (Counted from the
  // start, since the order id is known only once the checkout answered: how many reads depends on
  // when the first poll falls, so at least one.)
  await expect(page.getByTestId('order-status')).toHaveText(new RegExp(`^(${STATUS_LABELS.PENDING}|${STATUS_LABELS.PAYMENT_PROCESSED})$`));
  await expect(page.getByTestId('order-status')).toHaveText(/^(Shipped|Delivered)$/, { timeout: 60_000 });
  expect(orderReads.filter((id) => id === orderId).length).toBeGreaterThanOrEqual(1);
  expect(sockets.filter((url) => url.endsWith('/event/realtime'))).toEqual([]);
});
