// @ts-check
/**
 * Mutation testing (`npm run mutate`, not part of `npm test`): StrykerJS mutates the domain, the
 * server code and the handlers and runs the fast tier (vitest.mutate.config.ts) against each mutant.
 * Concurrency 1: the machine is shared. Report: reports/mutation/mutation.html.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  // No type check per mutant by default: the TypeScript checker re-checks the mutated file and
  // everything importing it for each mutant, 5x the cost of running its tests on this 2-core machine
  // (7 mutants a minute instead of 30). A mutant that would not compile and that no test kills
  // shows up as a survivor; `npm run mutate -- --checkers typescript` runs with the checker.
  checkers: [],
  tsconfigFile: 'tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'amplify/domain/**/*.ts',
    'amplify/server/**/*.ts',
    'amplify/functions/**/*.ts',
    '!amplify/functions/**/resource.ts',
    '!amplify/functions/define-order-function.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants: the catalog, settings, schemas) need every test for
  // each of them: 25% of the mutants, 84% of the time. They are reported as ignored.
  ignoreStatic: true,
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 20_000,
};
