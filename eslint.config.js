/**
 * ESLint (flat config): the recommended rules of ESLint and typescript-eslint, the two classic
 * React hooks rules (rules-of-hooks, exhaustive-deps; eslint-plugin-react-hooks 7's other
 * recommended rules are written for the React Compiler, which this storefront does not use), and
 * the project's import boundaries:
 * - the storefront (`src/`) runs in the browser: from `amplify/` it imports only the browser-safe
 *   domain (`amplify/domain/`), never server code, the cloud definition, AWS SDK clients,
 *   Powertools, CDK or the local runtime;
 * - `amplify/` never imports the local runtime (`local/` imports `amplify/`, not the reverse);
 * - inside `amplify/`, imports run one way: domain <- server (use cases, ports, adapters) <-
 *   functions (handlers) <- cloud (the CDK definition). The domain imports only itself and no Node
 *   or AWS package (the browser runs it); server imports no handler and no cloud code; handlers
 *   import no cloud code and no CDK (only their `resource.ts` files define them).
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LOCAL_RUNTIME = {
  regex: '(^|/)local/',
  message: 'The local runtime (local/) is not part of the app: it imports amplify/, never the reverse.',
};

const BROWSER_BOUNDARY = [
  {
    regex: '(^|/)amplify/(?!domain/)',
    message: 'The storefront imports only the browser-safe domain (amplify/domain/); server code, functions and the cloud definition stay on the server.',
  },
  LOCAL_RUNTIME,
  {
    group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@aws-amplify/backend*'],
    message: 'Server-side package: the storefront talks to AWS only through the REST API (aws-amplify).',
  },
  { group: ['node:*'], message: 'Node built-ins do not exist in the browser.' },
];

const CLOUD_PACKAGES = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag', '@aws-amplify/backend*'];

/** amplify/domain/: the rules and shapes every layer and the browser share. */
const DOMAIN_LAYER = [
  { regex: '^\\.\\./', message: 'The domain (amplify/domain/) imports only the domain: server code, handlers and the cloud definition build on it, not the reverse.' },
  { group: ['node:*', '@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', ...CLOUD_PACKAGES], message: 'The domain runs in the browser too: no Node built-in, AWS SDK, Powertools or CDK.' },
];

/** amplify/server/: use cases, ports and their AWS adapters. */
const SERVER_LAYER = [
  { regex: '(^|/)(functions|cloud|auth)/|^(\\.\\./)+backend(\\.ts)?$', message: 'Server code (amplify/server/) imports the domain and itself; handlers (functions/) and the cloud definition (cloud/, auth/, backend.ts) import it, not the reverse.' },
  { group: CLOUD_PACKAGES, message: 'Server code runs in the Lambda functions: no CDK or Amplify backend definition.' },
];

/** amplify/functions/ (but their resource.ts definitions): the handlers and their wiring. */
const HANDLER_LAYER = [
  { regex: '(^|/)(cloud|auth)/|^(\\.\\./)+backend(\\.ts)?$', message: 'Handlers never import the cloud definition (cloud/, auth/, backend.ts): it imports their resource.ts.' },
  { group: CLOUD_PACKAGES, message: 'Handlers are bundled into the Lambda functions: no CDK or Amplify backend definition (only resource.ts files define functions).' },
];

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', '.amplify/', '.local/', '.bench/', '.scratch/', 'cdk.out/', 'test-results/', 'playwright-report/', 'coverage/', 'reports/', '.stryker-tmp/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter or binding that is there for its position, not its value.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // A `let` assigned once but read (by a closure) above that assignment cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests and scripts read untyped JSON (templates, API answers) and poke at internals.
    files: ['tests/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', { patterns: BROWSER_BOUNDARY }],
    },
  },
  {
    // Storefront tests run in Vitest (Node, jsdom): the browser boundary still holds for what they import from amplify/.
    files: ['src/**/*.test.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: BROWSER_BOUNDARY.filter((pattern) => pattern.group?.[0] !== 'node:*') }] },
  },
  {
    files: ['amplify/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LOCAL_RUNTIME] }] },
  },
  {
    files: ['amplify/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LOCAL_RUNTIME, ...DOMAIN_LAYER] }] },
  },
  {
    files: ['amplify/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LOCAL_RUNTIME, ...SERVER_LAYER] }] },
  },
  {
    files: ['amplify/functions/**/*.ts'],
    ignores: ['amplify/functions/*/resource.ts', 'amplify/functions/define-order-function.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LOCAL_RUNTIME, ...HANDLER_LAYER] }] },
  },
);
