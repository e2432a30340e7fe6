/**
 * What one storefront visit loads, from a production build: `vite build` into a temporary folder
 * with cloud-shaped outputs (the API Gateway endpoint and user pool ids baked in, as the branch
 * build bakes them), served gzip by storefront.ts's static server, and the catalog page loaded in
 * Debian's Chromium (Playwright, a fresh context: nothing cached), scrolled to the end as a shopper
 * browses it. Every response from the site is counted with its bytes over the wire (headers and
 * encoded body); requests to any other host (Cognito, the API) are aborted and listed apart. The
 * returning visit follows from the first by the cache headers the cloud sets (bill.ts
 * `returningVisit`). About 20-40 s (the build), a few seconds for the page.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { API_NAME } from '../amplify/domain/api.ts';
import { OUTPUTS_VERSION, type AmplifyOutputs } from '../amplify/domain/outputs.ts';
import { returningVisit, uniqueByPath, visitLoad, type VisitFigures, type VisitRequest } from './bill.ts';
import { buildStorefront, serveStatic } from './storefront.ts';

const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 800 };

/** amplify_outputs.json as a deployed branch has it (made-up ids; nothing is called). */
export function cloudShapedOutputs(region = 'us-east-1'): AmplifyOutputs {
  return {
    version: OUTPUTS_VERSION,
    auth: {
      aws_region: region,
      user_pool_id: `${region}_AbCdEfGhI`,
      user_pool_client_id: '1example23456789abcdefghij',
      username_attributes: ['email'],
      user_verification_types: ['email'],
    },
    custom: {
      API: { [API_NAME]: { endpoint: `https://abc123defg.execute-api.${region}.amazonaws.com/prod/`, region, apiName: API_NAME } },
      storefrontUrl: 'https://d111111abcdef8.cloudfront.net',
    },
  } as AmplifyOutputs;
}

export async function measureVisit(root: string, work: string, log: (line: string) => void): Promise<VisitFigures> {
  const site = path.join(work, 'visit-site');
  mkdirSync(work, { recursive: true });
  await buildStorefront(root, site, cloudShapedOutputs() as unknown as Record<string, unknown>, log);
  // The cloud deploys the runtime copy beside the site too (a build without outputs fetches it).
  writeFileSync(path.join(site, 'amplify_outputs.json'), JSON.stringify(cloudShapedOutputs()));
  const server = await serveStatic(site);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const requests: VisitRequest[] = [];
  const offSite: string[] = [];
  try {
    const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
    const origin = new URL(server.url).origin;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
      offSite.push(`${route.request().method()} ${url}`);
      return route.abort();
    });
    const page = await context.newPage();
    const finished: Promise<void>[] = [];
    page.on('requestfinished', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin) return;
      finished.push(
        (async () => {
          const response = await request.response();
          const sizes = await request.sizes();
          requests.push({ path: url.pathname, status: response?.status() ?? 0, bytes: sizes.responseHeadersSize + sizes.responseBodySize, headerBytes: sizes.responseHeadersSize });
        })(),
      );
    });
    await page.goto(server.url, { waitUntil: 'networkidle' });
    // A shopper looks through the whole catalog: whatever loads lazily loads now.
    for (let i = 0; i < 20; i++) {
      const done = await page.evaluate(() => {
        window.scrollBy(0, window.innerHeight);
        return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight;
      });
      await page.waitForTimeout(100);
      if (done) break;
    }
    await page.waitForLoadState('networkidle');
    await Promise.all(finished);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  // Chromium asks for the icon twice (the page's <link> and its own tab icon); with the cloud's
  // day of max-age the second comes from the cache, as does any file asked for again.
  const unique = uniqueByPath(requests.sort((a, b) => a.path.localeCompare(b.path)));
  const first = visitLoad(unique);
  const returning = returningVisit(unique);
  const returningAfterADay = returningVisit(unique, true);
  log(`  visit: first ${first.requests} requests, ${(first.bytes / 1024).toFixed(1)} KB; returning ${returning.requests} (${returning.files.join(', ')}); off-site ${offSite.length}`);
  return {
    first,
    returning,
    returningAfterADay,
    method: `the catalog page of a production build (vite build, cloud-shaped outputs) served gzip on 127.0.0.1, loaded in Chromium (${VIEWPORT.width}x${VIEWPORT.height}, nothing cached) and scrolled to the end; every response counted with its headers and encoded body, once per path (${requests.length - unique.length} repeated: from the cache with the cloud's max-age)`,
    offSite,
  };
}
