/**
 * Deployment settings read at synthesis time, from CDK context or environment variables, so they
 * work the same for `npx ampx sandbox`, branch deployments (Amplify console environment variables)
 * and `npm run synth`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'constructs';
import * as v from 'valibot';
import { EMAIL_KINDS, type EmailKind, isEmailKind } from '../domain/notification.ts';
import { emailSchema } from '../domain/order.ts';
import { checkTimeZone, DEFAULT_TIME_ZONE } from '../domain/stats.ts';
import { CANCEL_WINDOW } from '../server/settings/pipeline.ts';
import { ORDER_RATE } from '../server/settings/api.ts';
import { ENV } from '../server/environment.ts';
import type { StorefrontDomain } from './storefront.ts';

/** The context keys `defineBackend()` requires (Amplify's backend namespace, name and type). */
export const AMPLIFY_CONTEXT = {
  namespace: 'amplify-backend-namespace',
  name: 'amplify-backend-name',
  type: 'amplify-backend-type',
} as const;

const DEPLOYMENT_TYPES = ['sandbox', 'branch', 'standalone'] as const;
export type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];

/** CDK context for an offline synthesis (no AWS account): a sandbox, with cycle detection on. */
export function offlineSynthContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [AMPLIFY_CONTEXT.namespace]: 'orderplatform',
    [AMPLIFY_CONTEXT.name]: 'offline',
    [AMPLIFY_CONTEXT.type]: 'sandbox',
    // A circular nested-stack dependency fails synthesis instead of being a warning (F3004).
    '@aws-cdk/core:validateAgainstDefaultRules': true,
    ...overrides,
  };
}

/** Names of the settings: `<context key>` / `<environment variable>`. */
export const SETTINGS = {
  notificationEmail: { context: 'notificationEmail', env: 'NOTIFICATION_EMAIL' },
  /** The order events NOTIFICATION_EMAIL receives: kinds separated by commas, or `all` (`NOTIFICATION_EVENTS_DEFAULT`). */
  notificationEvents: { context: 'notificationEvents', env: 'NOTIFICATION_EVENTS' },
  /** The operator's address for alarms: apart from anything customer-facing. */
  alarmEmail: { context: 'alarmEmail', env: 'ALARM_EMAIL' },
  /** The API stage's steady-state limit, requests per second (see `API_THROTTLE_DEFAULTS`). */
  apiThrottleRateLimit: { context: 'apiThrottleRateLimit', env: 'API_THROTTLE_RATE_LIMIT' },
  /** The API stage's burst, requests (see `API_THROTTLE_DEFAULTS`). */
  apiThrottleBurstLimit: { context: 'apiThrottleBurstLimit', env: 'API_THROTTLE_BURST_LIMIT' },
  storefrontDomainName: { context: 'storefrontDomainName', env: 'STOREFRONT_DOMAIN_NAME' },
  /** The sender of the customers' e-mails (`orders@shop.com` or `Shop <orders@shop.com>`): SES for the store's mail and Cognito's. */
  mailFrom: { context: 'mailFrom', env: 'MAIL_FROM' },
  /** An existing SES identity (ARN) for MAIL_FROM's domain or address: the deployment then creates none. */
  mailIdentityArn: { context: 'mailIdentityArn', env: 'MAIL_IDENTITY_ARN' },
  /** `true` once the identity this deployment created is verified (DKIM records published): Cognito then sends through it. */
  mailIdentityVerified: { context: 'mailIdentityVerified', env: 'MAIL_IDENTITY_VERIFIED' },
  /** The storefront's address in the e-mails' links; default: the custom domain, else the CloudFront URL. */
  storefrontUrl: { context: 'storefrontUrl', env: 'STOREFRONT_URL' },
  storefrontCertificateArn: { context: 'storefrontCertificateArn', env: 'STOREFRONT_CERTIFICATE_ARN' },
  /** Orders per account per minute in app-server (`ORDER_RATE.defaultLimit` unless set; 0: no limit). */
  orderRateLimit: { context: 'orderRateLimit', env: ENV.orderRateLimit },
  /** Seconds after payment during which the customer can cancel before the order ships (`CANCEL_WINDOW.cloudDefaultSeconds`; 0: ship at once). */
  cancelWindowSeconds: { context: 'cancelWindowSeconds', env: ENV.cancelWindowSeconds },
  /** The IANA time zone the shop's figures are counted in per day (`GET /stats`; default UTC). */
  shopTimeZone: { context: 'shopTimeZone', env: ENV.shopTimeZone },
  /** `on`/`off`: the WAF web ACL (per-IP rate rules) on the API stage and the user pool (`WAF_DEFAULTS`). */
  waf: { context: 'waf', env: 'WAF' },
} as const;

/**
 * The order events e-mailed to NOTIFICATION_EMAIL unless NOTIFICATION_EVENTS says otherwise: the
 * ones an operator acts on (money going back). Every event would be three e-mails per order at
 * $2 per 100,000 (bench/aws-prices.ts), an inbox nobody reads; integrations subscribe to the topic.
 */
