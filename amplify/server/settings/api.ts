/**
 * What the order API (app-server) remembers and trusts: Idempotency-Keys, closed accounts and the
 * order rate (records on the idempotency table), the viewer's address the distribution writes, the
 * guest-order token's secret, and how long a staff member's check holds. Plain data.
 */
import { TOKEN_LIFETIMES } from '../../domain/auth.ts';

/**
 * A customer's Idempotency-Key for `POST /orders`, recorded in the idempotency table beside the
 * random order id it created (`amplify/server/aws/dynamodb-order-keys.ts`). The record id hashes the caller's
 * `sub` with the key, so keys are scoped to the caller and an order id reveals nothing.
 */
export const ORDER_KEYS = {
  idPrefix: 'order-key#',
  /**
   * How long a key is remembered: its record carries `IDEMPOTENCY_TABLE.ttlAttribute` and DynamoDB's
   * TTL deletes it some time after (a client's retries come within minutes; Stripe keeps keys 24
   * hours). Until then the same key lands on the same order; after, it places a new one.
   */
  expiresAfterSeconds: 24 * 60 * 60,
} as const;

/**
 * A deleted account (`DELETE /me`) is remembered on the idempotency table for as long as a token
 * it was issued can still be valid (the ID token's lifetime, and margin): orders from it are refused
 * (403), so none arrives after its orders were anonymized.
 */
export const CLOSED_ACCOUNTS = {
  idPrefix: 'closed-account#',
  keepSeconds: (TOKEN_LIFETIMES.idTokenMinutes + 60) * 60,
} as const;

/**
 * Orders per account per minute (`ENV.orderRateLimit`, default `defaultLimit`; 0 turns it off):
 * more is a 429 with `Retry-After`. A person checking out places one order in minutes; 20 a
 * minute leaves room for a family sharing an account or a shop assistant, and stops a script (one
 * account placed 30 orders in 1.8 s, each sending mail). Counted in the idempotency table.
 */
export const ORDER_RATE = {
  idPrefix: 'order-rate#',
  defaultLimit: 20,
  /** How long a minute's counter is kept after the minute (TTL). */
  keepSeconds: 120,
} as const;

/**
 * Written by the storefront's `/prod/*` viewer-request function (CloudFront, with WAF on): the
 * viewer's IP address, the one WAF's API rule counts, and app-server's per-minute limit on guests'
 * orders (`ENV.viewerIpTrusted`).
 */
export const VIEWER_IP_HEADER = 'x-viewer-ip';

/**
 * The secret guest orders' tokens are derived from (`amplify/server/order-token.ts`): generated
 * by CloudFormation in AWS (its name too, so two deployments in an account never collide), by the
 * local Secrets Manager locally. Not rotated: a token already in a customer's e-mail would stop
 * matching the links of the order's later e-mails.
 */
export const ORDER_TOKEN_SECRET = {
  localName: 'order-token',
  /** Characters CloudFormation generates (letters and digits: about 380 bits). */
  length: 64,
} as const;

/**
 * How long app-server trusts its last look at a staff member in the user pool (group membership,
 * enabled, TOTP set up) before asking again: removal from `ADMINS`, disabling or deletion takes
 * staff powers away within this (plus one request), whatever the ID token still says.
 */
export const STAFF_CHECK = { cacheSeconds: 60 } as const;
