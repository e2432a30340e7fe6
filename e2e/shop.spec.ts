/** Finding and choosing: search, categories, product pages, feedback after Add to cart, the header. */
import { expect, test } from '@playwright/test';
import { expectAccessible, openShop, screenshot, SIZES } from './helpers.ts';

test('search filters as you type and by category, and the URL keeps both', async ({ page }) => {
  await openShop(page);
  await expect(page.getByTestId('results-count')).toHaveText('24 products');
  const search = page.getByRole('searchbox', { name: 'Search products' });
  await search.pressSequentially('noise');
  // Name and description: "noise cancelling" is in the headphones' and the earbuds' descriptions.
  await expect(page.getByRole('article')).toHaveCount(2);
  await expect(page.getByTestId('results-count')).toHaveText('2 products match “noise”');
  await expect(page).toHaveURL(/#\/\?q=noise$/);

  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Audio' }).click();
  await expect(page).toHaveURL(/#\/\?q=noise&category=audio$/);
  await expect(page.getByRole('link', { name: 'Audio' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('article')).toHaveCount(2);

  await search.fill('');
  await expect(page).toHaveURL(/#\/\?category=audio$/);
  await expect(page.getByRole('article')).toHaveCount(4);
  await expectAccessible(page, 'the catalog filtered by category');

  // A shared link opens the same results; a search that finds nothing says what to do.
  await page.goto('/#/?q=lamp&category=desk');
  await expect(page.getByRole('searchbox', { name: 'Search products' })).toHaveValue('lamp');
  await expect(page.getByRole('article')).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Search products' }).fill('zebra');
  await expect(page.getByRole('heading', { name: 'No products match' })).toBeVisible();
});

test('a product page opens from the name and from the picture, adds a quantity, and leads back to the results', async ({ page }) => {
  await page.goto('/#/?category=desk');
  await expect(page.getByRole('article').first()).toBeVisible();
  await page.getByRole('link', { name: 'Monitor Light Bar' }).click();
  await expect(page).toHaveURL(/#\/products\/prod-017$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Monitor Light Bar' })).toBeFocused();
  await expect(page.getByRole('img', { name: 'Monitor Light Bar' })).toBeVisible();
  await expect(page.getByText('$42.00')).toBeVisible();
  await expect(page.getByText('Lights the desk, not the screen')).toBeVisible();

  const quantity = page.getByLabel('Quantity', { exact: true });
  await expect(quantity).toHaveAttribute('inputmode', 'numeric');
  await quantity.fill('25');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(quantity).toHaveAccessibleDescription('Choose a quantity from 1 to 10.');
  await quantity.fill('3');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added 3 × Monitor Light Bar to your cart.' })).toBeVisible();
  await expect(page.getByTestId('cart-badge')).toHaveText('3');
  await expectAccessible(page, 'the product page');
  await screenshot(page, '10-product');

  await page.getByRole('link', { name: '← Back to your results' }).click();
  await expect(page).toHaveURL(/#\/\?category=desk$/);
  // The picture is a link to the same page (kept out of the tab order: the name is the link read out).
  await page.getByRole('article').filter({ hasText: 'Desk Lamp' }).locator('a.product-image-link').click();
  await expect(page).toHaveURL(/#\/products\/prod-008$/);
  await page.goto('/#/products/prod-999');
  await expect(page.getByRole('heading', { level: 1, name: 'Product not found' })).toBeVisible();
});

test('Add to cart gives feedback beside the button, hiding nothing and moving nothing, gone on the next page; the sticky badge counts only what is sold', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('article').first()).toBeVisible();
  await expect(page.getByTestId('cart-badge')).toHaveCount(0); // hidden while the cart is empty
  await expect(page.getByRole('link', { name: 'Cart, empty' })).toBeVisible();

  const card = page.getByRole('article').filter({ hasText: 'Travel Tech Pouch' });
  await card.scrollIntoViewIfNeeded();
  const gridTop = async () => page.locator('.product-grid').evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
  const before = await gridTop();
  const button = card.getByRole('button', { name: 'Add to cart Travel Tech Pouch' });
  await button.click();
  await expect(page.getByTestId('cart-announcement')).toHaveText('Added Travel Tech Pouch to your cart.');
  const feedback = card.getByTestId('added-feedback');
  await expect(feedback).toBeInViewport();
  await expect(page.getByTestId('cart-badge')).toBeInViewport();
  await expect(page.getByTestId('cart-badge')).toHaveText('1');
  expect(await gridTop()).toBe(before); // no layout shift
  // The feedback covers nothing: the button stays the topmost element where it is.
  expect(await button.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
  })).toBe(true);
  await feedback.getByRole('link', { name: 'View cart' }).click();
  await expect(page.getByTestId('cart-announcement')).toHaveText('');
  await expect(page.getByTestId('added-feedback')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  await expect(page.getByTestId('shipping')).toHaveText('$4.99'); // $22.50 is below the free-shipping line
  await expect(page.getByText('Add $27.50 more for free shipping.')).toBeVisible();

  // A product the store no longer sells is not counted.
  await page.evaluate(() =>
    localStorage.setItem('storefront.cart.v1', JSON.stringify([{ productId: 'prod-024', quantity: 1 }, { productId: 'prod-gone', quantity: 4 }])),
  );
  await page.reload();
  await expect(page.getByTestId('cart-badge')).toHaveText('1');

  // A typed quantity above the limit says what it became.
  await page.getByLabel('Quantity of Travel Tech Pouch', { exact: true }).fill('25');
  await expect(page.getByText('At most 10 per order: set to 10.')).toBeVisible();
  await expect(page.getByTestId('cart-badge')).toHaveText('10');
});

test('on a phone the catalog shows two products side by side and nothing scrolls sideways', async ({ page }) => {
  await page.setViewportSize(SIZES.phone);
  await openShop(page);
  const boxes = await page.getByRole('article').evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().top));
  expect(boxes[0]).toBe(boxes[1]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page, 'the catalog on a phone');
});
