/**
 * The staff Dashboard (issue 27): after orders on the local stack, staff see the day's figures
 * from `GET /stats` (totals, the chart, top products, the days) and download the days as CSV;
 * the page is accessible (axe) at both sizes; a customer has no Dashboard and the API refuses them.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createAccount, signInInPlace } from './accounts.ts';
import { expectAccessible, placeOrder, SIZES } from './helpers.ts';

const today = () => new Date().toISOString().slice(0, 10);

test('staff see the figures, a chart and top products, download the days as CSV; accessible at both sizes', async ({ page, browser }) => {
  await placeOrder(page, ['Wireless Headphones', 'Coffee Mug']);
  // Customers have no Dashboard link, and the page shows them nothing.
  await expect(page.getByRole('link', { name: 'Dashboard' })).toHaveCount(0);
  await page.goto('/#/staff/dashboard');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();

  const context = await browser.newContext();
  const staff = await context.newPage();
  await staff.goto('/#/staff/dashboard');
  await signInInPlace(staff, await createAccount({ staff: true }));
  await expect(staff.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(staff.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
  // Today: at least this order (other journeys place theirs on the same stack).
  const row = staff.getByTestId('stats-days').getByRole('row', { name: new RegExp(`^${today()}`) });
  await expect(row).toBeVisible();
  expect(Number(await row.getByRole('cell').first().textContent())).toBeGreaterThanOrEqual(1);
  expect(Number(await staff.getByTestId('total-orders').textContent())).toBeGreaterThanOrEqual(1);
  await expect(staff.getByTestId('stats-chart').locator('canvas')).toBeVisible();
  await expect(staff.getByTestId('stats-chart')).toHaveAttribute('aria-label', /Chart of orders and revenue per day/);
  await expect(staff.getByTestId('top-products').getByRole('rowheader', { name: 'Wireless Headphones' })).toBeVisible();

  const [download] = await Promise.all([staff.waitForEvent('download'), staff.getByRole('link', { name: 'Download CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('date,orders,paid,declined,cancelled,refunded,revenue,outOfStock');
  expect(csv).toHaveLength(31); // the header and 30 days
  expect(csv.at(-1)).toMatch(new RegExp(`^${today()},[1-9]\\d*,`));

  for (const [size, viewport] of Object.entries(SIZES)) {
    await staff.setViewportSize(viewport);
    await expect(staff.getByTestId('stats-chart').locator('canvas')).toBeVisible();
    await expectAccessible(staff, `the Dashboard (${size})`);
  }

  // Another range from the picker: the address keeps it; a day with nothing is zeros.
  await staff.getByLabel('From', { exact: true }).fill('2026-01-01');
  await staff.getByLabel('To', { exact: true }).fill('2026-01-02');
  await staff.getByRole('button', { name: 'Show figures' }).click();
  await expect(staff).toHaveURL(/#\/staff\/dashboard\?from=2026-01-01&to=2026-01-02$/);
  await expect(staff.getByTestId('total-orders')).toHaveText('0');
  await expect(staff.getByText('No product sold in these days.')).toBeVisible();
  await context.close();
});

test('the chart library is not in the first page: it loads only with the Dashboard', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Desk gear, delivered' })).toBeVisible();
  expect(scripts.filter((url) => /uplot|StatsChart/i.test(url))).toEqual([]);
});
