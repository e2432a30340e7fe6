/**
 * Accounts: who may call what, and who the caller is. One source for the Cognito user pool
 * (`amplify/auth/resource.ts`), the API Gateway authorizer (cloud and `local/api-gateway/authorizer.ts`), the
 * app-server handler and the storefront.
 */

import { AUTH_TOKEN_HEADER } from './api.ts';

/** Cognito group of the store's staff (staff-group.ts: a file that imports nothing, for the live channels' APPSYNC_JS handler). */
import { STAFF_GROUP } from './staff-group.ts';

export { STAFF_GROUP };

/**
 * The account's saved checkout details: a custom attribute of the user pool holding, as JSON, the
 * name, address and payment method of the customer's last order. The storefront writes it after an
 * order is placed and reads it to fill in the next checkout, on any device, from Cognito (no call
 * to the store's API: each one costs an API request, a Lambda invocation and an index query).
 */
const SAVED_CHECKOUT_NAME = 'checkout';
export const SAVED_CHECKOUT = {
  /** As the user pool's schema names it; users' attributes carry Cognito's `custom:` prefix. */
  attributeName: SAVED_CHECKOUT_NAME,
  attribute: `custom:${SAVED_CHECKOUT_NAME}`,
  /** Cognito's limit for a custom string attribute. */
  maxLength: 2048,
} as const;

/** The token the client sends in `Authorization` and the authorizer accepts (as Amplify's REST docs do). */
export const AUTH_TOKEN = {
  header: AUTH_TOKEN_HEADER,
  /** Cognito ID tokens carry `token_use: "id"`, the e-mail and the groups. */
  tokenUse: 'id',
  /** API Gateway's Cognito authorizer reads the raw token from this header (no `Bearer ` prefix). */
  identitySource: 'method.request.header.Authorization',
} as const;

/**
 * What a request without a valid token gets, from API Gateway (its UNAUTHORIZED gateway response)
 * and from the local authorizer alike: the API's error shape, naming the header.
 */
export const UNAUTHORIZED_BODY = {
  error: 'Unauthorized',
  details: [{ path: AUTH_TOKEN.header, message: 'Sign in: a valid ID token is required' }],
} as const;

/**
 * The sign-in flow the storefront uses, in the cloud and locally alike: the local user pool
 * (cognito-local) has no SRP, so the app client enables USER_PASSWORD_AUTH (over TLS in AWS).
 */
export const SIGN_IN_FLOW = 'USER_PASSWORD_AUTH' as const;

/**
 * How long the app client's tokens last, set in the cloud definition (amplify/auth/app-client.ts)
 * rather than left to Cognito's defaults. An ID token is what the API trusts: a staff member
 * removed from `STAFF_GROUP`, or a deleted account, keeps what the last token says for at most
 * `idTokenMinutes`. Amplify refreshes ID and access tokens with the refresh token, silently, for
 * `refreshTokenDays` after the last sign-in.
 */
export const TOKEN_LIFETIMES = { idTokenMinutes: 60, accessTokenMinutes: 60, refreshTokenDays: 30 } as const;

/** The user pool's password rules (Cognito's defaults, written down so the local pool matches). */
export const PASSWORD_POLICY = {
  min_length: 8,
  require_lowercase: true,
  require_uppercase: true,
  require_numbers: true,
  require_symbols: true,
} as const;

/** Cognito's password symbols (its documented set; a space counts when not leading or trailing). */
const PASSWORD_SYMBOLS = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/**
 * What a password lacks under `PASSWORD_POLICY`, in Cognito's words (empty: it conforms). The cloud
 * pool enforces the policy itself; the local pool's guard and the sign-up form use this.
 */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_POLICY.min_length) problems.push('Password not long enough');
  if (PASSWORD_POLICY.require_lowercase && !/[a-z]/.test(password)) problems.push('Password must have lowercase characters');
  if (PASSWORD_POLICY.require_uppercase && !/[A-Z]/.test(password)) problems.push('Password must have uppercase characters');
  if (PASSWORD_POLICY.require_numbers && !/[0-9]/.test(password)) problems.push('Password must have numeric characters');
  if (PASSWORD_POLICY.require_symbols && !PASSWORD_SYMBOLS.test(password.trim())) problems.push('Password must have symbol characters');
  return problems;
}

/**
 * The attributes the storefront's app client may write (SignUp, UpdateUserAttributes): the
 * e-mail, the name (asked at sign-up) and the saved checkout. Cognito answers any other (`sub`, `email_verified`,
 * `phone_number_verified`, `cognito:*`, ...) with "A client attempted to write unauthorized
 * attribute"; the cloud client sets them as its `WriteAttributes`, the local pool's guard refuses
 * the rest the same way.
 */
export const CLIENT_WRITE_ATTRIBUTES: readonly string[] = ['email', 'name', SAVED_CHECKOUT.attribute];

/**
 * Attributes whose change waits for its code: until the new e-mail is verified the account keeps
 * the old one, verified (Cognito's "keep original attribute value active when an update is
 * pending"), so nobody takes an address they cannot read.
 */
export const VERIFY_BEFORE_UPDATE: readonly string[] = ['email'];

/** The signed-in caller, as the handler knows them: only from the verified token's claims. */
export interface Caller {
  /** Cognito `sub`: the customer id of their orders. */
  sub: string;
  email: string;
  emailVerified: boolean;
  isStaff: boolean;
}

/** Claims as API Gateway REST hands them to the integration: every value a string. */
export type AuthorizerClaims = Record<string, unknown>;

/**
 * `cognito:groups` as API Gateway REST passes it: a comma-separated string (`"ADMINS,other"`);
 * also accepted: a JSON-ish list (`"[ADMINS other]"`, HTTP APIs) or an array (direct invocations).
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[,\s]+/) // the pieces hold no blank (so nothing to trim); a leading or trailing one leaves an empty piece
    .filter(Boolean);
}

/** The caller from the authorizer's claims, or undefined when there is no usable identity. */
export function callerFromClaims(claims: AuthorizerClaims | null | undefined): Caller | undefined {
  const sub = claims?.sub;
  const email = claims?.email;
  if (typeof sub !== 'string' || sub === '' || typeof email !== 'string' || email === '') return undefined;
  return {
    sub,
    email,
    emailVerified: String(claims!.email_verified) === 'true',
    isStaff: parseGroups(claims!['cognito:groups']).includes(STAFF_GROUP),
  };
}