export const NOTIFICATION_EVENTS_DEFAULT: readonly EmailKind[] = ['order-cancelled', 'order-refunded'];

/**
 * The WAF web ACL is on for branches (the shop: $5 a month for the ACL, $1 per rule, $0.60 per
 * million requests, bench/aws-prices.ts) and off for sandboxes (a developer's; turn it on with WAF=on).
 */
export const WAF_DEFAULTS: Record<DeploymentType, boolean> = { branch: true, standalone: true, sandbox: false };

/**
 * The API stage's throttle when no setting names one. API Gateway's account-wide default is
 * 10,000 requests/s with a 5,000 burst, shared by every API of the account and region: a stage
 * limit equal to it lets one deployment under load throttle all the others. A branch (the shop)
 * gets the original design's 10,000/5,000; a sandbox, one developer's, a limit no test of theirs reaches and
 * no runaway script can turn into the account's problem. Lower a preview branch's with the settings.
 */
export const API_THROTTLE_DEFAULTS: Record<DeploymentType, ApiThrottle> = {
  branch: { rateLimit: 10_000, burstLimit: 5_000 },
  standalone: { rateLimit: 10_000, burstLimit: 5_000 },
  sandbox: { rateLimit: 50, burstLimit: 100 },
};

export interface ApiThrottle {
  /** Requests per second, steady state. */
  readonly rateLimit: number;
  /** Requests above the rate absorbed at once. */
  readonly burstLimit: number;
}

export interface DeploySettings {
  readonly deploymentType: DeploymentType;
  /** Subscribed to the order notification topic (the operator's copy of order events). */
  readonly notificationEmail?: string;
  /** The events that subscription receives (a filter policy on `type`); `all`: no filter. */
  readonly notificationEvents: readonly EmailKind[] | 'all';
  /** Subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  readonly apiThrottle: ApiThrottle;
  readonly storefrontDomain?: StorefrontDomain;
  readonly storefrontDir?: string;
  /** The customers' e-mail; absent without `MAIL_FROM` (then no customer e-mail, Cognito's default sender). */
  readonly mail?: MailSettings;
  /** Overrides the storefront URL of the e-mails' links. */
  readonly storefrontUrl?: string;
  /** app-server's orders per account per minute (0: no limit). */
  readonly orderRateLimit: number;
  /** The cancel window after payment, seconds (process-order's `CANCEL_WINDOW_SECONDS`). */
  readonly cancelWindowSeconds: number;
  /** The shop's time zone for the per-day figures (IANA, `SHOP_TIME_ZONE`). */
  readonly shopTimeZone: string;
  /** Whether the WAF web ACL guards the API stage and the user pool. */
  readonly waf: boolean;
}

export interface MailSettings {
  /** As set: an address, optionally with a display name. */
  readonly from: string;
  readonly fromAddress: string;
  readonly domain: string;
  /** An existing identity; when absent the deployment creates a domain identity with Easy DKIM. */
  readonly identityArn?: string;
  /** Cognito sends through SES: with an existing identity, or once the created one is verified. */
  readonly cognitoThroughSes: boolean;
}

