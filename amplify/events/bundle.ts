/**
 * The namespace handler's code as AppSync runs it: amplify/events/orders-channel.ts and what it
 * imports from amplify/domain, bundled into one ES module (esbuild), `@aws-appsync/utils` left to
 * the runtime. The local stand-in passes `utilsShim` to run the same code in Node.
 */
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const ORDERS_CHANNEL_HANDLER = fileURLToPath(new URL('./orders-channel.ts', import.meta.url));

export function bundleOrdersChannelHandler(options: { utilsShim?: string } = {}): string {
  const result = buildSync({
    entryPoints: [ORDERS_CHANNEL_HANDLER],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    // The handler keeps its names readable in the console and in errors.
    minify: false,
    treeShaking: true,
    legalComments: 'none',
    ...(options.utilsShim ? { alias: { '@aws-appsync/utils': options.utilsShim } } : { external: ['@aws-appsync/utils'] }),
  });
  return result.outputFiles[0]!.text;
}
