/**
 * The storefront as a deployed branch serves it, on this machine: built (`vite build`, into a temp
 * folder) with the outputs `ampx generate outputs` writes for the deployment (cloud-shaped: the
 * identity pool, the API on the distribution's own origin, no local entries; e2e/cloud-outputs.ts),
 * and served on 127.0.0.1 as the distribution serves it: the synthesized response headers policy
 * on every response (e2e/cloudfront-headers.ts), the API's stage path (`/prod/*`) passed to the
 * API (here the site's own local stack, as CloudFront passes it to API Gateway: every method,
 * every header but Host, after the behavior's viewer-IP function), `/` as index.html, and index.html for a page address without a file
 * extension (the distribution's page-fallback function). The site's URL is the deployment's
 * storefront URL, so the API is same-origin, as deployed: no CORS, no preflight.
 *
 * Cognito's user pool endpoint leads to the local pool through the browser context's request
 * routing, so the CSP stays verbatim; every other request off this machine is aborted and recorded
 * (cognito-identity among them).
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
import { API_STAGE } from '../amplify/cloud/orders-api.ts';
import { VIEWER_IP_FUNCTION } from '../amplify/cloud/storefront-edge.ts';
import type { AmplifyOutputs } from '../amplify/domain/outputs.ts';
import { readLocalConfig } from '../local/stack/config.ts';
import { loopbackOrigins } from '../local/shared/http-guard.ts';
import { startLocalStack, type LocalStack } from '../local/stack/stack.ts';
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
  /** `<METHOD> <path>` of every request the site passed to the API, in order. */
  apiRequests: string[];
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

/** The distribution's viewer-request function on the API's behavior (storefront.ts), run as CloudFront runs it. */
const viewerIpFunction = new Function(`${VIEWER_IP_FUNCTION}; return handler;`)() as (event: {
  viewer: { ip: string };
  request: { headers: Record<string, { value: string }> };
}) => { headers: Record<string, { value: string }> };

/** Passes a request to the API as the distribution's `/<stage>/*` behavior does (its function, no Host, no caching). */
function passToApi(apiUrl: string, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): void {
  const target = new URL(apiUrl.replace(/\/$/, '') + req.url!.slice(`/${API_STAGE.name}`.length));
  const viewerHeaders = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, { value: String(value) }]));
  const request = viewerIpFunction({ viewer: { ip: req.socket.remoteAddress ?? '' }, request: { headers: viewerHeaders } });
  const forwarded = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host').map(([name, { value }]) => [name, value]));
  const upstream = http.request(target, { method: req.method, headers: forwarded }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...headers });
    answer.pipe(res);
  });
  upstream.on('error', () => res.writeHead(502, headers).end());
  req.pipe(upstream);
}

/**
 * Serves the built site as the distribution does: the API's stage path to the API, otherwise GET
 * and HEAD only, `/` as index.html, and index.html for a page address without a file extension;
 * every response with the policy's headers.
 */
function serveLikeCloudFront(siteDir: string, headers: Record<string, string>, apiUrl: string, apiRequests: string[]): http.RequestListener {
  return async (req, res) => {
    if (req.url?.startsWith(`/${API_STAGE.name}/`)) {
      apiRequests.push(`${req.method} ${req.url}`);
      return passToApi(apiUrl, req, res, headers);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(403, headers).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://site').pathname);
    // The page-fallback function: an address without a file extension is a page, index.html.
    const page = !/\.[A-Za-z0-9]+$/.test(pathname);
    // A normalized absolute path cannot climb out of the site.
    const requested = page ? path.join(siteDir, 'index.html') : path.join(siteDir, path.normalize(pathname));
    if (!page && !(await stat(requested).then((s) => s.isFile(), () => false))) {
      res.writeHead(403, headers).end(); // S3's answer (through origin access control) for a missing key
      return;
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
    // The site's origin: the user pool is called from it, and the API sees it in `Origin` (a browser
    // sends it on a same-origin POST too, and CloudFront passes it on).
    storefrontOrigins: loopbackOrigins(options.port),
  });
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
      storefrontUrl: url,
    });
    writeFileSync(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
    const [headers] = await Promise.all([storefrontResponseHeaders(CLOUD_REGION), buildStorefront(outputsFile, siteDir)]);
    const apiRequests: string[] = [];
    server.on('request', serveLikeCloudFront(siteDir, headers, stack.apiUrl, apiRequests));
    return { url: `${url}/`, outputs, headers, stack, apiRequests, routeAwsToLocal: (context) => routeAwsToLocal(context, outputs, stack), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Leads the context's requests to the outputs' user pool to the local stack, and aborts any other
 * request off this machine; returns the aborted URLs, listed as they happen.
 */
async function routeAwsToLocal(context: BrowserContext, outputs: AmplifyOutputs, stack: LocalStack): Promise<string[]> {
  const userPoolEndpoint = `https://cognito-idp.${outputs.auth!.aws_region}.amazonaws.com/`;
  const aborted: string[] = [];
  const offThisMachine = (url: URL) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  await context.route(offThisMachine, async (route) => {
    const requested = route.request().url();
    const local = requested.startsWith(userPoolEndpoint) ? `${stack.cognito.endpoint}/${requested.slice(userPoolEndpoint.length)}` : undefined;
    if (!local) {
      aborted.push(requested);
      return route.abort('blockedbyclient');
    }
    return route.fulfill({ response: await route.fetch({ url: local }) });
  });
  return aborted;
}