/** `Name <address>` or `address`; the display name without quotes, brackets or controls. */
const MAIL_FROM = /^(?:([^"<>\p{Cc}]{1,64}) <([^<>\s]+)>|([^<>\s]+))$/u;

function readMail(node: Node): MailSettings | undefined {
  const from = read(node, SETTINGS.mailFrom);
  const identityArn = read(node, SETTINGS.mailIdentityArn);
  if (from === undefined) {
    if (identityArn !== undefined) throw new Error(`${SETTINGS.mailIdentityArn.env} needs ${SETTINGS.mailFrom.env}`);
    return undefined;
  }
  const match = MAIL_FROM.exec(from);
  const fromAddress = match?.[2] ?? match?.[3];
  if (!fromAddress || !v.is(emailSchema, fromAddress)) throw new Error(`${SETTINGS.mailFrom.env} is not an e-mail address (optionally "Name <address>"): ${from}`);
  if (identityArn !== undefined && !/^arn:aws[\w-]*:ses:[a-z0-9-]+:\d{12}:identity\/[^\s]+$/.test(identityArn)) {
    throw new Error(`${SETTINGS.mailIdentityArn.env} is not an SES identity ARN: ${identityArn}`);
  }
  const verified = read(node, SETTINGS.mailIdentityVerified);
  if (verified !== undefined && verified !== 'true' && verified !== 'false') throw new Error(`${SETTINGS.mailIdentityVerified.env} must be true or false: ${verified}`);
  return { from, fromAddress, domain: fromAddress.split('@')[1]!.toLowerCase(), identityArn, cognitoThroughSes: identityArn !== undefined || verified === 'true' };
}

function read(node: Node, setting: { context: string; env: string }): string | undefined {
  const fromContext: unknown = node.tryGetContext(setting.context);
  const value = typeof fromContext === 'string' ? fromContext : process.env[setting.env];
  return value?.trim() || undefined;
}

/** A whole number of at least 1, or undefined when the setting is not set. */
function readCount(node: Node, setting: { context: string; env: string }): number | undefined {
  const fromContext: unknown = node.tryGetContext(setting.context);
  const value = typeof fromContext === 'number' ? String(fromContext) : read(node, setting);
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`${setting.env} must be a whole number of at least 1: ${value}`);
  return count;
}

/**
 * Reads the settings. `projectRoot` is where `dist/` (the Vite build) is looked for: it is deployed
 * only when `dist/index.html` exists, so a synthesis never requires a built storefront.
 */
export function readDeploySettings(node: Node, projectRoot: string): DeploySettings {
  const type: unknown = node.tryGetContext(AMPLIFY_CONTEXT.type);
  if (!v.is(v.picklist(DEPLOYMENT_TYPES), type)) {
    throw new Error(`${AMPLIFY_CONTEXT.type} must be one of ${DEPLOYMENT_TYPES.join(', ')}: ${String(type)}`);
  }
  const [notificationEmail, alarmEmail] = [SETTINGS.notificationEmail, SETTINGS.alarmEmail].map((setting) => {
    const address = read(node, setting);
    if (address !== undefined && !v.is(emailSchema, address)) throw new Error(`${setting.env} is not an e-mail address: ${address}`);
    return address;
  });
  const defaults = API_THROTTLE_DEFAULTS[type];
  const eventsText = read(node, SETTINGS.notificationEvents)?.trim();
  const notificationEvents = eventsText === undefined ? NOTIFICATION_EVENTS_DEFAULT : eventsText === 'all' ? ('all' as const) : eventsText.split(',').map((kind) => kind.trim());
  if (notificationEvents !== 'all' && (notificationEvents.length === 0 || !notificationEvents.every(isEmailKind))) {
    throw new Error(`${SETTINGS.notificationEvents.env} must be all, or event types separated by commas (${EMAIL_KINDS.join(', ')}): ${eventsText}`);
  }
  const apiThrottle = {
    rateLimit: readCount(node, SETTINGS.apiThrottleRateLimit) ?? defaults.rateLimit,
    burstLimit: readCount(node, SETTINGS.apiThrottleBurstLimit) ?? defaults.burstLimit,
  };
  const domainName = read(node, SETTINGS.storefrontDomainName);
  const certificateArn = read(node, SETTINGS.storefrontCertificateArn);
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error(
      `Set both ${SETTINGS.storefrontDomainName.env} and ${SETTINGS.storefrontCertificateArn.env}, or neither`,
    );
  }
  const rateText = read(node, SETTINGS.orderRateLimit);
  const orderRateLimit = rateText === undefined ? ORDER_RATE.defaultLimit : Number(rateText);
  if (!Number.isSafeInteger(orderRateLimit) || orderRateLimit < 0) throw new Error(`${SETTINGS.orderRateLimit.env} must be a whole number of at least 0: ${rateText}`);
  const windowText = read(node, SETTINGS.cancelWindowSeconds);
  const cancelWindowSeconds = windowText === undefined ? CANCEL_WINDOW.cloudDefaultSeconds : Number(windowText);
  if (!Number.isSafeInteger(cancelWindowSeconds) || cancelWindowSeconds < 0 || cancelWindowSeconds > CANCEL_WINDOW.maxSeconds) {
    throw new Error(`${SETTINGS.cancelWindowSeconds.env} must be a whole number of seconds from 0 to ${CANCEL_WINDOW.maxSeconds}: ${windowText}`);
  }
  const shopTimeZone = read(node, SETTINGS.shopTimeZone) ?? DEFAULT_TIME_ZONE;
  try {
    checkTimeZone(shopTimeZone);
  } catch {
    throw new Error(`${SETTINGS.shopTimeZone.env} must be an IANA time zone (Europe/Madrid, America/New_York, UTC): ${shopTimeZone}`);
  }
  const wafText = read(node, SETTINGS.waf)?.toLowerCase();
  if (wafText !== undefined && wafText !== 'on' && wafText !== 'off') throw new Error(`${SETTINGS.waf.env} must be on or off: ${wafText}`);
  const dist = join(projectRoot, 'dist');
  const storefrontUrl = read(node, SETTINGS.storefrontUrl);
  if (storefrontUrl !== undefined && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(storefrontUrl)) throw new Error(`${SETTINGS.storefrontUrl.env} must be an https URL: ${storefrontUrl}`);
  return {
    mail: readMail(node),
    storefrontUrl,
    orderRateLimit,
    cancelWindowSeconds,
    shopTimeZone,
    waf: wafText === undefined ? WAF_DEFAULTS[type] : wafText === 'on',
    deploymentType: type,
    notificationEmail,
    notificationEvents: notificationEvents as readonly EmailKind[] | 'all',
    alarmEmail,
    apiThrottle,
    storefrontDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    storefrontDir: existsSync(join(dist, 'index.html')) ? dist : undefined,
  };
}
