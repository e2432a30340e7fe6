/**
 * axe on the states the journeys pass by without checking: the not-found page, the empty cart and
 * an order still pending (its payment not yet confirmed); and every page at both sizes (desktop
 * and phone), as a shopper signed out and in, and as staff. Every impact counts (expectAccessible).
 */
import { expect, type Page, test } from '@playwright/test';
import { STATUS_LABELS } from '../amplify/domain/labels.ts';
import { orderNumberOf } from '../amplify/domain/order-rules.ts';
import { createAccount, signInInPlace } from './accounts.ts';
import { addToCart, expectAccessible, openShop, placeOrder, reloadUntilDelivered, SIZES } from './helpers.ts';

// The tests share nothing: the two workers may take them side by side.
test.describe.configure({ mode: 'parallel' });

test('the not-found page is accessible', async ({ page }) => {
  for (const hash of ['#/no-such-page', '#/orders/not-an-order']) {
    await page.goto(`/${hash}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
    await expectAccessible(page, `the not-found page (${hash})`);
  }
});

test('the empty cart is accessible', async ({ page }) => {
  await page.goto('/#/cart');
  await expect(page.getByText('Your cart is empty')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cart, empty' })).toBeVisible();
  await expectAccessible(page, 'the empty cart');
});

test('an order still pending is accessible', async ({ page }) => {
  // The local pipeline settles an order within a second or two: hold what the order page reads
  // at the state just after checkout (the real stored order, its status and later fields rewound).
  await page.route(/\/orders\/[0-9a-f-]{36}$/, async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    try {
      const response = await route.fetch();
      const order = (await response.json()) as Record<string, unknown>;
      for (const later of ['paymentDate', 'transactionId', 'shipmentDate', 'trackingNumber', 'estimatedDeliveryDays', 'estimatedDeliveryDate', 'deliveryDate', 'notificationSentDate', 'failureReason']) {
        delete order[later];
      }
      await route.fulfill({ response, json: { ...order, status: 'PENDING' } });
    } catch {
      // The page polls and cancels a read it no longer needs (a newer poll, leaving the page): that
      // request is gone ("Response has been disposed"); the next poll is rewound the same way.
    }
  });
  await placeOrder(page, ['Coffee Mug']);
  await expect(page.getByTestId('order-status')).toHaveText(STATUS_LABELS.PENDING);
  await expectAccessible(page, 'a pending order');
});

/** Opens each page at the given size and runs axe on it once its heading (and `ready`, when given) shows. */
async function checkPages(page: Page, size: Size, pages: readonly { hash: string; ready?: (page: Page) => Promise<void> }[]): Promise<void> {
  await page.setViewportSize(SIZES[size]);
  for (const { hash, ready } of pages) {
    await page.goto(`/${hash}`);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    await ready?.(page);
    await expectAccessible(page, `${hash} (${size})`);
  }
}

type Size = keyof typeof SIZES;
const delivered = (p: Page) => expect(p.getByTestId('order-status')).toHaveText(STATUS_LABELS.DELIVERED);

/** A new customer's delivered order, opened in `page` (signed in as that customer). */
async function deliveredOrder(page: Page): Promise<string> {
  const customer = await createAccount();
  const orderId = await placeOrder(page, ['Coffee Mug'], { email: customer });
  await reloadUntilDelivered(page);
  return orderId;
}

// Each size on its own (the two run side by side): every page, at one size, is a dozen axe runs.
for (const size of Object.keys(SIZES) as Size[]) {
  test(`every page is accessible (${size}): a shopper, signed out and in`, async ({ page }) => {
    await checkPages(page, size, [{ hash: '#/sign-in?next=%23%2Forders' }]);
    const orderId = await deliveredOrder(page);
    await openShop(page);
    await addToCart(page, 'Desk Lamp');
    await checkPages(page, size, [
      { hash: '#/' },
      { hash: '#/products/prod-008' },
      { hash: '#/cart' },
      { hash: '#/checkout', ready: (p) => expect(p.getByRole('button', { name: 'Place order' })).toBeVisible() },
      { hash: `#/orders/${orderId}`, ready: delivered },
      { hash: '#/orders', ready: (p) => expect(p.getByRole('link', { name: new RegExp(orderNumberOf(orderId)) })).toBeVisible() },
      { hash: '#/account' },
      { hash: '#/mailbox' },
      { hash: '#/help' },
      { hash: '#/no-such-page' },
    ]);
  });
}

test('every staff page is accessible at both sizes', async ({ page, browser }) => {
  const orderId = await deliveredOrder(page);
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staff.goto('/#/staff/orders');
  await signInInPlace(staff, await createAccount({ staff: true }));
  for (const size of Object.keys(SIZES) as Size[]) {
    await checkPages(staff, size, [
      { hash: '#/staff/orders', ready: (p) => expect(p.getByTestId('staff-order-row').first()).toBeVisible() },
      { hash: `#/orders/${orderId}`, ready: delivered },
    ]);
  }
  await staffContext.close();
});
