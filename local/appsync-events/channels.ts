/**
 * The `orders` namespace's channels in the local AppSync Events: its onSubscribe handler (bundled as
 * for AppSync), which channel paths AppSync takes and which subscriptions an event reaches, and
 * the protocol's error shape.
 */
import { fileURLToPath } from 'node:url';
import { EVENTS_PROTOCOL } from '../../amplify/domain/live-updates.ts';
import { bundleOrdersChannelHandler } from '../../amplify/events/bundle.ts';

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

/** The `errors` of an answer, as AppSync writes them. */
export type ProtocolErrors = { errorType: string; message: string }[];
export const protocolError = (errorType: string, message: string): ProtocolErrors => [{ errorType, message }];
