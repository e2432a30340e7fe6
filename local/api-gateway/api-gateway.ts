/**
 * API Gateway (REST, Lambda proxy integration) in front of the unchanged app-server handler:
 * each HTTP request becomes the proxy event API Gateway would send, and the handler's result
 * becomes the HTTP response. The local mailbox is served beside it under `/_local/`.
 *
 * Safe on a laptop (docs/local.md, "What is reachable from where, and why it is safe"): it listens on 127.0.0.1 only, answers only
 * requests addressed to that host and port (no DNS rebinding), lets no other web site read the
 * `/_local/` routes, and turns every failure into a JSON answer and a log line, never an exit.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ROUTES } from '../../amplify/domain/api.ts';
import { LOCAL_ACCOUNT } from '../shared/aws.ts';
import { answerClientErrors, BodyError, isLoopbackHost, loopbackOrigins, readBody, type Log } from '../shared/http-guard.ts';

export const LOCAL_MAILBOX_PATH = '/_local/outbox';
export const LOCAL_DEAD_LETTERS_PATH = '/_local/dead-letters';
const LOCAL_PREFIX = '/_local/';
/** The header a destructive local route needs: a browser cannot send it cross-origin without a preflight, which is refused. */
export const LOCAL_ACTION_HEADER = 'X-Local-Action';
/** API Gateway's own payload limit; the handler enforces the API's smaller one. */
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
/** How long a client may take to send its body (API Gateway's own limit is its 29 s timeout). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** API Gateway passes a segment it cannot percent-decode through as it is. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A map without a prototype: header or parameter names such as `__proto__` are plain keys. */
const plainMap = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** Each declared resource template with its path pattern and parameter names, compiled once. */
const RESOURCES = Object.values(ROUTES).map((template) => {
  const names: string[] = [];
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { template, names, pattern };
});

/** The resource template API Gateway would report for a path (as declared in the cloud API). */
function resourceFor(path: string): { resource: string; pathParameters: Record<string, string> | null } {
  for (const { template, names, pattern } of RESOURCES) {
    const match = pattern.exec(path);
    if (match) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeSegment(match[i + 1]!)]));
      return { resource: template, pathParameters: names.length ? params : null };
    }
  }
  return { resource: '/{proxy+}', pathParameters: { proxy: path.slice(1) } };
}

/**
 * The request target as a URL, or undefined when it is not one. The target is appended to a fixed
 * origin rather than resolved against it: `//x` is a path here, not a host (`new URL('//[', base)`
 * throws). Absolute-form targets (`GET http://host/path`) keep only their path and query.
 */
export function parseTarget(target: string | undefined): URL | undefined {
  try {
    if (target?.startsWith('/')) return new URL(`http://localhost${target}`);
    if (target && /^https?:\/\//i.test(target)) {
      const url = new URL(target);
      return new URL(`http://localhost${url.pathname}${url.search}`);
    }
  } catch {
    // Not a URL: answered as a malformed request below.
  }
  return undefined;
}

/**
 * Headers as API Gateway (REST) gives them to a proxy integration: names keep the case the client
 * sent (the first spelling of a name is the key), `multiValueHeaders` holds every value in order and
 * `headers` the last one.
 */
