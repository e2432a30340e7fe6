/**
 * The storefront as a deployed branch serves it, on this machine: built (`vite build`, into a temp
 * folder) with the outputs `ampx generate outputs` writes for the deployment (cloud-shaped: the
 * identity pool, the API Gateway endpoint, no local entries; e2e/cloud-outputs.ts), and served on
 * 127.0.0.1 as CloudFront serves it: the synthesized response headers policy on every response
 * (e2e/cloudfront-headers.ts), `/` as index.html, and index.html for any missing path.
 *
 * The AWS endpoints in the build lead to a local stack of its own (its API and user pool answer
 * this site's origin) through the browser context's request routing, so the CSP stays verbatim:
 * the API Gateway endpoint to the local API, Cognito's user pool endpoint to the local pool, and
 * every other request off this machine is aborted and recorded (cognito-identity among them).
 * Playwright answers CORS preflights of routed requests itself (microsoft/playwright#12929): this
 * site proves the CSP and the outputs, not CORS.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext } from '@playwright/test';
import { API_NAME } from '../amplify/domain/api.ts';
import type { AmplifyOutputs } from '../amplify/domain/outputs.ts';
import { readLocalConfig } from '../local/config.ts';
import { loopbackOrigins } from '../local/http-guard.ts';
import { startLocalStack, type LocalStack } from '../local/stack.ts';
import { cloudOutputs } from './cloud-outputs.ts';
import { storefrontResponseHeaders } from './cloudfront-headers.ts';

/** Not the local stack's region (us-east-1), so nothing passes by borrowing it. */
export const CLOUD_REGION = 'eu-west-1';

export interface CloudSite {
  url: string;
  /** The outputs baked into the build. */
  outputs: AmplifyOutputs;
  /** The headers every response carries (CloudFront's response headers policy). */
  headers: Record<string, string>;
  stack: LocalStack;
  /** See `routeAwsToLocal` below. */
  routeAwsToLocal(context: BrowserContext): Promise<string[]>;
  stop(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built site as the distribution does: GET and HEAD only, `/` as index.html, and
 * index.html (200) for a path that is no file (its 403/404 error responses); every response with
 * the policy's headers.
 */
function serveLikeCloudFront(siteDir: string, headers: Record<string, string>): http.RequestListener {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(403, headers).end();
      return;
    }
    let requested = path.join(siteDir, 'index.html');
    try {
      // A normalized absolute path cannot climb out of the site.
      const candidate = path.join(siteDir, path.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://site').pathname)));
      if ((await stat(candidate)).isFile()) requested = candidate;
    } catch {
      // Not a file (or not a path): index.html.
    }
    res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[path.extname(requested)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : await readFile(requested));
  };
}

/** `vite build` of the storefront with `outputsFile` as its amplify_outputs.json. */
async function buildStorefront(outputsFile: string, outDir: string): Promise<void> {
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    env: { ...process.env, AMPLIFY_OUTPUTS_PATH: outputsFile },
  });
}

/** Starts the site on `port` (its build and the stack's data under `dir`, removed by `stop`). */
export async function startCloudSite(options: { port: number; dir: string }): Promise<CloudSite> {
  const siteDir = path.join(options.dir, 'site');
  const outputsFile = path.join(options.dir, 'amplify_outputs.json');
  mkdirSync(options.dir, { recursive: true });
  const stack = await startLocalStack({
    ...readLocalConfig({ LOCAL_DATA_DIR: path.join(options.dir, 'data') }),
    apiPort: 0,
    cognitoPort: 0,
    storefrontOrigins: loopbackOrigins(options.port),
  });
  const server = http.createServer();
  const stop = async () => {
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    await stack.stop();
    rmSync(options.dir, { recursive: true, force: true });
  };
  try {
    // The local pool's ids, moved into the cloud region: Amplify finds Cognito's endpoint from the
    // pool id's region prefix, and the local pool knows its app client by id.
    const outputs = await cloudOutputs({
      region: CLOUD_REGION,
      userPoolId: stack.cognito.userPoolId.replace(/^[^_]+_/, `${CLOUD_REGION}_`),
      userPoolClientId: stack.cognito.clientId,
      identityPoolId: `${CLOUD_REGION}:${randomUUID()}`,
      restApiId: 'a1b2c3d4e5',
      distributionDomainName: 'd1a2b3c4d5e6f7.cloudfront.net',
    });
    writeFileSync(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
    const [headers] = await Promise.all([storefrontResponseHeaders(CLOUD_REGION), buildStorefront(outputsFile, siteDir)]);
    server.on('request', serveLikeCloudFront(siteDir, headers));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return { url, outputs, headers, stack, routeAwsToLocal: (context) => routeAwsToLocal(context, outputs, stack), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Leads the context's requests to the outputs' API and user pool to the local stack, and aborts any
 * other request off this machine; returns the aborted URLs, listed as they happen.
 */
async function routeAwsToLocal(context: BrowserContext, outputs: AmplifyOutputs, stack: LocalStack): Promise<string[]> {
  const apiEndpoint = outputs.custom!.API![API_NAME]!.endpoint;
  const userPoolEndpoint = `https://cognito-idp.${outputs.auth!.aws_region}.amazonaws.com/`;
  const aborted: string[] = [];
  const offThisMachine = (url: URL) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  await context.route(offThisMachine, async (route) => {
    const requested = route.request().url();
    const local = requested.startsWith(apiEndpoint)
      ? stack.apiUrl + requested.slice(apiEndpoint.length)
      : requested.startsWith(userPoolEndpoint)
        ? `${stack.cognito.endpoint}/${requested.slice(userPoolEndpoint.length)}`
        : undefined;
    if (!local) {
      aborted.push(requested);
      return route.abort('blockedbyclient');
    }
    return route.fulfill({ response: await route.fetch({ url: local }) });
  });
  return aborted;
}
