/**
 * The channels of live order status (issue 26) and who may subscribe to them: part of
 * live-updates.ts (which re-exports it), kept in a file that imports nothing, because the
 * namespace's APPSYNC_JS handler (amplify/events/orders-channel.ts) bundles it. The rule runs in
 * that runtime: plain comparisons, no regular expressions, no exceptions, no loops.
 */
import { STAFF_GROUP } from './staff-group.ts';

/** The channel namespace: every order channel is `/orders/...`. */
export const LIVE_NAMESPACE = 'orders';

/**
 * An order's channel, its customer's: `/orders/<customerId>` (a Cognito `sub` is a UUID, a guest's
 * id `guest-` and 40 hex digits: within AppSync's 50-character segment). Each change is published
 * there once; its customer subscribes to it, staff to every one at once (`STAFF_CHANNEL`).
 */
export const customerChannel = (customerId: string): string => `/${LIVE_NAMESPACE}/${customerId}`;

/**
 * Staff's subscription, every order (All orders): AppSync's wildcard, `/orders/*`, which takes what
 * is published on each customer's channel, so a change is published once, not once more for staff.
 */
export const STAFF_CHANNEL = `/${LIVE_NAMESPACE}/*`;

/** AppSync Events' protocol, as the Amplify JS client and the stand-in speak it. */
export const EVENTS_PROTOCOL = {
  /** The WebSocket subprotocol; the second one is `header-<base64url(auth JSON)>`. */
  subprotocol: 'aws-appsync-event-ws',
  headerSubprotocolPrefix: 'header-',
  /** The HTTP endpoint's path (publish) and the real-time one's (Amplify appends `/realtime`). */
  httpPath: '/event',
  realtimePath: '/event/realtime',
  /** SigV4's service name for an IAM publish. */
  signingService: 'appsync',
  /** Events per `POST /event` at most. */
  maxEventsPerPublish: 5,
  /** Characters of a channel segment at most, and segments of a channel (namespace included). */
  maxSegmentLength: 50,
  maxSegments: 5,
} as const;

/** What `custom.events.default_authorization_type` says: customers connect and subscribe with their user pool tokens. */
export const LIVE_AUTHORIZATION_TYPE = 'AMAZON_COGNITO_USER_POOLS';

/** Who subscribes, as AppSync hands a Cognito caller to a handler (`ctx.identity`). */
export interface LiveIdentity {
  sub?: string;
  groups?: string[] | null;
  claims?: Record<string, unknown>;
}

/** The caller's groups: `identity.groups`, else the token's `cognito:groups` claim. */
function groupsOf(identity: LiveIdentity): string[] {
  if (Array.isArray(identity.groups)) return identity.groups;
  const claim = identity.claims ? identity.claims['cognito:groups'] : undefined;
  return Array.isArray(claim) ? (claim as string[]) : [];
}

/**
 * Whether the caller may subscribe to the channel (its segments, namespace first): its own
 * channel `/orders/<sub>`, or any channel of the namespace for staff (`ADMINS`). Anything else,
 * wildcards included (`/orders/*`), is refused.
 */
export function maySubscribe(segments: readonly string[], identity: LiveIdentity | null | undefined): boolean {
  if (!identity || segments.length !== 2 || segments[0] !== LIVE_NAMESPACE) return false;
  if (groupsOf(identity).includes(STAFF_GROUP)) return true;
  const sub = identity.sub;
  return typeof sub === 'string' && sub.length > 0 && segments[1] === sub;
}
