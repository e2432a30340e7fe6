/**
 * `npm start`: the local stack and the storefront, no AWS account needed.
 * Configuration: see local/stack/config.ts and docs/local.md ("Configuration").
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { DEMO_USERS } from '../cognito/cognito.ts';
import { readLocalConfig } from './config.ts';
import { loopbackOrigins } from '../shared/http-guard.ts';
import { startLocalStack } from './stack.ts';

const started = Date.now();
const config = readLocalConfig();
const stack = await startLocalStack({
  ...config,
  storefrontOrigins: loopbackOrigins(config.webPort),
  log: (line) => console.log(`[local] ${line}`),
  onMail: (mail) => console.log(`\n[outbox] To: ${mail.to}  Subject: ${mail.subject}\n${mail.text.replace(/^/gm, '  | ')}`),
});
writeFileSync(config.outputsPath, `${JSON.stringify(stack.outputs(), null, 2)}\n`);

// Vite is loaded only here, so the stack itself (tests, benchmarks) does not depend on it.
const web = config.storefrontBuildDir ? await serveBuiltStorefront(config.storefrontBuildDir) : await serveStorefrontSource();
const webUrl = `http://127.0.0.1:${config.webPort}/`;

console.log(`
Order platform running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  Storefront: ${webUrl}
  API:        ${stack.apiUrl}
  Outbox:     ${stack.outbox.dir}  (also ${stack.mailboxUrl})
  Local AWS:  DynamoDB ${stack.endpoints.dynamodb}  SQS/SNS ${stack.endpoints.sqs}  Step Functions ${stack.endpoints.sfn}  Scheduler ${stack.endpoints.scheduler}  SES ${stack.endpoints.sesv2}
              (all on 127.0.0.1 only; browsers are refused, see docs/local.md)
  User pool:  ${stack.cognito.endpoint}  (${stack.cognito.userPoolId}, local Cognito: cognito-local)
  Live:       ${stack.events.outputsUrl}/realtime  (AppSync Events: live order status, docs/live-updates.md)
  Demo customer: ${DEMO_USERS.customer.email} / ${DEMO_USERS.customer.password}
  Demo staff:    ${DEMO_USERS.staff.email} / ${DEMO_USERS.staff.password}  (group ADMINS: All orders)
  Data:       ${config.dataDir}
  Payments succeed with probability ${config.paymentSuccessRate}; a paid order can be cancelled for ${config.cancelWindowSeconds} s (CANCEL_WINDOW_SECONDS) before it ships.
  Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await web.close();
  await stack.stop();
  console.log('Stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

/** The storefront's source through Vite's dev server (what a developer edits, reloaded as they save). */
async function serveStorefrontSource() {
  const { createServer } = await import('vite');
  process.env.AMPLIFY_OUTPUTS_PATH = config.outputsPath;
  const vite = await createServer({
    configFile: path.resolve('vite.config.ts'),
    server: { port: config.webPort, strictPort: true, host: '127.0.0.1' },
  });
  await vite.listen();
  return vite;
}

/**
 * A `vite build` of the storefront made without outputs (`LOCAL_STOREFRONT_BUILD_DIR`), served as
 * `vite preview` serves it, with this stack's outputs beside it at `/amplify_outputs.json`, where
 * such a build looks for them (as on a deployed site). One build serves any number of stacks.
 */
async function serveBuiltStorefront(buildDir: string) {
  const { preview } = await import('vite');
  const outputsFile: Plugin = {
    name: 'local:amplify-outputs-file',
    configurePreviewServer(server) {
      server.middlewares.use('/amplify_outputs.json', (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(readFileSync(config.outputsPath));
      });
    },
  };
  return preview({
    configFile: false,
    plugins: [outputsFile],
    build: { outDir: path.resolve(buildDir) },
    preview: { port: config.webPort, strictPort: true, host: '127.0.0.1' },
  });
}
