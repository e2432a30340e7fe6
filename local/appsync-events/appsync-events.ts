/**
 * The local stand-in for AWS AppSync Events (issue 26), on 127.0.0.1, speaking the protocol the
 * Amplify JS client speaks to AppSync (docs/live-updates.md):
 * - WebSocket at `/event/realtime`, subprotocols `aws-appsync-event-ws` and
 *   `header-<base64url(auth JSON)>`; `connection_init` -> `connection_ack` (or `connection_error`
 *   for a token that does not verify), `ka` every `keepAliveMs`; `subscribe {id, channel,
 *   authorization}` -> `subscribe_success` / `subscribe_error`; `data {id, event}`;
 *   `unsubscribe {id}` -> `unsubscribe_success`. Publishing over the socket is refused (the
 *   namespace publishes with IAM only).
 * - HTTP `POST /event {channel, events}` (1 to 5 events, JSON strings), signed with SigV4 for the
 *   service `appsync` with the local stack's credentials, as the functions publish in AWS.
 *
 * Connect and subscribe take the user pool's access token, verified as the API's local authorizer
 * verifies ID tokens (amplify/server/id-token.ts). Who may subscribe to which channel is decided by
 * the namespace's own handler, amplify/events/orders-channel.ts, bundled as for the cloud with a
 * shim for `@aws-appsync/utils` (local/appsync-events/appsync-utils.ts).
 *
 * Like the other stand-ins it answers the loopback only: a foreign `Host` is refused on both
 * paths, a WebSocket from a page of another origin than the storefront's is refused, and the
 * publish endpoint refuses every browser request.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import WebSocket from 'ws';
import { EVENTS_PROTOCOL, LIVE_NAMESPACE } from '../../amplify/domain/live-updates.ts';
import { bundleOrdersChannelHandler } from '../../amplify/events/bundle.ts';
import { accessTokenVerifier, type IdTokenSettings } from '../../amplify/server/id-token.ts';
import { answerClientErrors, BodyError, isLoopbackHost, readBody, type Log } from '../shared/http-guard.ts';
import { verifySigV4 } from '../shared/sigv4.ts';

/** AppSync's default: the client expects a `ka` within this, else it reconnects. */
export const CONNECTION_TIMEOUT_MS = 300_000;
/** Largest publish body (AppSync: 240 KB per event, 5 events) and socket message taken. */
const MAX_BODY_BYTES = 1_300_000;
const MAX_MESSAGE_BYTES = 256 * 1024;

/** The namespace handler's exports, as AppSync calls them. */
export interface ChannelHandler {
  onSubscribe(ctx: {
    identity: unknown;
    info: { channel: { path: string; segments: string[] }; channelNamespace: { name: string }; operation: 'SUBSCRIBE' | 'PUBLISH' };
  }): void;
}

/** The namespace's handler, bundled as for AppSync with the local `@aws-appsync/utils`. */
export async function loadChannelHandler(): Promise<ChannelHandler> {
  const code = bundleOrdersChannelHandler({ utilsShim: fileURLToPath(new URL('./appsync-utils.ts', import.meta.url)) });
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as ChannelHandler;
}

/** A channel's segments, or undefined when it is not one AppSync takes (`*` only last, and only to subscribe). */
export function channelSegments(channel: unknown, allowWildcard: boolean): string[] | undefined {
  if (typeof channel !== 'string' || !channel.startsWith('/')) return undefined;
  const segments = channel.slice(1).split('/');
  if (segments.length < 1 || segments.length > EVENTS_PROTOCOL.maxSegments) return undefined;
  const valid = segments.every(
    (segment, i) =>
      (allowWildcard && segment === '*' && i === segments.length - 1) ||
      (segment.length >= 1 && segment.length <= EVENTS_PROTOCOL.maxSegmentLength && /^[A-Za-z0-9-]+$/.test(segment)),
  );
  return valid ? segments : undefined;
}

/** Whether a subscription's channel (maybe ending in `/*`) takes an event published on `channel`. */
export function channelMatches(subscribed: string, channel: string): boolean {
  if (subscribed === channel) return true;
  if (!subscribed.endsWith('/*')) return false;
  return channel.startsWith(subscribed.slice(0, -1));
}

