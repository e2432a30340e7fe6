/**
 * Test tiers (Vitest projects); Playwright journeys (e2e/) are the fifth, `npm run test:e2e`.
 * - unit: the domain, the storefront's logic and components, the handlers called with event
 *   fixtures and SDK clients mocked (tests/unit/). No server, no local stack: `npm run test:unit`.
 * - integration: suites against the local stack (dynalite, fauxqs, local Step Functions, the local
 *   user pool). A new file under tests/ lands here unless it is listed in another tier.
 * - cloud: synthesis of the Amplify backend and template tests (esbuild bundles every function).
 * - load: the heavy suites (thousands of orders).
 */
import { defineConfig } from 'vitest/config';
import { productPictures } from './vite.product-pictures.ts';

const UNIT = ['tests/unit/**/*.test.ts', 'tests/domain.test.ts', 'tests/order-number.test.ts', 'tests/costs.test.ts', 'tests/tracing.test.ts', 'src/**/*.test.{ts,tsx}'];
const CLOUD = ['tests/cloud/**/*.test.ts'];
const LOAD = ['tests/load.test.ts', 'tests/recovery-scale.test.ts'];

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
      { extends: true, test: { name: 'unit', include: UNIT, testTimeout: 10_000 } },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: [...UNIT, ...CLOUD, ...LOAD], testTimeout: 60_000, hookTimeout: 120_000 },
      },
      { extends: true, test: { name: 'cloud', include: CLOUD, testTimeout: 60_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'load', include: LOAD, testTimeout: 60_000, hookTimeout: 120_000 } },
    ],
  },
});
