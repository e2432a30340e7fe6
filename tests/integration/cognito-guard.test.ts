/**
 * The local user pool answers as Cognito does (local/cognito/cognito-guard.ts): each scenario of
 * tests/helpers/account-scenarios.ts sent as a browser or an attacker on this machine sends it
 * (unsigned, to 127.0.0.1), and what the stack's own signed calls may still do. The cloud half of
 * the same scenarios is asserted on the template in tests/cloud/deployments.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_LIFETIMES } from '../../amplify/domain/auth.ts';
import { DEMO_USERS, signInWithPassword, startLocalCognito } from '../../local/cognito/cognito.ts';
import { signedFetch } from '../../local/shared/sigv4.ts';
import { ACCOUNT_SCENARIOS, type ScenarioContext } from '../helpers/account-scenarios.ts';
import { createUser, startTestStack, type TestStack, type TestUser } from '../helpers/stack.ts';

let stack: TestStack;
let customer: TestUser & { password: string };
let ctx: ScenarioContext;
let emails = 0;
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

beforeAll(async () => {
  stack = await startTestStack();
  customer = { ...(await createUser(stack)), password: 'Test#pass1' };
  const victim = decode((await signInWithPassword(stack.cognito, DEMO_USERS.customer.email, DEMO_USERS.customer.password)).IdToken);
  ctx = {
    clientId: stack.cognito.clientId,
    userPoolId: stack.cognito.userPoolId,
    customer: { ...customer, accessToken: customer.accessToken, idToken: customer.idToken },
    victimSub: String(victim.sub),
    freshEmail: () => `guard-${process.pid}-${Date.now()}-${++emails}@example.com`,
  };
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

/** An unsigned call, as a browser (with the storefront's Origin when asked) or a local process sends it. */
async function unsigned(action: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(stack.cognito.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('the account scenarios, as Cognito answers them', () => {
  for (const scenario of ACCOUNT_SCENARIOS) {
    it(`${scenario.name}: ${scenario.refusedWith ?? 'accepted'}`, async () => {
      const { action, body } = scenario.request(ctx);
      const answer = await unsigned(action, body);
      if (scenario.refusedWith) {
        expect(answer.body.__type, JSON.stringify(answer.body)).toBe(scenario.refusedWith);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      } else expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    });
  }
});

describe('what a refused request leaves behind, and what is still allowed', () => {
  it('a sign-up with a chosen sub creates no account; the victim keeps her sub alone', async () => {
    const email = ctx.freshEmail();
    await unsigned('SignUp', { ClientId: ctx.clientId, Username: email, Password: 'Chosen#Sub2026', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'sub', Value: ctx.victimSub }] });
    const { Users } = await stack.cognito.call<{ Users: { Attributes: { Name: string; Value: string }[] }[] }>('ListUsers', { UserPoolId: ctx.userPoolId });
    expect(Users.filter((u) => u.Attributes.some((a) => a.Name === 'sub' && a.Value === ctx.victimSub))).toHaveLength(1);
    expect(Users.some((u) => u.Attributes.some((a) => a.Value === email))).toBe(false);
  });

  it('every password rule is Cognito’s message, and a conforming password signs up', async () => {
    const signUp = (password: string) => {
      const email = ctx.freshEmail();
      // The storefront's sign-up also sends the name (a client-writable attribute).
      return unsigned('SignUp', { ClientId: ctx.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: 'Ana' }] });
    };
    expect((await signUp('Sh0rt!')).body.message).toBe('Password did not conform with policy: Password not long enough');
    expect((await signUp('nouppercase1!')).body.message).toMatch(/uppercase/);
    expect((await signUp('NoNumbers!!')).body.message).toMatch(/numeric/);
    expect((await signUp('NoSymbols123')).body.message).toMatch(/symbol/);
    expect((await signUp('Good#Pass123')).status).toBe(200);
  });

  it('an e-mail change stays pending: the old address stays active and verified until the code is confirmed', async () => {
    const user = await createUser(stack);
    const newEmail = ctx.freshEmail();
    expect((await unsigned('UpdateUserAttributes', { AccessToken: user.accessToken, UserAttributes: [{ Name: 'email', Value: newEmail }] })).status).toBe(200);
    const attributes = async () =>
      Object.fromEntries(((await unsigned('GetUser', { AccessToken: user.accessToken })).body.UserAttributes as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]));
    expect(await attributes()).toMatchObject({ email: user.email, email_verified: 'true' });
    // The old address still signs in, and its tokens still say the old, verified address.
    expect(decode((await signInWithPassword(stack.cognito, user.email, 'Test#pass1')).IdToken)).toMatchObject({ email: user.email, email_verified: true });
    let code: string | undefined;
    for (let i = 0; i < 100 && !code; i++) {
      code = /verification code is (\d+)/.exec(stack.outbox.list().find((m) => m.to === newEmail)?.text ?? '')?.[1];
      if (!code) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await unsigned('VerifyUserAttribute', { AccessToken: user.accessToken, AttributeName: 'email', Code: code })).status).toBe(200);
    expect(await attributes()).toMatchObject({ email: newEmail, email_verified: 'true' });
  });

  it('an access token with a bad signature, from another client, or expired is refused before any action', async () => {
    const [header, payload, signature] = customer.accessToken.split('.') as [string, string, string];
    const edited = Buffer.from(JSON.stringify({ ...decode(customer.accessToken), sub: ctx.victimSub })).toString('base64url');
    for (const token of [`${header}.${edited}.${signature}`, `${header}.${payload}.${signature.slice(0, -4)}AAAA`, 'not-a-token', customer.idToken]) {
      expect((await unsigned('GetUser', { AccessToken: token })).body.__type).toBe('NotAuthorizedException');
      expect((await unsigned('DeleteUser', { AccessToken: token })).body.__type).toBe('NotAuthorizedException');
    }
    // Nothing was deleted: the customer's own token still works.
    expect((await unsigned('GetUser', { AccessToken: customer.accessToken })).status).toBe(200);
  });

  it('tokens last TOKEN_LIFETIMES, as the cloud client issues them', async () => {
    const tokens = await signInWithPassword(stack.cognito, customer.email, customer.password);
    for (const [token, minutes] of [
      [tokens.IdToken, TOKEN_LIFETIMES.idTokenMinutes],
      [tokens.AccessToken, TOKEN_LIFETIMES.accessTokenMinutes],
    ] as const) {
      const claims = decode(token) as { exp: number; iat: number };
      expect(claims.exp - claims.iat).toBe(minutes * 60);
    }
  });

  it('IAM-only actions: the stack’s SigV4 signature works; a wrong key, a wrong secret, an edited body or a browser are refused', async () => {
    const listUsers = { UserPoolId: ctx.userPoolId, Limit: 1 };
    const signed = await signedFetch(stack.cognito.endpoint, 'ListUsers', listUsers);
    expect(signed.status).toBe(200);
    // Signed for one body, sent with another (a group change for the attacker).
    const original = await signedFetch(stack.cognito.endpoint, 'ListUsers', listUsers);
    void original.body?.cancel();
    const headersOf = async (action: string, body: unknown) => {
      let captured: Record<string, string> = {};
      const realFetch = globalThis.fetch;
      globalThis.fetch = (async (_url: string, init: RequestInit) => {
        captured = init.headers as Record<string, string>;
        return new Response('{}');
      }) as typeof fetch;
      try {
        await signedFetch(stack.cognito.endpoint, action, body);
      } finally {
        globalThis.fetch = realFetch;
      }
      return captured;
    };
    const signedHeaders = await headersOf('ListUsers', listUsers);
    const send = (headers: Record<string, string>, body: unknown) =>
      fetch(stack.cognito.endpoint, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
    const tampered = await send(signedHeaders, { UserPoolId: ctx.userPoolId, Limit: 60 });
    expect(tampered.body.__type).toBe('InvalidSignatureException');
    const otherKey = await send({ ...signedHeaders, authorization: signedHeaders.authorization!.replace('Credential=local/', 'Credential=AKIAOTHER/') }, listUsers);
    expect(otherKey.body.__type).toBe('UnrecognizedClientException');
    const forged = await send({ ...signedHeaders, authorization: signedHeaders.authorization!.replace(/Signature=[0-9a-f]{4}/, 'Signature=0000') }, listUsers);
    expect(forged.body.__type).toBe('InvalidSignatureException');
    const fromBrowser = await send({ ...signedHeaders, origin: 'http://127.0.0.1:5173' }, listUsers);
    expect(fromBrowser.status).toBe(403);
    for (const action of ['AdminSetUserPassword', 'AdminGetUser', 'ListUsersInGroup', 'AdminRemoveUserFromGroup', 'CreateGroup', 'ListUserPools']) {
      expect((await unsigned(action, { UserPoolId: ctx.userPoolId })).body.__type, action).toBe('MissingAuthenticationTokenException');
    }
  });

  it('forgot-password answers the same for an account that does not exist', async () => {
    const missing = await unsigned('ForgotPassword', { ClientId: ctx.clientId, Username: ctx.freshEmail() });
    const existing = await unsigned('ForgotPassword', { ClientId: ctx.clientId, Username: customer.email });
    expect(missing.status).toBe(200);
    expect(existing.status).toBe(200);
    expect(Object.keys(missing.body)).toEqual(Object.keys(existing.body));
  });
});

describe('the pool’s port', () => {
  it('is not 9229; two data folders get two ports; a restart on the same data keeps its port', async () => {
    const dirs = [mkdtempSync(path.join(tmpdir(), 'pool-a-')), mkdtempSync(path.join(tmpdir(), 'pool-b-'))];
    const start = (dataDir: string) => startLocalCognito({ dataDir, port: 0, deliverMail: () => undefined, allowedOrigins: [] });
    try {
      const a = await start(dirs[0]!);
      const b = await start(dirs[1]!);
      expect(a.endpoint).not.toBe(b.endpoint);
      expect([a.endpoint, b.endpoint].some((e) => e.endsWith(':9229'))).toBe(false);
      await a.stop();
      const again = await start(dirs[0]!);
      expect(again.endpoint).toBe(a.endpoint);
      expect(again.userPoolId).toBe(a.userPoolId);
      await Promise.all([again.stop(), b.stop()]);
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});
