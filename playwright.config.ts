/**
 * Playwright journeys against the real local stack (`local/stack/start.ts`, i.e. `npm start`), started
 * twice on free ports with their own data folders, both serving one production build of the
 * storefront: one stack where every payment succeeds, one where every payment is declined; and, in
 * the `cloudfront` project, the production build as CloudFront serves it (e2e/cloud-site.ts, started
 * by its spec). Chromium is Debian's headless shell; Playwright cannot download.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { freePorts } from './tests/helpers/free-ports.ts';

// The config is loaded by the runner and again by each worker: the ports and the temp folder are
// chosen once and handed down through the environment, so every process agrees on them.
if (!process.env.STOREFRONT_E2E_PORTS) process.env.STOREFRONT_E2E_PORTS = freePorts(7).join(',');
if (!process.env.STOREFRONT_E2E_DIR) process.env.STOREFRONT_E2E_DIR = mkdtempSync(path.join(os.tmpdir(), 'storefront-e2e-'));
const [apiOk, webOk, apiDeclined, webDeclined, cognitoOk, cognitoDeclined, cloudFrontSite] = process.env.STOREFRONT_E2E_PORTS.split(',').map(Number);
const tempDir = process.env.STOREFRONT_E2E_DIR;

/**
 * The storefront the two stacks serve: one production build, made once here, without outputs (each
 * stack serves its own beside it). A production build is what shoppers get, and it spares the browser
 * the dev server's hundreds of unbundled modules and React's development checks on every page.
 */
const STOREFRONT_BUILD_DIR = path.join(tempDir, 'storefront');
if (!process.env.STOREFRONT_E2E_BUILT) {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', STOREFRONT_BUILD_DIR], {
    stdio: 'inherit',
    env: { ...process.env, AMPLIFY_OUTPUTS_PATH: path.join(tempDir, 'no-outputs.json') },
  });
  process.env.STOREFRONT_E2E_BUILT = '1';
}

export const STACKS = {
  ok: { apiPort: apiOk!, webPort: webOk!, cognitoPort: cognitoOk!, paymentSuccessRate: '1', dir: path.join(tempDir, 'ok') },
  declined: { apiPort: apiDeclined!, webPort: webDeclined!, cognitoPort: cognitoDeclined!, paymentSuccessRate: '0', dir: path.join(tempDir, 'declined') },
};

/** The CloudFront-like site of e2e/cloudfront.spec.ts (its port; its build and stack data go in `dir`). */
export const CLOUDFRONT_SITE = { port: cloudFrontSite!, dir: path.join(tempDir, 'cloudfront') };

/** The cancel window of the e2e stacks (seconds). */
export const E2E_CANCEL_WINDOW_SECONDS = 6;

const baseEnv = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

const webServer = (stack: (typeof STACKS)[keyof typeof STACKS]) => ({
  command: 'npx tsx --disable-warning=ExperimentalWarning local/stack/start.ts',
  url: `http://127.0.0.1:${stack.webPort}/`,
  env: {
    ...baseEnv,
    API_PORT: String(stack.apiPort),
    WEB_PORT: String(stack.webPort),
    COGNITO_PORT: String(stack.cognitoPort),
    LOCAL_DATA_DIR: path.join(stack.dir, 'data'),
    AMPLIFY_OUTPUTS_PATH: path.join(stack.dir, 'amplify_outputs.json'),
    PAYMENT_SUCCESS_RATE: stack.paymentSuccessRate,
    // Long enough to cancel a paid order in the browser (e2e/care.spec.ts), short enough not to slow every journey.
    CANCEL_WINDOW_SECONDS: String(E2E_CANCEL_WINDOW_SECONDS),
    LOCAL_STOREFRONT_BUILD_DIR: STOREFRONT_BUILD_DIR,
  },
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: 'pipe' as const,
  stderr: 'pipe' as const,
});

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    ...devices['Desktop Chrome'],
    launchOptions: {
      // Chromium's headless shell (Debian's chromium-headless-shell), as Playwright itself runs headless
      // Chromium: the full browser's headless mode took 60% more CPU for the same journeys.
      executablePath: '/usr/bin/chromium-headless-shell',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    video: 'off',
    screenshot: 'only-on-failure',
    // A failed journey keeps its trace (actions, DOM snapshots, network) but no screencast, whose
    // frames cost the browser a fifth of its CPU on every journey that passes.
    trace: { mode: 'retain-on-failure', screenshots: false },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    { name: 'storefront', testIgnore: /(declined|cloudfront)\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${STACKS.ok.webPort}/` } },
    { name: 'payments-declined', testMatch: /declined\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${STACKS.declined.webPort}/` } },
    { name: 'cloudfront', testMatch: /cloudfront\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${CLOUDFRONT_SITE.port}/` } },
  ],
  webServer: [webServer(STACKS.ok), webServer(STACKS.declined)],
});
