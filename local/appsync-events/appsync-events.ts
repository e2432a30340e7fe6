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
 *
 * This module is the server (HTTP, and the WebSocket upgrade's checks); the socket protocol is in
 * realtime.ts, the publish endpoint in publish.ts, the channels and their handler in channels.ts.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket from 'ws';
import { EVENTS_PROTOCOL } from '../../amplify/domain/live-updates.ts';
import type { IdTokenSettings } from '../../amplify/server/id-token.ts';
import { answerClientErrors, isLoopbackHost, type Log } from '../shared/http-guard.ts';
import { loadChannelHandler, protocolError } from './channels.ts';
import { answerJson, servePublish } from './publish.ts';
import { cognitoIdentity, headerAuth, MAX_MESSAGE_BYTES, RealtimeConnections } from './realtime.ts';

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
  const connections = new RealtimeConnections(await loadChannelHandler(), cognitoIdentity(options.tokenSettings), log, options.keepAliveMs);
  const published = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const take = (channel: string, events: string[]) => {
      published.set(channel, (published.get(channel) ?? 0) + events.length);
      connections.deliver(channel, events);
    };
    servePublish(req, res, { port, log, take }).catch((e: unknown) => {
      log(`AppSync Events: publish failed: ${(e as Error).message}`);
      if (!res.headersSent) answerJson(res, 500, { errors: protocolError('InternalFailureException', 'Internal error') });
    });
  });
  answerClientErrors(server, 'AppSync Events', log);

  const sockets = new WebSocket.Server({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols: string[]) => (protocols.includes(EVENTS_PROTOCOL.subprotocol) ? EVENTS_PROTOCOL.subprotocol : false),
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const auth = upgradeAuth(req, socket, { port, allowedOrigins: options.allowedOrigins, log });
    if (auth) sockets.handleUpgrade(req, socket, head, (ws) => connections.accept(ws, auth));
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    httpUrl: `http://127.0.0.1:${port}${EVENTS_PROTOCOL.httpPath}`,
    outputsUrl: `ws://127.0.0.1:${port}${EVENTS_PROTOCOL.httpPath}`,
    delivered: connections.delivered,
    published,
    stop: () =>
      new Promise<void>((resolve) => {
        connections.closeAll();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A WebSocket upgrade's auth JSON, when the request may open a socket: a loopback Host, the
 * storefront's Origin (or none), the real-time path, both subprotocols. Otherwise it is refused
 * (and answered) here.
 */
function upgradeAuth(req: http.IncomingMessage, socket: Socket, ctx: { port: number; allowedOrigins: string[]; log: Log }): Record<string, unknown> | undefined {
  const refuse = (status: number, reason: string) => {
    ctx.log(`AppSync Events: refused a WebSocket (${reason}; Host=${JSON.stringify(req.headers.host ?? '')} Origin=${JSON.stringify(req.headers.origin ?? '')})`);
    socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    return undefined;
  };
  const origin = req.headers.origin;
  if (!isLoopbackHost(req.headers.host, ctx.port)) return refuse(403, 'a foreign Host header');
  if (origin !== undefined && !ctx.allowedOrigins.includes(origin)) return refuse(403, 'a foreign Origin');
  if (new URL(req.url ?? '/', 'http://local').pathname !== EVENTS_PROTOCOL.realtimePath) return refuse(404, 'not the real-time path');
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const auth = headerAuth(protocols);
  if (!protocols.includes(EVENTS_PROTOCOL.subprotocol) || !auth) return refuse(400, `subprotocols ${EVENTS_PROTOCOL.subprotocol} and ${EVENTS_PROTOCOL.headerSubprotocolPrefix}<auth> are required`);
  return auth;
}
