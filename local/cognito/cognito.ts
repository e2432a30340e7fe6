/**
 * The local Cognito user pool: cognito-local's targets (local/cognito/cognito-targets.ts, built from its own modules so its data
 * lives under `<dataDir>/cognito`: users survive restarts), behind the guard of
 * `local/cognito/cognito-guard.ts` (SigV4 for IAM-only actions, verified access tokens, writable
 * attributes, password policy; docs/accounts.md, "The local user pool"), on 127.0.0.1, with:
 *   - the pool, the storefront's app client and the `ADMINS` group created on first start (found
 *     again by name afterwards; the client's token lifetimes and the pool's pending-update setting
 *     re-applied at every start), and two demo accounts (a customer and a staff member);
 *   - its port kept in `<dataDir>/cognito/port` (tokens name it): a restart on the same data takes
 *     the same port, another stack's data another one;
 *   - verification codes delivered as e-mails to `deliverMail` (the local outbox), not the console;
 *   - two gaps of cognito-local closed the way Cognito behaves: `GetTokensFromRefreshToken` (what
 *     Amplify JS 6 refreshes with) answered by `REFRESH_TOKEN_AUTH`, and `ConfirmSignUp` marking
 *     the e-mail verified (Cognito does, for an auto-verified e-mail; cognito-local does not).
 * No SRP (`USER_SRP_AUTH`), so the app client signs in with `USER_PASSWORD_AUTH` (docs/accounts.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT_WRITE_ATTRIBUTES, PASSWORD_POLICY, SAVED_CHECKOUT, SIGN_IN_FLOW, STAFF_GROUP, TOKEN_LIFETIMES, VERIFY_BEFORE_UPDATE } from '../../amplify/domain/auth.ts';
import { LOCAL_REGION } from '../shared/aws.ts';
import { createPoolGuard } from './cognito-guard.ts';
import { cognitoLocalTargets } from './cognito-targets.ts';
import type { Log } from '../shared/http-guard.ts';
import { signedFetch } from '../shared/sigv4.ts';

export const LOCAL_USER_POOL = {
  poolName: 'orders-local',
  clientName: 'storefront',
  /** Cognito's default sender, which the local pool's e-mails show. */
  sender: 'no-reply@verificationemail.com',
} as const;

/** Printed by `npm start` and used by the tests and the README. Local only. */
export const DEMO_USERS = {
  customer: { email: 'customer@example.com', password: 'Customer#2026', staff: false },
  staff: { email: 'staff@example.com', password: 'Staff#2026!', staff: true },
} as const;

export interface VerificationMail {
  to: string;
  subject: string;
  body: string;
  code: string;
}

export interface LocalCognito {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  /** `iss` of the ID tokens: `<endpoint>/<userPoolId>`. */
  issuer: string;
  jwksUri: string;
  /** Calls the Cognito Identity Provider API (JSON protocol) on the local pool. */
  call<T = Record<string, unknown>>(action: string, body: Record<string, unknown>): Promise<T>;
  /** The `auth` section of amplify_outputs.json for this pool. */
  outputs(): Record<string, unknown>;
  stop(): Promise<void>;
}

