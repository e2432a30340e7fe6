/**
 * Test tiers (Vitest projects), one folder each; Playwright journeys (e2e/) are the fifth, `npm run test:e2e`.
 * - unit (tests/unit/, and the storefront's own test files under src/): the domain, the storefront's logic
 *   and components, the handlers called with event fixtures and SDK clients mocked. No server, no
 *   local stack: `npm run test:unit`.
 * - integration (tests/integration/): suites against the local stack (dynalite, fauxqs, local Step
 *   Functions, the local user pool, `npm start` itself).
 * - cloud (tests/cloud/): synthesis of the Amplify backend and template tests (esbuild bundles every function).
 * - load (tests/load/): the heavy suites (hundreds to thousands of orders).
 * A test file directly under tests/ is in no tier: the config refuses to start.
 */
import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { productPictures } from './vite.product-pictures.ts';

const TIERS = { unit: ['tests/unit/**/*.test.ts', 'src/**/*.test.{ts,tsx}'], integration: ['tests/integration/**/*.test.ts'], cloud: ['tests/cloud/**/*.test.ts'], load: ['tests/load/**/*.test.ts'] };
const untiered = readdirSync('tests').filter((name) => name.endsWith('.test.ts'));
if (untiered.length > 0) throw new Error(`Test files outside a tier folder (tests/unit, integration, cloud or load): ${untiered.join(', ')}`);

export default defineConfig({
  // The storefront's modules import the product pictures (vite.config.ts).
  plugins: [productPictures()],
  test: {
    // The machine has 2 cores; integration suites each start local services.
    maxWorkers: 2,
    // The local SQS (fauxqs) loads node:sqlite, whose ExperimentalWarning would open every suite's output.
    execArgv: ['--disable-warning=ExperimentalWarning'],
    env: {
      // Handlers' log lines stay out of the test output: the unit tier captures the log calls and
      // asserts on the ERROR/WARN lines a provoked failure must produce (tests/unit/logs.ts); the
      // other tiers assert on outcomes (status codes, stored orders, executions). To see the logs:
      // POWERTOOLS_LOG_LEVEL=INFO npx vitest run <file>.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    },
    projects: [
      // Bounds on a hung test, not speed checks: `npm test` runs the browser journeys beside the tiers,
      // and a unit test's set-up (a dynalite, ESLint's config) can wait for a core that long.
      { extends: true, test: { name: 'unit', include: TIERS.unit, testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'integration', include: TIERS.integration, testTimeout: 60_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'cloud', include: TIERS.cloud, testTimeout: 60_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'load', include: TIERS.load, testTimeout: 60_000, hookTimeout: 120_000 } },
    ],
  },
});
