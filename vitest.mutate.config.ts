/**
 * The fast tier StrykerJS runs for every mutant (`npm run mutate`, stryker.config.mjs): tests that
 * start no local stack. At most an in-memory dynalite, started once per file. Kept apart from
 * `vitest.config.ts` so it can later point at the unit project instead.
 */
import { defineConfig } from 'vitest/config';

export const FAST_TESTS = [
  'tests/domain.test.ts',
  'tests/clean-text.test.ts',
  'tests/unit/**/*.test.ts',
  'src/**/*.test.{ts,tsx}',
];

/** Tests that start nothing at all (no dynalite, no fauxqs): `MUTATE_TESTS=pure` runs only these. */
export const PURE_TESTS = ['tests/domain.test.ts', 'tests/clean-text.test.ts', 'src/**/*.test.{ts,tsx}'];

export default defineConfig({
  test: {
    include: process.env.MUTATE_TESTS === 'pure' ? PURE_TESTS : FAST_TESTS,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
  },
});
