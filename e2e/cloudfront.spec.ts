/**
 * The storefront as a deployed branch serves it (issue 20, "Signed-in users look signed out on the
 * CloudFront site"): the production build, with the outputs `ampx generate outputs` writes (the
 * identity pool Amplify adds included), behind CloudFront's response headers, the CSP verbatim
 * (e2e/cloud-site.ts). The demo customer signs in at checkout, buys, and finds the order under My
 * orders, again after a reload; the page asks AWS only what the CSP lets it: the API on its own
 * origin (no preflight) and the user pool, nothing of cognito-identity, and no CSP violation.
 */
import { expect, test } from '@playwright/test';
import { API_NAME } from '../amplify/domain/api.ts';
import { DEMO_USERS } from '../local/cognito/cognito.ts';
import { CLOUDFRONT_SITE } from '../playwright.config.ts';
import { signInInPlace } from './accounts.ts';
import { CLOUD_REGION, startCloudSite, type CloudSite } from './cloud-site.ts';
import { addToCart, fillCheckout, openShop } from './helpers.ts';

let site: CloudSite;
test.beforeAll(async () => {
  test.setTimeout(120_000); // a local stack, a synthesis and a production build
  site = await startCloudSite(CLOUDFRONT_SITE);
});
test.afterAll(async () => site?.stop());

test('a signed-in customer buys and finds the order under My orders, within the CloudFront CSP', async ({ context, page }) => {
  const aborted = await site.routeAwsToLocal(context);
  const hostsOffThisMachine = new Set<string>();
  context.on('request', (request) => {
    const { hostname } = new URL(request.url());
    if (hostname !== '127.0.0.1') hostsOffThisMachine.add(hostname);
  });
  const cspViolations: string[] = [];
  await context.exposeFunction('reportCspViolation', (violation: string) => cspViolations.push(violation));
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(`${event.effectiveDirective} ${event.blockedURI}`),
    ),
  );

  try {
    const document = page.waitForResponse(site.url);
    await openShop(page);
    const lowercased = Object.fromEntries(Object.entries(site.headers).map(([name, value]) => [name.toLowerCase(), value]));
    expect((await document).headers()).toMatchObject(lowercased);

    const { email, password } = DEMO_USERS.customer;
    await addToCart(page, 'Coffee Mug');
    await page.goto('/#/checkout');
    await signInInPlace(page, email, password);
    await fillCheckout(page);
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect(page).toHaveURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(page.url())![1]!;

    await page.getByRole('link', { name: 'My orders' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My orders' })).toBeVisible();
    const rows = page.getByTestId('order-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByRole('link')).toHaveAttribute('href', `#/orders/${orderId}`);
    // A returning visit: the session is read back from storage, not from a sign-in.
    await page.reload();
    await expect(page.getByTestId('account-email')).toHaveText(email);
    await expect(rows).toHaveCount(1);

    // The API on the site's own origin (no preflight was needed: no OPTIONS request was made).
    expect(new URL(site.outputs.custom!.API![API_NAME]!.endpoint).origin).toBe(new URL(site.url).origin);
    // The site saw the order placed and read, and no preflight (OPTIONS) before any of it.
    expect(site.apiRequests).toContain(`POST /prod/orders`);
    expect(site.apiRequests.filter((r) => r.startsWith('OPTIONS'))).toEqual([]);
    expect([...hostsOffThisMachine]).toEqual([`cognito-idp.${CLOUD_REGION}.amazonaws.com`]);
  } finally {
    // Reported with whatever stopped the journey: they say why.
    expect.soft(cspViolations, 'CSP violations the page reported').toEqual([]);
    expect.soft(aborted, 'requests to neither the API nor the user pool').toEqual([]);
  }
});
