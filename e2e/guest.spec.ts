/**
 * Guest checkout in a real browser against the local stack: no account, an e-mail at checkout, the
 * order followed on its page and through the e-mail's link in another browser (nothing shared), the
 * token taken out of the address bar; an account created later with that e-mail holds the order.
 */
import { expect, test } from '@playwright/test';
import { mailboxUrl, newEmail, signUpInPlace } from './accounts.ts';
import { addToCart, expectAccessible, fillCheckout, openShop, reloadUntilDelivered, screenshot } from './helpers.ts';

interface Mail {
  to: string;
  kind: string;
  orderId: string;
  text: string;
}

async function mailsTo(email: string): Promise<Mail[]> {
  const { messages } = (await (await fetch(mailboxUrl())).json()) as { messages: Mail[] };
  return messages.filter((m) => m.to === email);
}

test('a guest checks out with an e-mail, follows the order by its link elsewhere, and finds it in an account created later', async ({ page, browser }) => {
  await openShop(page);
  await addToCart(page, 'Coffee Mug');
  await page.goto('/#/checkout');
  // Beside signing in: checking out as a guest.
  await page.getByRole('button', { name: 'Continue as guest' }).click();
  await expect(page.getByText('Checking out as a guest.')).toBeVisible();
  const email = newEmail('guest');
  await expect(page.getByLabel('E-mail', { exact: true })).toBeEditable();
  await fillCheckout(page, { 'E-mail': email, 'Full name': 'Guest Shopper' });
  await expectAccessible(page, 'guest checkout');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  const thanks = page.getByTestId('thank-you');
  await expect(thanks).toContainText('Thank you, Guest Shopper');
  await expect(thanks.getByRole('link', { name: 'create an account' })).toBeVisible();
  await expectAccessible(page, 'guest order page');
  await screenshot(page, '40-guest-order');
  // This browser keeps the order's token: a reload still shows the order, signed out.
  await reloadUntilDelivered(page);

  // The e-mails link to the order with its token.
  let link = '';
  await expect(async () => {
    const mails = await mailsTo(email);
    expect(mails.map((m) => m.kind)).toContain('order-confirmed');
    link = /(http\S+#\/orders\/\S+\?token=\S+)/.exec(mails[0]!.text)![1]!;
  }).toPass({ timeout: 20_000 });
  expect(link).toContain(`#/orders/${orderId}?token=`);

  // Another browser, nothing shared: the link opens the order, and the token leaves the address bar.
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await other.goto(link);
  await expect(other.getByTestId('order-status')).toHaveText('Delivered');
  await expect(other).toHaveURL(new RegExp(`#/orders/${orderId}$`));
  await expect(other.getByRole('heading', { level: 1, name: 'Order' })).toBeVisible();
  // Without the token (another order's id with it): not found, nothing shown.
  await other.goto(link.replace(orderId, '00000000-0000-4000-8000-000000000000'));
  await expect(other.getByRole('heading', { level: 1, name: 'We could not find this order' })).toBeVisible();

  // An account created with the guest's e-mail (verified by its code) holds the order.
  await other.goto('/#/sign-in?next=%23%2Forders');
  await signUpInPlace(other, email, 'Guest Shopper', mailboxUrl());
  await expect(other.getByRole('heading', { level: 1, name: 'My orders' })).toBeVisible();
  await expect(other.getByTestId('order-row')).toHaveCount(1);
  await expect(other.getByTestId('order-row').first().getByRole('link')).toHaveAttribute('href', `#/orders/${orderId}`);
  await elsewhere.close();
});
