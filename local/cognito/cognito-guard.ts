/**
 * The local user pool's front door: the HTTP server in front of cognito-local's targets (its
 * express server is not used), on 127.0.0.1, answering as Cognito does where cognito-local does
 * not (docs/accounts.md, "The local user pool"):
 * - IAM-only actions (`Admin*`, `ListUsers`, groups, pool and client management: everything but
 *   `PUBLIC_ACTIONS`) need a SigV4 signature with the local stack's credentials (`verifySigV4`);
 * - an action that takes an access token runs only with a token this pool signed for its app
 *   client, unexpired (aws-jwt-verify), never on `jwt.decode` alone;
 * - SignUp and UpdateUserAttributes write only `CLIENT_WRITE_ATTRIBUTES` (no `sub`,
 *   `email_verified`, `cognito:*`), passwords follow `PASSWORD_POLICY`;
 * - sign-in and password reset do not say whether an account exists (PreventUserExistenceErrors);
 * - browsers: only the storefront's origins, never with a signature; the Host must be loopback.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT_WRITE_ATTRIBUTES, passwordProblems } from '../../amplify/domain/auth.ts';
import { answerClientErrors, BodyError, isLoopbackHost, readBody, type Log } from '../shared/http-guard.ts';
import { verifySigV4 } from '../shared/sigv4.ts';

/** Actions Cognito answers without IAM credentials (public, or authorized by an access token). */
export const PUBLIC_ACTIONS = new Set([
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetTokensFromRefreshToken',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'RevokeToken',
  'GetUser',
  'UpdateUserAttributes',
  'VerifyUserAttribute',
  'GetUserAttributeVerificationCode',
  'DeleteUserAttributes',
  'DeleteUser',
  'ChangePassword',
  'GlobalSignOut',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
  'SetUserMFAPreference',
]);

/** Where each public action carries a new password. */
const PASSWORD_FIELDS: Record<string, (request: Record<string, unknown>) => unknown> = {
  SignUp: (r) => r.Password,
  ConfirmForgotPassword: (r) => r.Password,
  ChangePassword: (r) => r.ProposedPassword,
  RespondToAuthChallenge: (r) => (r.ChallengeResponses as Record<string, unknown> | undefined)?.NEW_PASSWORD,
  AdminSetUserPassword: (r) => r.Password,
  AdminCreateUser: (r) => r.TemporaryPassword,
};

/** A refusal, answered as Cognito's JSON protocol answers errors. */
export class CognitoRefusal extends Error {
  override readonly name = 'CognitoRefusal';
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type PoolTarget = (action: string, request: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface GuardOptions {
  /** Runs an action on cognito-local (its errors carry `code`). */
  target: PoolTarget;
  /** The pool and its one app client, once they exist. */
  pool: () => { userPoolId: string; clientId: string } | undefined;
  /** The public JWK cognito-local signs with. */
  jwk: Record<string, unknown>;
  allowedOrigins: readonly string[];
  log: Log;
}

const MAX_BODY_BYTES = 64 * 1024;

/** Cognito's JSON protocol writes times as epoch seconds (cognito-local's targets return Dates). */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? Math.floor(raw.getTime() / 1000) : value;
}

/** Checks of the request body that do not depend on who calls. */
function checkRequest(action: string, request: Record<string, unknown>): void {
  if (action === 'SignUp' || action === 'UpdateUserAttributes') {
    const attributes = request.UserAttributes;
    if (attributes !== undefined && !Array.isArray(attributes)) throw new CognitoRefusal('InvalidParameterException', 'UserAttributes must be a list');
    for (const attribute of (attributes ?? []) as { Name?: unknown }[]) {
      if (!CLIENT_WRITE_ATTRIBUTES.includes(String(attribute?.Name))) {
        throw new CognitoRefusal('NotAuthorizedException', 'A client attempted to write unauthorized attribute');
      }
    }
  }
  const password = PASSWORD_FIELDS[action]?.(request);
  if (password !== undefined) {
    const problems = passwordProblems(String(password));
    if (problems.length > 0) throw new CognitoRefusal('InvalidPasswordException', `Password did not conform with policy: ${problems[0]}`);
  }
}

/** The answer to a GET: the pool's keys and OpenID configuration, or the health check. */
function wellKnown(pathname: string, options: GuardOptions, issuerOf: (userPoolId: string) => string): [number, unknown] {
  const pool = options.pool();
  if (pool && pathname === `/${pool.userPoolId}/.well-known/jwks.json`) return [200, { keys: [options.jwk] }];
  if (pool && pathname === `/${pool.userPoolId}/.well-known/openid-configuration`) {
    const issuer = issuerOf(pool.userPoolId);
    return [200, { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] }];
  }
  if (pathname === '/health') return [200, { ok: true }];
  return [404, { __type: 'ResourceNotFoundException', message: 'Not found' }];
}

/** The action a POST names (`X-Amz-Target`) and its JSON object body, or the refusal to answer. */
function actionOf(target: string | string[] | undefined, body: Buffer): { action: string; request: Record<string, unknown> } | { refusal: { __type: string; message: string } } {
  const action = /^AWSCognitoIdentityProviderService\.(\w+)$/.exec(String(target ?? ''))?.[1];
  if (!action) return { refusal: { __type: 'UnknownOperationException', message: 'Missing or invalid X-Amz-Target' } };
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return { action, request: parsed as Record<string, unknown> };
  } catch {
    return { refusal: { __type: 'SerializationException', message: 'The request body is not a JSON object' } };
  }
}

