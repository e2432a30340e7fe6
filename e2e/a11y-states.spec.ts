/**
 * axe on the states the journeys pass by without checking: the not-found page, the empty cart and
 * an order still pending (its payment not yet confirmed). Every impact counts (expectAccessible).
 */
import { expect, test } from '@playwright/test';
import { STATUS_LABELS } from '../amplify/domain/labels.ts';
import { expectAccessible, placeOrder } from './helpers.ts';

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
