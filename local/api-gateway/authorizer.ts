/**
 * The local stand-in for API Gateway's Cognito user pool authorizer, in front of the unchanged
 * app-server handler. On each route `ROUTE_ACCESS` marks `signedIn` it does what the cloud's
 * authorizer does (amplify/cloud/orders-cloud.ts): reads the raw ID token from `Authorization`,
 * verifies it (`amplify/server/id-token.ts`, as app-server does on the routes a guest calls too),
 * and hands the handler the token's claims in `requestContext.authorizer.claims` the way API
 * Gateway REST does. Anything else is a 401 with the API's error body, and the handler is never
 * called.
 *
 * Like the cloud's authorizer (left at API Gateway's default results cache), a token that passed
 * is remembered for `AUTHORIZER_CACHE_TTL_SECONDS`, so a signed-in caller's next requests skip the
 * signature check; unlike it, the expiry is still checked on every request.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { methodAccess, ROUTE_METHODS, ROUTES } from '../../amplify/domain/api.ts';
import { AUTH_TOKEN, UNAUTHORIZED_BODY } from '../../amplify/domain/auth.ts';
import { idTokenVerifier, restClaims, type IdTokenSettings } from '../../amplify/server/id-token.ts';

/** API Gateway's default `authorizerResultTtlInSeconds` (the cloud authorizer sets none). */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;
/** Tokens remembered at most (a bound on memory, not a tuning knob: the oldest is dropped first). */
const AUTHORIZER_CACHE_ENTRIES = 1000;

/** Each route's path pattern (API Gateway ignores a trailing slash). */
const ROUTE_PATTERNS = (Object.keys(ROUTES) as (keyof typeof ROUTES)[]).map((key) => ({
  key,
  pattern: new RegExp(`^${ROUTES[key].replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

/**
 * True for a method declared on a route that needs a signed-in caller (CORS preflights are public;
 * the methods a guest calls too have no authorizer: app-server checks a token sent there itself).
 */
export function requiresSignIn(path: string, method: string): boolean {
  const route = ROUTE_PATTERNS.find(({ pattern }) => pattern.test(path))?.key;
  return route !== undefined && methodAccess(route, method) === 'signedIn' && ROUTE_METHODS[route].includes(method.toUpperCase());
}

const unauthorized = (): APIGatewayProxyResult => ({
  statusCode: 401,
  headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
  body: JSON.stringify(UNAUTHORIZED_BODY),
});

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Wraps the integration: signed-in routes only reach `handler` with a verified ID token. */
export function withCognitoAuthorizer(settings: IdTokenSettings, handler: ProxyHandler): ProxyHandler & { verify(token: string): Promise<JwtPayload> } {
  const verify = idTokenVerifier(settings);
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
