/**
 * The import boundaries of eslint.config.js hold: each import below, written in the file named,
 * is an error, and the same file with an import the layer may make is clean. (`npm run lint`
 * checks the real tree; this checks the rules themselves still bite.)
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint();

// The first file linted loads the config and the TypeScript parser: set-up, not the first rule's test.
beforeAll(() => eslint.lintText('export {};\n', { filePath: 'amplify/domain/x.ts' }));

async function restrictedImports(filePath: string, source: string): Promise<number> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath });
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').length;
}

describe('layer rules (eslint.config.js)', () => {
  it.each([
    ['amplify/domain/x.ts', "import '../server/settings/tables.ts';"],
    ['amplify/domain/x.ts', "import 'node:crypto';"],
    ['amplify/domain/x.ts', "import '@aws-sdk/client-dynamodb';"],
    ['amplify/server/x.ts', "import '../functions/app-server/handler.ts';"],
    ['amplify/server/aws/x.ts', "import '../../cloud/data.ts';"],
    ['amplify/server/x.ts', "import 'aws-cdk-lib';"],
    ['amplify/server/x.ts', "import '../backend.ts';"],
    ['amplify/functions/app-server/x.ts', "import '../../cloud/orders-api.ts';"],
    ['amplify/functions/app-server/x.ts', "import '@aws-amplify/backend';"],
    ['amplify/cloud/x.ts', "import '../../local/stack/stack.ts';"],
    ['src/x.ts', "import '../amplify/server/settings/tables.ts';"],
  ])('%s: %s is refused', async (file, source) => {
    expect(await restrictedImports(file, source)).toBe(1);
  });

  it.each([
    ['amplify/domain/x.ts', "import './order.ts';"],
    ['amplify/server/x.ts', "import '../domain/order.ts';"],
    ['amplify/functions/app-server/x.ts', "import '../../server/settings/tables.ts';"],
    ['amplify/functions/app-server/resource.ts', "import '@aws-amplify/backend';"],
    ['amplify/cloud/x.ts', "import '../functions/app-server/resource.ts';"],
    ['src/x.ts', "import '../amplify/domain/order.ts';"],
  ])('%s: %s is allowed', async (file, source) => {
    expect(await restrictedImports(file, source)).toBe(0);
  });
});