export function proxyHeaders(rawHeaders: string[]): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const headers = plainMap<string>();
  const multiValueHeaders = plainMap<string[]>();
  const keyByLowerCase = new Map<string, string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const key = keyByLowerCase.get(name.toLowerCase()) ?? name;
    keyByLowerCase.set(name.toLowerCase(), key);
    headers[key] = value;
    (multiValueHeaders[key] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

/** Media types API Gateway passes as text (no binary media types are configured). */
const TEXT_MEDIA = /json|text|xml|urlencoded/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as API Gateway passes it: text, or base64 when it is binary or not valid UTF-8. */
function proxyBody(body: Buffer, contentType: string): { body: string | null; isBase64Encoded: boolean } {
  if (body.length === 0) return { body: null, isBase64Encoded: false };
  if (TEXT_MEDIA.test(contentType)) {
    try {
      return { body: strictUtf8.decode(body), isBase64Encoded: false };
    } catch {
      // Bytes that are not UTF-8 reach the handler as they are, for it to refuse.
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

export function toProxyEvent(req: http.IncomingMessage, body: Buffer, url = parseTarget(req.url) ?? new URL('http://localhost/')): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = proxyHeaders(req.rawHeaders);
  const query = plainMap<string>();
  const multiQuery = plainMap<string[]>();
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const { resource, pathParameters } = resourceFor(url.pathname);
  return {
    resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters,
    stageVariables: null,
    ...proxyBody(body, String(req.headers['content-type'] ?? '')),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: req.method ?? 'GET',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/local${url.pathname}`,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
    },
  };
}

/** A local-only JSON endpoint. Reads are GETs; a destructive one needs POST and `X-Local-Action`. */
export type LocalRoute = (() => unknown | Promise<unknown>) | { destructive: true; run: () => unknown | Promise<unknown> };

export interface ApiGatewayOptions {
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  /** Extra local-only JSON endpoints, by path (under `/_local/`). */
  localRoutes: Record<string, LocalRoute>;
  /** Origins (the storefront's) allowed to read the local routes from a browser. */
  allowedOrigins?: readonly string[];
  /** How long a client may take to send a request body. */
  bodyTimeoutMs?: number;
  log?: Log;
}

/** An answer the gateway gives itself, in the API's error shape. */
class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function createApiGateway(options: ApiGatewayOptions): http.Server {
  const log = options.log ?? ((line: string) => console.error(line));
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  let port = -1;

  /** The local routes answer only this stack's own pages: the storefront and the API itself. */
  const localOrigins = () => new Set([...(options.allowedOrigins ?? []), ...loopbackOrigins(port)]);
  function checkLocalAccess(req: http.IncomingMessage, destructive: boolean): Record<string, string> {
    const origin = req.headers.origin;
    if (origin !== undefined && !localOrigins().has(origin)) {
      throw new GatewayError(403, 'Forbidden', 'Origin', 'Local routes answer only the local storefront');
    }
    const site = req.headers['sec-fetch-site'];
    if (origin === undefined && site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new GatewayError(403, 'Forbidden', 'Sec-Fetch-Site', 'Local routes answer only the local storefront');
    }
    const allowed = destructive ? 'POST' : 'GET';
    if (req.method !== allowed) throw new GatewayError(405, 'Method not allowed', 'method', `Allowed: ${allowed}`);
    if (destructive && req.headers[LOCAL_ACTION_HEADER.toLowerCase()] === undefined) {
      throw new GatewayError(403, 'Forbidden', LOCAL_ACTION_HEADER, `A destructive local route needs the ${LOCAL_ACTION_HEADER} header`);
    }
    return origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Only requests addressed to this server by its loopback name: a page on another host name
    // that resolves to 127.0.0.1 (DNS rebinding) is same-origin to itself, so CORS cannot stop it.
    if (!isLoopbackHost(req.headers.host, port)) {
      throw new GatewayError(403, 'Forbidden', 'Host', `Only 127.0.0.1:${port} or localhost:${port}`);
    }
    const url = parseTarget(req.url);
    if (!url) throw new GatewayError(400, 'Malformed request target', 'path', 'Not a path');

    if (url.pathname.startsWith(LOCAL_PREFIX)) {
      const route = options.localRoutes[url.pathname];
      if (!route) throw new GatewayError(404, 'Not found', 'path', `No route ${url.pathname}`);
      const destructive = typeof route !== 'function';
      const cors = checkLocalAccess(req, destructive);
      if (destructive) await readBody(req, API_GATEWAY_MAX_BODY, bodyTimeoutMs);
      const result = await (destructive ? route.run() : route());
      sendJson(res, 200, result, cors);
      return;
    }

    const body = await readBody(req, API_GATEWAY_MAX_BODY, bodyTimeoutMs);
    let result: APIGatewayProxyResult;
    try {
      result = await options.handler(toProxyEvent(req, body, url));
    } catch (error) {
      // What API Gateway answers when the integration fails.
      log(`app-server failed: ${(error as Error).stack ?? String(error)}`);
      sendJson(res, 502, { error: 'Internal server error', details: [], message: 'Internal server error' });
      return;
    }
    const headers: Record<string, string | string[]> = { ...(result.multiValueHeaders as Record<string, string[]>) };
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    res.writeHead(result.statusCode, headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  }

  // Slow clients: headers must arrive within twice the body timeout, the whole request within three
  // times it (Node answers 408 through `answerClientErrors`); checked every second at most.
  const timeouts = { headersTimeout: bodyTimeoutMs * 2, requestTimeout: bodyTimeoutMs * 3, connectionsCheckingInterval: Math.min(1000, bodyTimeoutMs) };
  const server = http.createServer(timeouts, (req, res) => {
    serve(req, res).catch((error: Error) => {
      const status = error instanceof GatewayError || error instanceof BodyError ? error.status : 500;
      const path = error instanceof GatewayError ? error.path : '(body)';
      const detail = error instanceof GatewayError ? error.detail : error.message;
      log(`api: ${status} ${req.method} ${String(req.url).slice(0, 200)}: ${error.message}`);
      // A body left unread (refused, timed out, aborted) would keep the connection busy: close it.
      const close = error instanceof BodyError || !req.complete;
      sendJson(res, status, { error: error.message, details: [{ path, message: detail }] }, close ? { Connection: 'close' } : {});
    });
  });
  answerClientErrors(server, 'api', log);
  server.once('listening', () => (port = (server.address() as AddressInfo).port));
  return server;
}

export async function listen(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
