/**
 * The local stand-in for API Gateway's Cognito user pool authorizer, in front of the unchanged
 * app-server handler. On each route `ROUTE_ACCESS` marks `signedIn` it does what the cloud's
 * authorizer does (amplify/cloud/orders-cloud.ts): reads the raw ID token from `Authorization`,
 * verifies its RS256 signature against the pool's JWKS, its issuer, its audience (the app
 * client), `token_use: id` and its expiry (aws-jwt-verify), and hands the handler the token's
 * claims in `requestContext.authorizer.claims` the way API Gateway REST does: every value a
 * string, `cognito:groups` comma-separated, times as dates. Anything else is a 401 with the
 * API's error body, and the handler is never called.
 *
 * Like the cloud's authorizer (left at API Gateway's default results cache), a token that passed
 * is remembered for `AUTHORIZER_CACHE_TTL_SECONDS`, so a signed-in caller's next requests skip the
 * signature check; unlike it, the expiry is still checked on every request.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ROUTE_ACCESS, ROUTE_METHODS, ROUTES } from '../amplify/domain/api.ts';
import { AUTH_TOKEN, UNAUTHORIZED_BODY } from '../amplify/domain/auth.ts';

export interface AuthorizerSettings {
  /** `iss` of the pool's tokens, e.g. `http://127.0.0.1:9229/local_abc`. */
  issuer: string;
  jwksUri: string;
  /** The app client id: the ID token's `aud`. */
  clientId: string;
}

/** API Gateway's default `authorizerResultTtlInSeconds` (the cloud authorizer sets none). */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;
/** Tokens remembered at most (a bound on memory, not a tuning knob: the oldest is dropped first). */
const AUTHORIZER_CACHE_ENTRIES = 1000;

/** Each route's path pattern (API Gateway ignores a trailing slash). */
const ROUTE_PATTERNS = (Object.keys(ROUTES) as (keyof typeof ROUTES)[]).map((key) => ({
  key,
  pattern: new RegExp(`^${ROUTES[key].replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

/** True for a method declared on a route that needs a signed-in caller (CORS preflights are public). */
export function requiresSignIn(path: string, method: string): boolean {
  const route = ROUTE_PATTERNS.find(({ pattern }) => pattern.test(path))?.key;
  return route !== undefined && ROUTE_ACCESS[route] === 'signedIn' && ROUTE_METHODS[route].includes(method.toUpperCase());
}

/** English short names, as Java's `Date.toString()` writes them (no locale lookup per request). */
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway REST's rendering of a time claim (`Sun Nov 29 04:10:00 UTC 2026`). */
function javaDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** The verified payload as API Gateway REST passes it to a Lambda proxy integration. */
export function restClaims(payload: JwtPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (['exp', 'iat', 'auth_time'].includes(name) && typeof value === 'number') claims[name] = javaDate(value);
    else if (Array.isArray(value)) claims[name] = value.join(',');
    else claims[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return claims;
}

const unauthorized = (): APIGatewayProxyResult => ({
  statusCode: 401,
  headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
  body: JSON.stringify(UNAUTHORIZED_BODY),
});

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Wraps the integration: signed-in routes only reach `handler` with a verified ID token. */
export function withCognitoAuthorizer(settings: AuthorizerSettings, handler: ProxyHandler): ProxyHandler & { verify(token: string): Promise<JwtPayload> } {
  // The default fetcher refuses http; the local pool is served over http on 127.0.0.1.
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } });
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: settings.jwksUri,
      audience: settings.clientId,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== AUTH_TOKEN.tokenUse) throw new Error(`Not an ${AUTH_TOKEN.tokenUse} token`);
      },
    },
    { jwksCache },
  );
  const verify = (token: string) => verifier.verify(token);
  /** Verified tokens: their REST claims, until the token expires or the cache entry does. */
  const verified = new Map<string, { claims: Record<string, string>; validUntilMs: number }>();
  const claimsOf = async (token: string): Promise<Record<string, string>> => {
    const now = Date.now();
    const cached = verified.get(token);
    if (cached && now < cached.validUntilMs) return cached.claims;
    verified.delete(token);
    const payload = await verify(token);
    const claims = restClaims(payload);
    if (verified.size >= AUTHORIZER_CACHE_ENTRIES) verified.delete(verified.keys().next().value!);
    const expiresMs = typeof payload.exp === 'number' ? payload.exp * 1000 : now;
    verified.set(token, { claims, validUntilMs: Math.min(expiresMs, now + AUTHORIZER_CACHE_TTL_SECONDS * 1000) });
    return claims;
  };
  const authorized: ProxyHandler = async (event) => {
    if (!requiresSignIn(event.path, event.httpMethod)) return handler(event);
    const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === AUTH_TOKEN.header.toLowerCase())?.[1];
    if (!header) return unauthorized();
    let claims: Record<string, string>;
    try {
      claims = await claimsOf(header.trim());
    } catch {
      return unauthorized();
    }
    return handler({ ...event, requestContext: { ...event.requestContext, authorizer: { claims: { ...claims } } } });
  };
  return Object.assign(authorized, { verify });
}
