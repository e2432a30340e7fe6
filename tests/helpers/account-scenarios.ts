/**
 * Account scenarios, written once for two tests that must agree: `tests/integration/cognito-guard.test.ts`
 * plays each against the local user pool (the guard in front of cognito-local) and checks the
 * answer Cognito gives; `tests/cloud/deployments.test.ts` checks the synthesized pool and app
 * client carry the setting that makes Cognito give that answer. A scenario the local pool gets
 * wrong, or a cloud setting that drifts from it, fails one of the two.
 */
import { CLIENT_WRITE_ATTRIBUTES, PASSWORD_POLICY, TOKEN_LIFETIMES, VERIFY_BEFORE_UPDATE } from '../../amplify/domain/auth.ts';

type Json = Record<string, any>;

/** A call to the pool: unsigned as a browser's, or signed with the local stack's credentials. */
export interface PoolRequest {
  action: string;
  body: Record<string, unknown>;
}

/** What a scenario needs from the local pool, set up by the test. */
export interface ScenarioContext {
  clientId: string;
  userPoolId: string;
  /** A fresh, confirmed customer: its e-mail, password, `sub` and tokens. */
  customer: { email: string; password: string; sub: string; accessToken: string; idToken: string };
  /** Another account's `sub` (the demo customer's). */
  victimSub: string;
  /** A new e-mail address nobody uses. */
  freshEmail(): string;
}

export interface AccountScenario {
  name: string;
  /** The unsigned request (as a browser or an attacker on the machine sends it). */
  request(ctx: ScenarioContext): PoolRequest;
  /** Cognito's answer: the error type, or undefined for success. */
  refusedWith?: string;
  /** What the synthesized user pool and its app client must say for Cognito to answer so. */
  cloud(pool: Json, client: Json): void;
}

const expectWrites = (client: Json, attribute: string) => {
  if (!Array.isArray(client.WriteAttributes)) throw new Error('The app client lists no WriteAttributes: every attribute would be writable');
  if (client.WriteAttributes.includes(attribute)) throw new Error(`The app client may write ${attribute}`);
  if (JSON.stringify([...client.WriteAttributes].sort()) !== JSON.stringify([...CLIENT_WRITE_ATTRIBUTES].sort())) throw new Error('WriteAttributes differ from CLIENT_WRITE_ATTRIBUTES');
};

