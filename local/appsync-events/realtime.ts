/**
 * The local AppSync Events' WebSocket side: each connection's `connection_init`, `subscribe` (the
 * namespace's handler decides), `unsubscribe` and keep-alives, and the delivery of published events
 * to the subscriptions they match.
 */
import * as v from 'valibot';
import WebSocket from 'ws';
import { EVENTS_PROTOCOL, LIVE_NAMESPACE } from '../../amplify/domain/live-updates.ts';
import { accessTokenVerifier, type IdTokenSettings } from '../../amplify/server/id-token.ts';
import type { Log } from '../shared/http-guard.ts';
import { channelMatches, channelSegments, protocolError as error, type ChannelHandler } from './channels.ts';

/** AppSync's default: the client expects a `ka` within this, else it reconnects. */
export const CONNECTION_TIMEOUT_MS = 300_000;
/** Largest socket message taken. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

const messageSchema = v.object({
  type: v.string(),
  id: v.optional(v.string()),
  channel: v.optional(v.string()),
  authorization: v.optional(v.record(v.string(), v.unknown())),
});

/** The `header-...` subprotocol's auth JSON (base64url), or undefined. */
export function headerAuth(protocols: string[]): Record<string, unknown> | undefined {
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

/** As AppSync hands a Cognito caller to a handler: the identity of a verified access token (throws otherwise). */
export function cognitoIdentity(tokenSettings: () => IdTokenSettings | undefined) {
  let verify: ((token: string) => Promise<Record<string, unknown>>) | undefined;
  return async (auth: Record<string, unknown> | undefined) => {
    const token = auth?.Authorization ?? auth?.authorization;
    if (typeof token !== 'string' || token.length === 0) throw new Error('No Authorization token');
    const settings = tokenSettings();
    if (!settings) throw new Error('The user pool is not running yet');
    verify ??= accessTokenVerifier(settings) as (token: string) => Promise<Record<string, unknown>>;
    const claims = await verify(token);
    const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : null;
    return { sub: claims.sub, issuer: claims.iss, username: claims.username, claims, groups, sourceIp: ['127.0.0.1'], defaultAuthStrategy: 'ALLOW' };
  };
}

/** The open sockets and their subscriptions. */
export class RealtimeConnections {
  private readonly connections = new Set<Connection>();
  /** Events delivered to subscribers so far, by channel. */
  readonly delivered = new Map<string, number>();

  constructor(
    private readonly handler: ChannelHandler,
    private readonly identityOf: (auth: Record<string, unknown> | undefined) => Promise<unknown>,
    private readonly log: Log,
    private readonly keepAliveMs = 60_000,
  ) {}

  /** Takes an upgraded socket whose `header-...` subprotocol carried `auth`. */
  accept(socket: WebSocket, auth: Record<string, unknown>): void {
    const connection: Connection = { socket, auth, acked: false, subscriptions: new Map() };
    this.connections.add(connection);
    socket.on('message', (data) => void this.onMessage(connection, data));
    socket.on('close', () => {
      clearInterval(connection.keepAlive);
      this.connections.delete(connection);
    });
    socket.on('error', (e) => this.log(`AppSync Events: socket error (${e.message})`));
  }

  /** Sends `events`, published on `channel`, to every subscription that matches it. */
  deliver(channel: string, events: string[]): void {
    for (const connection of this.connections) {
      for (const [id, subscribed] of connection.subscriptions) {
        if (!channelMatches(subscribed, channel)) continue;
        for (const event of events) this.send(connection, { type: 'data', id, event });
        this.delivered.set(channel, (this.delivered.get(channel) ?? 0) + events.length);
      }
    }
  }

  closeAll(): void {
    for (const connection of this.connections) {
      clearInterval(connection.keepAlive);
      connection.socket.terminate();
    }
  }

  private send(connection: Connection, message: Record<string, unknown>): void {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(message));
  }

  private async onMessage(connection: Connection, raw: WebSocket.Data): Promise<void> {
    const send = (message: Record<string, unknown>) => this.send(connection, message);
    let parsed: v.InferOutput<typeof messageSchema>;
    try {
      parsed = v.parse(messageSchema, JSON.parse(String(raw)));
    } catch {
      return send({ type: 'error', errors: error('BadRequestException', 'Not a message of the protocol') });
    }
    switch (parsed.type) {
      case 'connection_init':
        return this.init(connection);
      case 'subscribe':
        if (!connection.acked) return send({ type: 'subscribe_error', id: parsed.id, errors: error('BadRequestException', 'connection_init first') });
        return this.subscribe(connection, parsed.id, parsed.channel, parsed.authorization);
      case 'unsubscribe':
        if (!parsed.id || !connection.subscriptions.delete(parsed.id)) return send({ type: 'unsubscribe_error', id: parsed.id, errors: error('BadRequestException', 'No such subscription') });
        return send({ type: 'unsubscribe_success', id: parsed.id });
      case 'publish':
        return send({ type: 'publish_error', id: parsed.id, errors: error('UnauthorizedException', 'This namespace publishes with IAM only') });
      default:
        return send({ type: 'error', id: parsed.id, errors: error('UnsupportedOperation', `Unknown message type ${parsed.type}`) });
    }
  }

  /** `connection_init`: acknowledged, with keep-alives, when the socket's token verifies; closed otherwise. */
  private async init(connection: Connection): Promise<void> {
    try {
      await this.identityOf(connection.auth);
    } catch (e) {
      this.send(connection, { type: 'connection_error', errors: error('UnauthorizedException', (e as Error).message) });
      connection.socket.close(4401, 'Unauthorized');
      return;
    }
    connection.acked = true;
    this.send(connection, { type: 'connection_ack', connectionTimeoutMs: CONNECTION_TIMEOUT_MS });
    connection.keepAlive = setInterval(() => this.send(connection, { type: 'ka' }), this.keepAliveMs);
  }

  private async subscribe(connection: Connection, id: string | undefined, channel: string | undefined, authorization: Record<string, unknown> | undefined): Promise<void> {
    if (!id) return this.send(connection, { type: 'subscribe_error', errors: error('BadRequestException', 'A subscription needs an id') });
    const fail = (errorType: string, message: string) => this.send(connection, { type: 'subscribe_error', id, errors: error(errorType, message) });
    if (connection.subscriptions.has(id)) return fail('BadRequestException', 'A subscription with this id exists');
    const segments = channelSegments(channel, true);
    if (!segments || !channel) return fail('BadRequestException', 'Invalid channel');
    if (segments[0] !== LIVE_NAMESPACE) return fail('BadRequestException', `No channel namespace ${segments[0]}`);
    let identity: unknown;
    try {
      identity = await this.identityOf(authorization ?? connection.auth);
    } catch (e) {
      return fail('UnauthorizedException', (e as Error).message);
    }
    try {
      this.handler.onSubscribe({ identity, info: { channel: { path: channel, segments }, channelNamespace: { name: LIVE_NAMESPACE }, operation: 'SUBSCRIBE' } });
    } catch (e) {
      const refused = (e as Error).name === 'UnauthorizedException';
      this.log(`AppSync Events: subscription to ${channel} ${refused ? 'refused by the handler' : `failed: ${(e as Error).message}`}`);
      return fail(refused ? 'UnauthorizedException' : 'CodeError', refused ? 'You are not authorized to make this call.' : (e as Error).message);
    }
    connection.subscriptions.set(id, channel);
    this.send(connection, { type: 'subscribe_success', id });
  }
}