const publishSchema = v.object({
  channel: v.string(),
  events: v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(EVENTS_PROTOCOL.maxEventsPerPublish)),
});

const messageSchema = v.object({
  type: v.string(),
  id: v.optional(v.string()),
  channel: v.optional(v.string()),
  authorization: v.optional(v.record(v.string(), v.unknown())),
});

type Errors = { errorType: string; message: string }[];
const error = (errorType: string, message: string): Errors => [{ errorType, message }];

/**
 * A publish a browser sent: one with `Origin` or `Sec-Fetch-Site`, which every browser sends on a
 * page's cross-origin POST. Not `fromBrowser` (local/shared/http-guard.ts): Node's fetch, which the functions
 * publish with, sends `Sec-Fetch-Mode` itself.
 */
const browserPublish = (req: http.IncomingMessage) => req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined;

/** The `header-...` subprotocol's auth JSON (base64url), or undefined. */
function headerAuth(protocols: string[]): Record<string, unknown> | undefined {
  const encoded = protocols.find((p) => p.startsWith(EVENTS_PROTOCOL.headerSubprotocolPrefix))?.slice(EVENTS_PROTOCOL.headerSubprotocolPrefix.length);
  if (!encoded) return undefined;
  try {
    const value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

interface Connection {
  socket: WebSocket;
  auth: Record<string, unknown>;
  acked: boolean;
  subscriptions: Map<string, string>;
  keepAlive?: NodeJS.Timeout;
}

export interface LocalEventsOptions {
  /** The user pool whose access tokens connect and subscribe: known once the local pool runs. */
  tokenSettings: () => IdTokenSettings | undefined;
  /** The storefront's origins: the only pages that may open a socket. */
  allowedOrigins: string[];
  log: Log;
  port?: number;
  /** How often `ka` is sent (AppSync: about every minute). */
  keepAliveMs?: number;
}

export interface LocalEvents {
  /** `http://127.0.0.1:<port>/event`: where the functions publish (`LIVE_EVENTS_URL`). */
  httpUrl: string;
  /** `ws://127.0.0.1:<port>/event`: the outputs' `custom.events.url` (Amplify JS appends `/realtime`). */
  outputsUrl: string;
  /** Events delivered to subscribers so far, by channel (tests read it). */
  delivered: Map<string, number>;
  /** Events published (taken by `POST /event`) so far, by channel (the cost bench reads it). */
  published: Map<string, number>;
  stop(): Promise<void>;
}

export async function startLocalEvents(options: LocalEventsOptions): Promise<LocalEvents> {
  const { log } = options;
  const handler = await loadChannelHandler();
  const connections = new Set<Connection>();
  const delivered = new Map<string, number>();
  const published = new Map<string, number>();
  let verify: ((token: string) => Promise<Record<string, unknown>>) | undefined;
  const identityOf = async (auth: Record<string, unknown> | undefined) => {
    const token = auth?.Authorization ?? auth?.authorization;
    if (typeof token !== 'string' || token.length === 0) throw new Error('No Authorization token');
    const settings = options.tokenSettings();
    if (!settings) throw new Error('The user pool is not running yet');
    verify ??= accessTokenVerifier(settings) as (token: string) => Promise<Record<string, unknown>>;
    const claims = await verify(token);
    const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : null;
    // As AppSync hands a Cognito caller to a handler.
    return { sub: claims.sub, issuer: claims.iss, username: claims.username, claims, groups, sourceIp: ['127.0.0.1'], defaultAuthStrategy: 'ALLOW' };
  };

  const send = (connection: Connection, message: Record<string, unknown>) => {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(message));
  };

  const subscribe = async (connection: Connection, id: string | undefined, channel: string | undefined, authorization: Record<string, unknown> | undefined) => {
    if (!id) return send(connection, { type: 'subscribe_error', errors: error('BadRequestException', 'A subscription needs an id') });
    const fail = (errorType: string, message: string) => send(connection, { type: 'subscribe_error', id, errors: error(errorType, message) });
    if (connection.subscriptions.has(id)) return fail('BadRequestException', 'A subscription with this id exists');
    const segments = channelSegments(channel, true);
    if (!segments || !channel) return fail('BadRequestException', 'Invalid channel');
    if (segments[0] !== LIVE_NAMESPACE) return fail('BadRequestException', `No channel namespace ${segments[0]}`);
    let identity: unknown;
    try {
      identity = await identityOf(authorization ?? connection.auth);
    } catch (e) {
      return fail('UnauthorizedException', (e as Error).message);
    }
    try {
      handler.onSubscribe({ identity, info: { channel: { path: channel, segments }, channelNamespace: { name: LIVE_NAMESPACE }, operation: 'SUBSCRIBE' } });
    } catch (e) {
      const refused = (e as Error).name === 'UnauthorizedException';
      log(`AppSync Events: subscription to ${channel} ${refused ? 'refused by the handler' : `failed: ${(e as Error).message}`}`);
      return fail(refused ? 'UnauthorizedException' : 'CodeError', refused ? 'You are not authorized to make this call.' : (e as Error).message);
    }
    connection.subscriptions.set(id, channel);
    send(connection, { type: 'subscribe_success', id });
  };

  const onMessage = async (connection: Connection, raw: WebSocket.Data) => {
    let parsed: v.InferOutput<typeof messageSchema>;
    try {
      parsed = v.parse(messageSchema, JSON.parse(String(raw)));
    } catch {
      return send(connection, { type: 'error', errors: error('BadRequestException', 'Not a message of the protocol') });
    }
    switch (parsed.type) {
      case 'connection_init':
        try {
          await identityOf(connection.auth);
        } catch (e) {
          send(connection, { type: 'connection_error', errors: error('UnauthorizedException', (e as Error).message) });
          connection.socket.close(4401, 'Unauthorized');
          return;
        }
        connection.acked = true;
        send(connection, { type: 'connection_ack', connectionTimeoutMs: CONNECTION_TIMEOUT_MS });
        connection.keepAlive = setInterval(() => send(connection, { type: 'ka' }), options.keepAliveMs ?? 60_000);
        return;
      case 'subscribe':
        if (!connection.acked) return send(connection, { type: 'subscribe_error', id: parsed.id, errors: error('BadRequestException', 'connection_init first') });
        return subscribe(connection, parsed.id, parsed.channel, parsed.authorization);
      case 'unsubscribe':
        if (!parsed.id || !connection.subscriptions.delete(parsed.id)) return send(connection, { type: 'unsubscribe_error', id: parsed.id, errors: error('BadRequestException', 'No such subscription') });
        return send(connection, { type: 'unsubscribe_success', id: parsed.id });
      case 'publish':
        return send(connection, { type: 'publish_error', id: parsed.id, errors: error('UnauthorizedException', 'This namespace publishes with IAM only') });
      default:
        return send(connection, { type: 'error', id: parsed.id, errors: error('UnsupportedOperation', `Unknown message type ${parsed.type}`) });
    }
  };

  const deliver = (channel: string, events: string[]) => {
    for (const connection of connections) {
      for (const [id, subscribed] of connection.subscriptions) {
        if (!channelMatches(subscribed, channel)) continue;
        for (const event of events) send(connection, { type: 'data', id, event });
        delivered.set(channel, (delivered.get(channel) ?? 0) + events.length);
      }
    }
  };

  const server = http.createServer((req, res) => {
    const take = (channel: string, events: string[]) => {
      published.set(channel, (published.get(channel) ?? 0) + events.length);
      deliver(channel, events);
    };
    servePublish(req, res, { port, log, take }).catch((e: unknown) => {
      log(`AppSync Events: publish failed: ${(e as Error).message}`);
      if (!res.headersSent) answerJson(res, 500, { errors: error('InternalFailureException', 'Internal error') });
    });
  });
  answerClientErrors(server, 'AppSync Events', log);

  const sockets = new WebSocket.Server({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols: string[]) => (protocols.includes(EVENTS_PROTOCOL.subprotocol) ? EVENTS_PROTOCOL.subprotocol : false),
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      log(`AppSync Events: refused a WebSocket (${reason}; Host=${JSON.stringify(req.headers.host ?? '')} Origin=${JSON.stringify(req.headers.origin ?? '')})`);
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const origin = req.headers.origin;
    if (!isLoopbackHost(req.headers.host, port)) return refuse(403, 'a foreign Host header');
    if (origin !== undefined && !options.allowedOrigins.includes(origin)) return refuse(403, 'a foreign Origin');
    if (new URL(req.url ?? '/', 'http://local').pathname !== EVENTS_PROTOCOL.realtimePath) return refuse(404, 'not the real-time path');
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const auth = headerAuth(protocols);
    if (!protocols.includes(EVENTS_PROTOCOL.subprotocol) || !auth) return refuse(400, `subprotocols ${EVENTS_PROTOCOL.subprotocol} and ${EVENTS_PROTOCOL.headerSubprotocolPrefix}<auth> are required`);
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = { socket: ws, auth, acked: false, subscriptions: new Map() };
      connections.add(connection);
      ws.on('message', (data) => void onMessage(connection, data));
      ws.on('close', () => {
        clearInterval(connection.keepAlive);
        connections.delete(connection);
      });
      ws.on('error', (e) => log(`AppSync Events: socket error (${e.message})`));
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    httpUrl: `http://127.0.0.1:${port}${EVENTS_PROTOCOL.httpPath}`,
    outputsUrl: `ws://127.0.0.1:${port}${EVENTS_PROTOCOL.httpPath}`,
    delivered,
    published,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) {
          clearInterval(connection.keepAlive);
          connection.socket.terminate();
        }
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * `POST /event`, as the functions publish: from the local stack only (no browser, a loopback Host),
 * signed with SigV4 for `appsync`, `{channel, events}` with 1 to 5 JSON strings; what is taken goes
 * to `take` (counted and delivered), each event answered as AppSync does (`successful`, `failed`).
 */
async function servePublish(req: http.IncomingMessage, res: http.ServerResponse, ctx: { port: number; log: Log; take: (channel: string, events: string[]) => void }): Promise<void> {
  if (browserPublish(req) || !isLoopbackHost(req.headers.host, ctx.port)) {
    ctx.log(`AppSync Events: refused a ${browserPublish(req) ? 'browser request' : 'foreign Host header'} (${req.method} ${req.url})`);
    req.resume();
    return answerJson(res, 403, { errors: error('UnauthorizedException', 'The local AppSync Events answers only the local stack') });
  }
  if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://local').pathname !== EVENTS_PROTOCOL.httpPath) {
    req.resume();
    return answerJson(res, 404, { errors: error('NotFoundException', 'Not found') });
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES, 10_000);
  } catch (e) {
    return answerJson(res, e instanceof BodyError ? e.status : 400, { errors: error('BadRequestException', (e as Error).message) });
  }
  const refusal = await verifySigV4({ method: req.method, url: req.url ?? '/', headers: req.headers }, body, Date.now(), EVENTS_PROTOCOL.signingService);
  if (refusal) return answerJson(res, 401, { errors: error('UnauthorizedException', refusal.message) });
  let request: v.InferOutput<typeof publishSchema>;
  try {
    request = v.parse(publishSchema, JSON.parse(body.toString('utf8')));
  } catch {
    return answerJson(res, 400, { errors: error('BadRequestException', `A publish is {channel, events}: 1 to ${EVENTS_PROTOCOL.maxEventsPerPublish} events, each a JSON string`) });
  }
  const segments = channelSegments(request.channel, false);
  if (!segments || segments[0] !== LIVE_NAMESPACE) return answerJson(res, 400, { errors: error('BadRequestException', 'Invalid channel') });
  const successful: { identifier: string; index: number }[] = [];
  const failed: { identifier: string; index: number; code: number; message: string }[] = [];
  const good: string[] = [];
  request.events.forEach((event, index) => {
    try {
      JSON.parse(event);
      successful.push({ identifier: randomUUID(), index });
      good.push(event);
    } catch {
      failed.push({ identifier: randomUUID(), index, code: 400, message: 'The event is not JSON' });
    }
  });
  ctx.take(request.channel, good);
  answerJson(res, 200, { successful, failed });
}

function answerJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
