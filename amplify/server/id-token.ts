/**
 * Verifying a Cognito ID token as API Gateway's Cognito authorizer does: its RS256 signature
 * against the pool's JWKS, its issuer, its audience (the app client), `token_use: id` and its
 * expiry (aws-jwt-verify); and its claims as API Gateway REST hands them to a Lambda proxy
 * integration (`requestContext.authorizer.claims`): every value a string, `cognito:groups`
 * comma-separated, times as dates. Used by the local authorizer (`local/api-gateway/authorizer.ts`) and by
 * app-server on the routes a guest may call too (they have no authorizer in API Gateway).
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { AUTH_TOKEN } from '../domain/auth.ts';

export interface IdTokenSettings {
  /** `iss` of the pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<pool id>`, locally `http://127.0.0.1:<port>/<pool id>`. */
  issuer: string;
  /** The app client id: the ID token's `aud`. */
  clientId: string;
}

/** Where a Cognito pool publishes its keys. */
export const jwksUriOf = (issuer: string) => `${issuer}/.well-known/jwks.json`;

/** How long fetching the pool's keys may take (once per instance; Lambda's own timeout is longer). */
const JWKS_TIMEOUT_MS = 5_000;

/** The pool's keys could not be fetched: no token can be judged now (a 503, not a 401). */
export class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}

/** The default fetcher refuses http (the local pool is served over http on 127.0.0.1); this one is bounded in time and checks the status. */
async function fetchJwks(uri: string): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
  } catch (error) {
    throw new JwksUnavailableError(`Fetching ${uri} failed: ${(error as Error).message}`);
  }
  if (!response.ok) throw new JwksUnavailableError(`Fetching ${uri} answered ${response.status}`);
  return response.arrayBuffer();
}

/** A verifier of the pool's ID tokens; the keys are fetched once and cached. */
export function idTokenVerifier(settings: IdTokenSettings): (token: string) => Promise<JwtPayload> {
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: fetchJwks } });
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: jwksUriOf(settings.issuer),
      audience: settings.clientId,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== AUTH_TOKEN.tokenUse) throw new Error(`Not an ${AUTH_TOKEN.tokenUse} token`);
      },
    },
    { jwksCache },
  );
  return (token) => verifier.verify(token);
}

/**
 * A verifier of the pool's access tokens, as AppSync's user pool authorization takes them (the
 * local AppSync Events stand-in): the same signature, issuer and expiry checks, `token_use:
 * access`, and the app client in `client_id` (an access token has no `aud`).
 */
export function accessTokenVerifier(settings: IdTokenSettings): (token: string) => Promise<JwtPayload> {
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: fetchJwks } });
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: jwksUriOf(settings.issuer),
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('Not an access token');
        if (payload.client_id !== settings.clientId) throw new Error('Not a token of this app client');
      },
    },
    { jwksCache },
  );
  return (token) => verifier.verify(token);
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
