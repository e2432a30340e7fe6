/**
 * API Gateway (REST, Lambda proxy integration) in front of the unchanged app-server handler:
 * each HTTP request becomes the proxy event API Gateway would send, and the handler's result
 * becomes the HTTP response. The local mailbox is served beside it under `/_local/`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ROUTES } from '../amplify/domain/api.ts';
import { LOCAL_ACCOUNT } from './aws.ts';

export const LOCAL_MAILBOX_PATH = '/_local/outbox';
export const LOCAL_DEAD_LETTERS_PATH = '/_local/dead-letters';
/** API Gateway's own payload limit; the handler enforces the API's smaller one. */
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;

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

/** The resource template API Gateway would report for a path (as declared in the cloud API). */
function resourceFor(path: string): { resource: string; pathParameters: Record<string, string> | null } {
  for (const template of Object.values(ROUTES)) {
    const names: string[] = [];
    const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
    const match = pattern.exec(path);
    if (match) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeSegment(match[i + 1]!)]));
      return { resource: template, pathParameters: names.length ? params : null };
    }
  }
  return { resource: '/{proxy+}', pathParameters: { proxy: path.slice(1) } };
}

export function toProxyEvent(req: http.IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers = plainMap<string>();
  const multiValueHeaders = plainMap<string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query = plainMap<string>();
  const multiQuery = plainMap<string[]>();
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const { resource, pathParameters } = resourceFor(url.pathname);
  const isText = body.length === 0 || /json|text|xml|urlencoded/i.test(String(req.headers['content-type'] ?? ''));
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
    body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
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

export interface ApiGatewayOptions {
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  /** Extra local-only JSON endpoints, by path. */
  localRoutes: Record<string, () => unknown | Promise<unknown>>;
}

export function createApiGateway(options: ApiGatewayOptions): http.Server {
  return http.createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const local = options.localRoutes[pathname];
    if (local) {
      try {
        const body = JSON.stringify(await local());
        res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
        res.end(body);
      } catch (error) {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
      }
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > API_GATEWAY_MAX_BODY) {
        res.writeHead(413, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'Request Too Long' }));
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    try {
      const result = await options.handler(toProxyEvent(req, Buffer.concat(chunks)));
      const headers: Record<string, string | string[]> = { ...(result.multiValueHeaders as Record<string, string[]>) };
      for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
      res.writeHead(result.statusCode, headers);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch (error) {
      // What API Gateway answers when the integration fails.
      console.error('app-server failed:', error);
      res.writeHead(502, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'Internal server error' }));
    }
  });
}

export async function listen(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
