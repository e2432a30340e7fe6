/**
 * Lambda bundles as Amplify builds them, next to their floor (the same settings, only the AWS SDK
 * clients the function uses), and the time to import each in a fresh Node process.
 *
 * Options copied from @aws-amplify/backend-function (lib/factory.js, `resolveBundling` and the
 * NodejsFunction props) and aws-cdk-lib/aws-lambda-nodejs (lib/bundling.js, the esbuild command):
 *   bundle, --target=node22 (runtime 22), --platform=node, --format=esm, --outfile=index.mjs,
 *   --minify, --sourcemap (a separate .map file: not counted, Lambda does not load it),
 *   bundleAwsSDK: true (no externals), --loader:.node=file, --log-level=error,
 *   --banner:js=<resolve_ssm_params + invoke_ssm_shim, flattened to one line>,
 *   --inject:<lambda-shims/cjs_shim> (the createRequire/__filename/__dirname shim).
 */
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { EOL } from 'node:os';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENV } from '../amplify/server/environment.ts';
import { median } from './stats.ts';

const require = createRequire(import.meta.url);
// The package's main is lib/index.js; its shims sit beside it (the subpath itself is not exported).
const shimsDir = path.join(path.dirname(require.resolve('@aws-amplify/backend-function')), 'lambda-shims');

/** The banner Amplify builds (same concatenation and comment stripping as factory.js). */
function amplifyBanner(): string {
  return readFileSync(path.join(shimsDir, 'resolve_ssm_params.js'), 'utf-8')
    .concat(readFileSync(path.join(shimsDir, 'invoke_ssm_shim.js'), 'utf-8'))
    .split(new RegExp(`${EOL}|\n|\r`, 'g'))
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('');
}

/** SDK packages whose client a floor bundle instantiates, and how. */
const SDK_CLIENTS: Record<string, { name: string; make: string }> = {
  '@aws-sdk/client-dynamodb': { name: 'DynamoDBClient', make: 'new DynamoDBClient({})' },
  '@aws-sdk/lib-dynamodb': { name: 'DynamoDBDocumentClient', make: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))' },
  '@aws-sdk/client-sqs': { name: 'SQSClient', make: 'new SQSClient({})' },
  '@aws-sdk/client-sns': { name: 'SNSClient', make: 'new SNSClient({})' },
  '@aws-sdk/client-sfn': { name: 'SFNClient', make: 'new SFNClient({})' },
  '@aws-sdk/client-scheduler': { name: 'SchedulerClient', make: 'new SchedulerClient({})' },
};

export interface BundleFigures {
  bytes: number;
  floorBytes: number;
  ratio: number;
  loadMs: number;
  floorLoadMs: number;
  sdkClients: string[];
  /** Largest contributors (bytes in the output) grouped by package, when ratio > 1.5. */
  topInputs?: { input: string; bytes: number }[];
}

async function esbuildLikeAmplify(entry: string, outDir: string, nodePaths: string[] = []): Promise<{ file: string; metafile: Metafile }> {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    target: 'node22',
    platform: 'node',
    format: 'esm',
    outfile: file,
    minify: true,
    sourcemap: true,
    loader: { '.node': 'file' },
    logLevel: 'error',
    banner: { js: amplifyBanner() },
    inject: [path.join(shimsDir, 'cjs_shim.js')],
    metafile: true,
    nodePaths,
  });
  return { file, metafile: result.metafile };
}

/** The package an input path belongs to (or the project folder for our own code). */
function packageOf(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.slice(input.lastIndexOf('node_modules/')));
  if (m) return m[1]!;
  return input.split('/').slice(0, 2).join('/');
}

function usedSdkPackages(metafile: Metafile): string[] {
  const used = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const pkg = packageOf(input);
    if (pkg in SDK_CLIENTS) used.add(pkg);
  }
  return [...used].sort();
}

function topPackages(metafile: Metafile, limit = 8): { input: string; bytes: number }[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = packageOf(input);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([input, bytes]) => ({ input, bytes }));
}

/** Environment the handlers require at import (dummy values; nothing is called). */
function handlerEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    [ENV.ordersTable]: 'orders',
    [ENV.idempotencyTable]: 'idempotency',
    [ENV.stockTable]: 'stock',
    [ENV.statsTable]: 'stats',
    [ENV.queueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/order-queue',
    [ENV.stateMachineArn]: 'arn:aws:states:us-east-1:000000000000:stateMachine:order-workflow',
    [ENV.topicArn]: 'arn:aws:sns:us-east-1:000000000000:order-notifications',
    [ENV.paymentSuccessRate]: '1',
    POWERTOOLS_SERVICE_NAME: 'bench',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

/** Median milliseconds of `import(file)` in `runs` fresh Node processes. */
export function loadTime(file: string, runs = 10): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t)); process.exit(0);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: handlerEnv(), encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`Loading ${file} failed: ${r.stderr.slice(0, 500)}`);
    times.push(Number(r.stdout));
  }
  return median(times);
}

export async function measureBundles(root: string, workDir: string, functions: string[], log: (line: string) => void): Promise<Record<string, BundleFigures>> {
  const figures: Record<string, BundleFigures> = {};
  for (const name of functions) {
    const entry = path.join(root, 'amplify/functions', name, 'handler.ts');
    const real = await esbuildLikeAmplify(entry, path.join(workDir, name));
    const sdk = usedSdkPackages(real.metafile);
    const floorEntry = path.join(workDir, `${name}-floor-entry.mjs`);
    const needs = new Set(sdk);
    if (needs.has('@aws-sdk/lib-dynamodb')) needs.add('@aws-sdk/client-dynamodb');
    const imports = [...needs].map((pkg) => `import { ${SDK_CLIENTS[pkg]!.name} } from '${pkg}';`);
    const makes = sdk.map((pkg) => SDK_CLIENTS[pkg]!.make);
    writeFileSync(floorEntry, `${imports.join('\n')}\nexport const clients = [${makes.join(', ')}];\nexport const handler = async () => clients.length;\n`);
    // Resolve the SDK from the project, as the real entry does.
    const floor = await esbuildLikeAmplify(floorEntry, path.join(workDir, `${name}-floor`), [path.join(root, 'node_modules')]);
    const bytes = statSync(real.file).size;
    const floorBytes = statSync(floor.file).size;
    const loadMs = loadTime(real.file);
    const floorLoadMs = loadTime(floor.file);
    const ratio = bytes / floorBytes;
    figures[name] = {
      bytes,
      floorBytes,
      ratio,
      loadMs,
      floorLoadMs,
      sdkClients: sdk,
      ...(ratio > 1.5 ? { topInputs: topPackages(real.metafile) } : {}),
    };
    log(`  ${name}: ${bytes} B (floor ${floorBytes} B, ratio ${ratio.toFixed(2)}), load ${loadMs.toFixed(1)} ms (floor ${floorLoadMs.toFixed(1)} ms)`);
  }
  return figures;
}