export class CognitoApiError extends Error {
  override readonly name = 'CognitoApiError';
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

export async function startLocalCognito(options: {
  dataDir: string;
  /** 0: the port this data folder's pool had, or any free one the first time. */
  port: number;
  deliverMail: (mail: VerificationMail) => void | Promise<void>;
  /** Origins of the storefront pages that sign in (the only browser callers answered). */
  allowedOrigins: readonly string[];
  log?: Log;
}): Promise<LocalCognito> {
  const dataDirectory = path.join(options.dataDir, 'cognito');
  const { target, cognito, ctx, tokenConfig, jwk } = await cognitoLocalTargets(dataDirectory, options.deliverMail);
  let ids: { userPoolId: string; clientId: string } | undefined;
  const guard = createPoolGuard({
    target: (action, request) => target(action)(ctx, request),
    pool: () => ids,
    jwk,
    allowedOrigins: options.allowedOrigins,
    log: options.log ?? (() => undefined),
  });
  const port = await listenOnKeptPort(guard.listen, dataDirectory, options.port, options.log);
  const server = guard.server;
  const endpoint = `http://127.0.0.1:${port}`;
  tokenConfig.IssuerDomain = endpoint;

  /** The stack's own calls: signed with its credentials, as an IAM caller's are in AWS. */
  const call = async <T = Record<string, unknown>>(action: string, body: Record<string, unknown>): Promise<T> => {
    const response = await signedFetch(endpoint, action, body);
    const result = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new CognitoApiError(String(result.__type ?? response.status), String(result.message ?? ''));
    return result as T;
  };

  const { userPoolId, clientId } = await ensurePool(call);
  ids = { userPoolId, clientId };
  // The cloud pool's settings, also on a pool an older version created: the password policy, and an
  // e-mail change kept pending (the old address active) until its code is confirmed.
  const pool = await cognito.getUserPool(ctx, userPoolId);
  await pool.updateOptions(ctx, { ...pool.options, ...POOL_SETTINGS });
  for (const user of Object.values(DEMO_USERS)) await ensureUser(call, userPoolId, clientId, user);

  const issuer = `${endpoint}/${userPoolId}`;
  return {
    endpoint,
    userPoolId,
    clientId,
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    call,
    outputs: () => ({
      aws_region: LOCAL_REGION,
      user_pool_id: userPoolId,
      user_pool_client_id: clientId,
      password_policy: PASSWORD_POLICY,
      username_attributes: ['email'],
      standard_required_attributes: ['email'],
      user_verification_types: ['email'],
      groups: [{ [STAFF_GROUP]: { precedence: 0 } }],
      mfa_configuration: 'NONE',
      mfa_methods: [],
      unauthenticated_identities_enabled: false,
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Call = LocalCognito['call'];

/** What the cloud pool sets too (amplify/auth/app-client.ts): password policy, pending e-mail changes. */
const POOL_SETTINGS = {
  Policies: {
    PasswordPolicy: {
      MinimumLength: PASSWORD_POLICY.min_length,
      RequireLowercase: PASSWORD_POLICY.require_lowercase,
      RequireUppercase: PASSWORD_POLICY.require_uppercase,
      RequireNumbers: PASSWORD_POLICY.require_numbers,
      RequireSymbols: PASSWORD_POLICY.require_symbols,
    },
  },
  UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [...VERIFY_BEFORE_UPDATE] },
};

/** The app client's settings that the cloud client has (TOKEN_LIFETIMES, flows, writable attributes). */
const CLIENT_SETTINGS = {
  ExplicitAuthFlows: [`ALLOW_${SIGN_IN_FLOW}`, 'ALLOW_REFRESH_TOKEN_AUTH'],
  IdTokenValidity: TOKEN_LIFETIMES.idTokenMinutes,
  AccessTokenValidity: TOKEN_LIFETIMES.accessTokenMinutes,
  RefreshTokenValidity: TOKEN_LIFETIMES.refreshTokenDays,
  TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
  WriteAttributes: [...CLIENT_WRITE_ATTRIBUTES],
  PreventUserExistenceErrors: 'ENABLED',
};

/**
 * Listens on `wanted`, or when it is 0 on the port kept for this data folder (free ports the first
 * time, or when another process holds the kept one: then signed-in browsers sign in again).
 */
async function listenOnKeptPort(listen: (port: number) => Promise<number>, dataDirectory: string, wanted: number, log?: Log): Promise<number> {
  const file = path.join(dataDirectory, 'port');
  if (wanted !== 0) return listen(wanted);
  let kept = 0;
  try {
    kept = Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    // First start on this data folder.
  }
  let port: number;
  try {
    port = await listen(kept);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    log?.(`user pool: port ${kept} is taken; tokens issued on it no longer verify (sign in again)`);
    port = await listen(0);
  }
  mkdirSync(dataDirectory, { recursive: true });
  writeFileSync(file, `${port}\n`);
  return port;
}

/** The pool, app client and staff group: created on first start, found by name afterwards. */
async function ensurePool(call: Call): Promise<{ userPoolId: string; clientId: string }> {
  const { UserPools = [] } = await call<{ UserPools?: { Id: string; Name: string }[] }>('ListUserPools', { MaxResults: 60 });
  let userPoolId = UserPools.find((pool) => pool.Name === LOCAL_USER_POOL.poolName)?.Id;
  if (!userPoolId) {
    const { UserPool } = await call<{ UserPool: { Id: string } }>('CreateUserPool', {
      PoolName: LOCAL_USER_POOL.poolName,
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      ...POOL_SETTINGS,
      // The saved checkout details (amplify/auth/resource.ts); cognito-local adds the `custom:` prefix.
      Schema: [{ Name: SAVED_CHECKOUT.attributeName, AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: String(SAVED_CHECKOUT.maxLength) } }],
    });
    userPoolId = UserPool.Id;
    await call('CreateGroup', { UserPoolId: userPoolId, GroupName: STAFF_GROUP, Description: 'Store staff: see every order', Precedence: 0 });
  }
  const { UserPoolClients = [] } = await call<{ UserPoolClients?: { ClientId: string; ClientName: string }[] }>('ListUserPoolClients', {
    UserPoolId: userPoolId,
    MaxResults: 60,
  });
  let clientId = UserPoolClients.find((client) => client.ClientName === LOCAL_USER_POOL.clientName)?.ClientId;
  if (!clientId) {
    const { UserPoolClient } = await call<{ UserPoolClient: { ClientId: string } }>('CreateUserPoolClient', {
      UserPoolId: userPoolId,
      ClientName: LOCAL_USER_POOL.clientName,
      ...CLIENT_SETTINGS,
    });
    clientId = UserPoolClient.ClientId;
  } else {
    await call('UpdateUserPoolClient', { UserPoolId: userPoolId, ClientId: clientId, ...CLIENT_SETTINGS });
  }
  return { userPoolId, clientId };
}

/**
 * A confirmed account with a verified e-mail (and in the staff group when asked), unless it exists.
 * Created by an administrator (no welcome or verification e-mail), as staff accounts are in AWS.
 */
export async function ensureUser(
  call: Call,
  userPoolId: string,
  _clientId: string,
  user: { email: string; password: string; staff: boolean },
): Promise<void> {
  try {
    await call('AdminCreateUser', {
      UserPoolId: userPoolId,
      Username: user.email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
  } catch (error) {
    if (error instanceof CognitoApiError && error.type === 'UsernameExistsException') return;
    throw error;
  }
  await call('AdminSetUserPassword', { UserPoolId: userPoolId, Username: user.email, Password: user.password, Permanent: true });
  if (user.staff) await call('AdminAddUserToGroup', { UserPoolId: userPoolId, Username: user.email, GroupName: STAFF_GROUP });
}

/** Signs in with e-mail and password (`USER_PASSWORD_AUTH`) and returns the tokens. */
export async function signInWithPassword(cognito: Pick<LocalCognito, 'call' | 'clientId'>, email: string, password: string) {
  const { AuthenticationResult } = await cognito.call<{ AuthenticationResult: { IdToken: string; AccessToken: string; RefreshToken: string } }>(
    'InitiateAuth',
    { AuthFlow: SIGN_IN_FLOW, ClientId: cognito.clientId, AuthParameters: { USERNAME: email, PASSWORD: password } },
  );
  return AuthenticationResult;
}