/**
 * What a body asks, checked for its caller (a verified access token where it carries one, the
 * request's rules) and answered by cognito-local, with Cognito's errors: the answer or a
 * CognitoRefusal. `issuerOf` names the pool's issuer once the port is known.
 */
function createDispatcher(options: GuardOptions, issuerOf: (userPoolId: string) => string) {
  let verifier: { verify(token: string): Promise<unknown> } | undefined;
  const accessVerifier = () => {
    const pool = options.pool();
    if (!pool) throw new CognitoRefusal('NotAuthorizedException', 'Invalid Access Token');
    if (!verifier) {
      const v = JwtVerifier.create({
        issuer: issuerOf(pool.userPoolId),
        audience: null,
        customJwtCheck: ({ payload }) => {
          if (payload.token_use !== 'access') throw new Error('Not an access token');
          if (payload.client_id !== pool.clientId) throw new Error('Another client');
        },
      });
      v.cacheJwks({ keys: [options.jwk as never] });
      verifier = v;
    }
    return verifier;
  };

  return async (action: string, request: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (typeof request.AccessToken === 'string' || 'AccessToken' in request) {
      try {
        await accessVerifier().verify(String(request.AccessToken));
      } catch {
        throw new CognitoRefusal('NotAuthorizedException', 'Invalid Access Token');
      }
    }
    checkRequest(action, request);
    try {
      return await options.target(action, request);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // No answer may tell an account that exists from one that does not (PreventUserExistenceErrors).
      // A wrong password is Cognito's NotAuthorizedException too (cognito-local says InvalidPasswordException).
      if (action === 'InitiateAuth' && (code === 'UserNotFoundException' || code === 'InvalidPasswordException')) {
        throw new CognitoRefusal('NotAuthorizedException', 'Incorrect username or password.');
      }
      if (PUBLIC_ACTIONS.has(action) && code === 'UserNotFoundException') {
        if (action === 'ForgotPassword' || action === 'ResendConfirmationCode') {
          return { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'x***@x***' } };
        }
      }
      if (code) throw new CognitoRefusal(code, (error as Error).message);
      if ((error as Error).name === 'UnsupportedError') throw new CognitoRefusal('UnsupportedOperationException', (error as Error).message);
      throw error;
    }
  };
}

/** A browser's CORS preflight (from an allowed origin): the pool's methods and the headers it asked for. */
function answerPreflight(req: http.IncomingMessage, res: http.ServerResponse, cors: Record<string, string>): void {
  res.writeHead(204, {
    ...cors,
    'Access-Control-Allow-Methods': 'GET, POST',
    'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? 'content-type,x-amz-target,x-amz-user-agent'),
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

export function createPoolGuard(options: GuardOptions) {
  let port = 0;
  const issuerOf = (userPoolId: string) => `http://127.0.0.1:${port}/${userPoolId}`;
  const dispatch = createDispatcher(options, issuerOf);

  const server = http.createServer(async (req, res) => {
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      origin !== undefined ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'x-amzn-requestid,x-amzn-errortype' } : {};
    const answer = (status: number, body: unknown, type = 'application/x-amz-json-1.1') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...cors });
      res.end(JSON.stringify(body, epochSeconds));
    };
    const refuse = (reason: string) => {
      options.log(`user pool: refused ${reason} (${req.method} Host=${JSON.stringify(req.headers.host ?? '')})`);
      req.resume();
      res.writeHead(403, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Connection: 'close' });
      res.end(JSON.stringify({ __type: 'AccessDeniedException', message: `The local user pool refused ${reason}` }));
    };
    if (!isLoopbackHost(req.headers.host, port)) return refuse('a foreign Host header');
    if (origin !== undefined && !options.allowedOrigins.includes(origin)) return refuse(`origin ${origin}`);
    const url = new URL(req.url ?? '/', 'http://local');

    if (req.method === 'OPTIONS') return answerPreflight(req, res, cors);
    if (req.method === 'GET') {
      const [status, body] = wellKnown(url.pathname, options, issuerOf);
      return answer(status, body, 'application/json');
    }
    if (req.method !== 'POST' || url.pathname !== '/') return answer(404, { __type: 'UnknownOperationException', message: 'Not found' }, 'application/json');

    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES, 10_000);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      res.writeHead(status, { 'Content-Type': 'application/json', Connection: 'close', ...cors });
      return res.end(JSON.stringify({ __type: 'SerializationException', message: (error as Error).message }));
    }
    const asked = actionOf(req.headers['x-amz-target'], body);
    if ('refusal' in asked) return answer(400, asked.refusal);
    const { action, request } = asked;

    // An IAM caller's request carries a signature; a browser's never does (and may not).
    const signed = req.headers.authorization !== undefined;
    if (signed && origin !== undefined) return refuse(`a signed ${action} from a browser`);
    if (signed || !PUBLIC_ACTIONS.has(action)) {
      const refusal = await verifySigV4({ method: req.method, url: req.url ?? '/', headers: req.headers }, body);
      if (refusal) {
        options.log(`user pool: refused ${action}: ${refusal.type}`);
        return answer(refusal.type === 'MissingAuthenticationTokenException' ? 403 : 400, { __type: refusal.type, message: refusal.message });
      }
    }
    try {
      answer(200, await dispatch(action, request));
    } catch (error) {
      if (error instanceof CognitoRefusal) return answer(error.status, { __type: error.type, message: error.message });
      options.log(`user pool: ${action} failed: ${(error as Error).message}`);
      answer(500, { __type: 'InternalErrorException', message: 'Internal error' });
    }
  });
  answerClientErrors(server, 'user pool', options.log);

  return {
    server,
    listen: (wanted: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(wanted, '127.0.0.1', () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          resolve(port);
        });
      }),
  };
}