export const ACCOUNT_SCENARIOS: AccountScenario[] = [
  {
    name: 'SignUp with a chosen sub',
    request: (ctx) => ({
      action: 'SignUp',
      body: { ClientId: ctx.clientId, Username: ctx.freshEmail(), Password: 'Chosen#Sub2026', UserAttributes: [{ Name: 'email', Value: ctx.freshEmail() }, { Name: 'sub', Value: ctx.victimSub }] },
    }),
    refusedWith: 'NotAuthorizedException',
    cloud: (_pool, client) => expectWrites(client, 'sub'),
  },
  {
    name: 'SignUp that sets email_verified',
    request: (ctx) => {
      const email = ctx.freshEmail();
      return { action: 'SignUp', body: { ClientId: ctx.clientId, Username: email, Password: 'Verified#2026', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] } };
    },
    refusedWith: 'NotAuthorizedException',
    cloud: (_pool, client) => expectWrites(client, 'email_verified'),
  },
  {
    name: 'UpdateUserAttributes that sets email_verified',
    request: (ctx) => ({ action: 'UpdateUserAttributes', body: { AccessToken: ctx.customer.accessToken, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] } }),
    refusedWith: 'NotAuthorizedException',
    cloud: (_pool, client) => expectWrites(client, 'email_verified'),
  },
  {
    name: 'UpdateUserAttributes that sets phone_number_verified',
    request: (ctx) => ({ action: 'UpdateUserAttributes', body: { AccessToken: ctx.customer.accessToken, UserAttributes: [{ Name: 'phone_number_verified', Value: 'true' }] } }),
    refusedWith: 'NotAuthorizedException',
    cloud: (_pool, client) => expectWrites(client, 'phone_number_verified'),
  },
  {
    name: 'UpdateUserAttributes that names a group (cognito:groups)',
    request: (ctx) => ({ action: 'UpdateUserAttributes', body: { AccessToken: ctx.customer.accessToken, UserAttributes: [{ Name: 'cognito:groups', Value: 'ADMINS' }] } }),
    refusedWith: 'NotAuthorizedException',
    cloud: (_pool, client) => expectWrites(client, 'cognito:groups'),
  },
  {
    name: 'SignUp with the password "a"',
    request: (ctx) => {
      const email = ctx.freshEmail();
      return { action: 'SignUp', body: { ClientId: ctx.clientId, Username: email, Password: 'a', UserAttributes: [{ Name: 'email', Value: email }] } };
    },
    refusedWith: 'InvalidPasswordException',
    cloud: (pool) => {
      const policy = pool.Policies?.PasswordPolicy ?? {};
      const expected = {
        MinimumLength: PASSWORD_POLICY.min_length,
        RequireLowercase: PASSWORD_POLICY.require_lowercase,
        RequireUppercase: PASSWORD_POLICY.require_uppercase,
        RequireNumbers: PASSWORD_POLICY.require_numbers,
        RequireSymbols: PASSWORD_POLICY.require_symbols,
      };
      for (const [key, value] of Object.entries(expected)) if (policy[key] !== value) throw new Error(`PasswordPolicy.${key} is ${policy[key]}, not ${value}`);
    },
  },
  {
    name: 'an e-mail change (kept pending until its code is confirmed)',
    request: (ctx) => ({ action: 'UpdateUserAttributes', body: { AccessToken: ctx.customer.accessToken, UserAttributes: [{ Name: 'email', Value: ctx.freshEmail() }] } }),
    cloud: (pool) => {
      const pending = pool.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? [];
      for (const attribute of VERIFY_BEFORE_UPDATE) if (!pending.includes(attribute)) throw new Error(`${attribute} changes are not kept pending`);
    },
  },
  {
    name: 'GetUser with an unsigned access token (alg: none) naming another account',
    request: (ctx) => {
      const [, payload] = ctx.customer.accessToken.split('.');
      const claims = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')), sub: ctx.victimSub, username: ctx.victimSub };
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return { action: 'GetUser', body: { AccessToken: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.` } };
    },
    refusedWith: 'NotAuthorizedException',
    // Cognito verifies its access tokens itself; the client may revoke them (sign-out, deletion).
    cloud: (_pool, client) => {
      if (client.EnableTokenRevocation !== true) throw new Error('Token revocation is off');
    },
  },
  {
    name: 'ListUsers without IAM credentials',
    request: (ctx) => ({ action: 'ListUsers', body: { UserPoolId: ctx.userPoolId } }),
    refusedWith: 'MissingAuthenticationTokenException',
    // The browser has no AWS credentials: the identity pool hands out none to guests.
    cloud: () => undefined,
  },
  {
    name: 'AdminAddUserToGroup (joining ADMINS) without IAM credentials',
    request: (ctx) => ({ action: 'AdminAddUserToGroup', body: { UserPoolId: ctx.userPoolId, Username: ctx.customer.sub, GroupName: 'ADMINS' } }),
    refusedWith: 'MissingAuthenticationTokenException',
    cloud: () => undefined,
  },
  {
    name: 'sign-in to an account that does not exist (same answer as a wrong password)',
    request: (ctx) => ({ action: 'InitiateAuth', body: { ClientId: ctx.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: ctx.freshEmail(), PASSWORD: 'Whatever#2026' } } }),
    refusedWith: 'NotAuthorizedException',
    cloud: (_pool, client) => {
      if (client.PreventUserExistenceErrors !== 'ENABLED') throw new Error('PreventUserExistenceErrors is not ENABLED');
    },
  },
  {
    name: 'sign-in issues tokens with the cloud client’s lifetimes',
    request: (ctx) => ({ action: 'InitiateAuth', body: { ClientId: ctx.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: ctx.customer.email, PASSWORD: ctx.customer.password } } }),
    cloud: (_pool, client) => {
      const ok =
        client.IdTokenValidity === TOKEN_LIFETIMES.idTokenMinutes &&
        client.AccessTokenValidity === TOKEN_LIFETIMES.accessTokenMinutes &&
        client.TokenValidityUnits?.IdToken === 'minutes' &&
        client.TokenValidityUnits?.AccessToken === 'minutes';
      if (!ok) throw new Error('Token lifetimes differ from TOKEN_LIFETIMES');
    },
  },
];
