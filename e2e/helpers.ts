import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { createAccount, signInInPlace } from './accounts.ts';

/** The two screen sizes the storefront is checked at (axe, the phone pass, the visual baselines). */
export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/**
 * axe-core on the current page: no WCAG 2.1 A/AA violation of any impact (critical to minor).
 * With reduced motion (the storefront then turns its transitions off): a button caught half-way
 * through its colour transition (enabled a moment before) is not measured on a colour it never keeps.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  expect(violations, `axe violations on ${what}`).toEqual([]);
}

/**
 * The order page polls until the order ships; delivery comes later (days in AWS, the local
 * delivery wait here) and shows on a reload, which is what a returning customer does.
 */
export async function reloadUntilDelivered(page: Page): Promise<void> {
  const status = page.getByTestId('order-status');
  await expect(status).toHaveText(/^(Shipped|Delivered)$/, { timeout: 60_000 });
  await expect(async () => {
    await page.reload();
    // Loaded again (shipped or delivered), then delivered, or reload once more.
    await expect(status).toHaveText(/^(Shipped|Delivered)$/, { timeout: 15_000 });
    expect(await status.textContent()).toBe('Delivered');
  }).toPass({ timeout: 60_000 });
}

/** A full-page screenshot kept as a test artifact in e2e/screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

export async function openShop(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Desk gear, delivered' })).toBeVisible();
  await expect(page.getByRole('article').first()).toBeVisible();
}

export async function addToCart(page: Page, productName: string): Promise<void> {
  await page.getByRole('button', { name: `Add to cart ${productName}` }).click();
  await expect(page.getByTestId('cart-announcement')).toHaveText(`Added ${productName} to your cart.`);
}

export const SHOPPER = {
  'Full name': 'Ada Lovelace',
  'E-mail': 'ada@example.com',
  'Street address': '12 Analytical Row',
  City: 'Springfield',
  'State / province': 'IL',
  'ZIP / postal code': '62701',
} as const;

export async function fillCheckout(page: Page, overrides: Partial<Record<keyof typeof SHOPPER, string>> = {}): Promise<void> {
  for (const [label, value] of Object.entries({ ...SHOPPER, ...overrides })) {
    const field = page.getByLabel(label, { exact: true });
    // The e-mail is the account's (read-only once signed in).
    if (label === 'E-mail' && !(await field.isEditable())) continue;
    await field.fill(value);
  }
  await page.getByLabel('Country', { exact: true }).selectOption('US'); // the code is stored
  await page.getByLabel('Payment method').selectOption('credit_card');
}

/** Opens the checkout, signing in there (with a new account unless `email` is given) when asked. */
export async function openCheckout(page: Page, email?: string, stack: 'ok' | 'declined' = 'ok'): Promise<void> {
  await page.goto('/#/checkout');
  const gate = page.locator('[data-amplify-authenticator]');
  const form = page.getByRole('button', { name: 'Place order' });
  await expect(gate.or(form).first()).toBeVisible();
  if (await gate.isVisible()) await signInInPlace(page, email ?? (await createAccount({ stack })));
}

/** Adds two products, checks out (signed in), and waits for the order page. Returns the order id. */
export async function placeOrder(
  page: Page,
  products: readonly string[] = ['Wireless Headphones', 'Coffee Mug'],
  options: { email?: string; stack?: 'ok' | 'declined' } = {},
): Promise<string> {
  await openShop(page);
  for (const product of products) await addToCart(page, product);
  await openCheckout(page, options.email, options.stack);
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await fillCheckout(page);
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
  expect(orderId).toBeTruthy();
  return orderId!;
}
