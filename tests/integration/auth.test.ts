/**
 * The local API Gateway's Cognito authorizer (local/api-gateway/authorizer.ts) and the local user pool
 * (local/cognito/cognito.ts). Every signed-in route refuses a request without a valid ID token with a
 * 401 JSON body, before app-server runs, so nothing is stored; the claims the handler gets are the
 * ones API Gateway REST passes.
 */
import { createPrivateKey, createSign, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { restClaims } from '../../amplify/server/id-token.ts';
import { DEMO_USERS, signInWithPassword } from '../../local/cognito/cognito.ts';
import { orderRequest } from '../fixtures.ts';
import { api, createUser, postOrder, startTestStack, type TestUser } from '../helpers/stack.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let staff: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  staff = await createUser(stack, { staff: true });
});
afterAll(async () => {
  await stack?.stop();
  stack?.removeData();
});

// cognito-local's signing key ships in its package: with it, a test can mint tokens that are
// correctly signed but wrong in one claim, which is what the authorizer must catch.
const poolKey = createPrivateKey({
  key: createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.private.json').jwk,
  format: 'jwk',
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function sign(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', kid: 'CognitoLocal' }, key = poolKey): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('the local Cognito authorizer', () => {
  let valid: Record<string, unknown>;
  beforeAll(() => {
    valid = decode(stack.customer.idToken);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => string | undefined][] = [
    ['no token', () => undefined],
    ['an empty token', () => ''],
    ['a Bearer prefix on garbage', () => 'Bearer abc.def.ghi'],
    ['a token whose claims were edited (staff group added)', () => {
      const [h, , s] = stack.customer.idToken.split('.');
      return `${h}.${b64({ ...valid, 'cognito:groups': ['ADMINS'] })}.${s}`;
    }],
    ['alg: none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(valid)}.`],
    ['a token signed by another key', () => sign(valid, { alg: 'RS256', kid: 'CognitoLocal' }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)],
    ['an expired token', () => sign({ ...valid, iat: now() - 7200, exp: now() - 3600 })],
    ['a wrong issuer', () => sign({ ...valid, iss: 'http://127.0.0.1:1/local_other' })],
    ['a wrong audience (another app client)', () => sign({ ...valid, aud: 'another-client' })],
    ['an access token instead of an ID token', () => sign({ ...valid, token_use: 'access' })],
    ['an HS256 token keyed with the public key', () => `${b64({ alg: 'HS256', kid: 'CognitoLocal' })}.${b64(valid)}.AAAA`],
  ];

  it.each(cases)('refuses %s with 401 JSON: the authorizer on a signed-in route (app-server never runs), app-server itself on a guest\'s', async (_, token) => {
    const invocations = stack.invocations.get(FUNCTIONS.appServer.name) ?? 0;
    const headers: Record<string, string> = token() === undefined ? {} : { Authorization: token()! };
    const unauthorized = (response: Awaited<ReturnType<typeof api>>) => {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body).toEqual({ error: 'Unauthorized', details: [{ path: 'Authorization', message: expect.any(String) }] });
    };
    const list = await api(stack, '/orders', { headers }, null);
    unauthorized(list);
    expect(list.headers.get('access-control-allow-origin')).toBe('*');
    expect(stack.invocations.get(FUNCTIONS.appServer.name) ?? 0).toBe(invocations);
    // A guest's methods (GUEST_METHODS) have no authorizer: app-server verifies a token sent there by the
    // same rules, and one that fails is a 401 too, never a guest order (the staff list below stays empty).
    if (token() !== undefined) {
      unauthorized(await postOrder(stack, orderRequest({ customerEmail: 'guest@example.com' }), { ...headers, 'Idempotency-Key': `k-${Date.now()}` }, null));
      unauthorized(await api(stack, '/orders/00000000-0000-4000-8000-000000000000', { headers }, null));
    }
    expect((await api(stack, '/orders?limit=100', {}, staff)).body.orders).toEqual([]);
  });

  it('accepts a token re-signed with the right key and the right claims (the cases above differ in one thing only)', async () => {
    const token = sign({ ...valid, iat: now(), exp: now() + 600 });
    expect((await api(stack, '/orders', { headers: { Authorization: token } }, null)).status).toBe(200);
  });

  it('remembers a verified token (as API Gateway caches authorizer results) only until the token expires', async () => {
    const token = sign({ ...valid, iat: now(), exp: now() + 2 });
    expect((await api(stack, '/orders', { headers: { Authorization: token } }, null)).status).toBe(200);
    expect((await api(stack, '/orders', { headers: { Authorization: token } }, null)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await api(stack, '/orders', { headers: { Authorization: token } }, null)).status).toBe(401);
  });

  it('passes the claims as API Gateway REST does: strings, groups comma-separated, times as dates', () => {
    const claims = restClaims({ sub: 's', email_verified: true, 'cognito:groups': ['ADMINS', 'other'], exp: 1796012005, aud: 'c' } as never);
    expect(claims).toEqual({ sub: 's', email_verified: 'true', 'cognito:groups': 'ADMINS,other', exp: 'Mon Nov 30 04:13:25 UTC 2026', aud: 'c' });
  });

  it('leaves /health and /products public', async () => {
    expect((await api(stack, '/health', {}, null)).status).toBe(200);
    expect((await api(stack, '/products', { headers: { Authorization: 'garbage' } }, null)).status).toBe(200);
  });
});

describe('the local user pool', () => {
  it('has the demo customer and the demo staff member (in ADMINS)', async () => {
    const customer = decode((await signInWithPassword(stack.cognito, DEMO_USERS.customer.email, DEMO_USERS.customer.password)).IdToken);
    const member = decode((await signInWithPassword(stack.cognito, DEMO_USERS.staff.email, DEMO_USERS.staff.password)).IdToken);
    expect(customer).toMatchObject({ email: DEMO_USERS.customer.email, email_verified: true, token_use: 'id', iss: stack.cognito.issuer, aud: stack.cognito.clientId });
    expect(customer['cognito:groups']).toBeUndefined();
    expect(member['cognito:groups']).toEqual(['ADMINS']);
  });

  it('signs up with a verification code delivered as an e-mail to the local outbox, which verifies the e-mail', async () => {
    const email = `new-${Date.now()}@example.com`;
    const { clientId } = stack.cognito;
    await stack.cognito.call('SignUp', { ClientId: clientId, Username: email, Password: 'Passw0rd!', UserAttributes: [{ Name: 'email', Value: email }] });
    let mail: { text: string; to: string } | undefined;
    for (let i = 0; i < 100 && !mail; i++) {
      mail = stack.outbox.list().find((m) => m.to === email);
      if (!mail) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const code = /verification code is (\d+)/.exec(mail!.text)![1]!;
    await expect(stack.cognito.call('ConfirmSignUp', { ClientId: clientId, Username: email, ConfirmationCode: '000000' === code ? '111111' : '000000' })).rejects.toThrow(/CodeMismatch/);
    await stack.cognito.call('ConfirmSignUp', { ClientId: clientId, Username: email, ConfirmationCode: code });
    const tokens = await signInWithPassword(stack.cognito, email, 'Passw0rd!');
    expect(decode(tokens.IdToken)).toMatchObject({ email, email_verified: true });
    const { status, body } = await postOrder(stack, orderRequest(), {}, { email, sub: String(decode(tokens.IdToken).sub), idToken: tokens.IdToken, accessToken: tokens.AccessToken, refreshToken: tokens.RefreshToken });
    expect(status).toBe(201);
    expect(body.customerEmail).toBe(email);
  });

  it('answers GetTokensFromRefreshToken (what Amplify JS 6 refreshes with) with fresh tokens', async () => {
    const result = await stack.cognito.call<{ AuthenticationResult: { IdToken: string; RefreshToken: string } }>('GetTokensFromRefreshToken', {
      ClientId: stack.cognito.clientId,
      RefreshToken: stack.customer.refreshToken,
    });
    expect(decode(result.AuthenticationResult.IdToken).sub).toBe(stack.customer.sub);
    expect(result.AuthenticationResult.RefreshToken).toBe(stack.customer.refreshToken);
    expect((await api(stack, '/orders', { headers: { Authorization: result.AuthenticationResult.IdToken } }, null)).status).toBe(200);
  });

  it('answers the storefront\'s pages only, and no Admin action from a browser', async () => {
    const send = (action: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      fetch(stack.cognito.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`, ...headers },
        body: JSON.stringify(body),
      });
    const signIn = { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: stack.cognito.clientId, AuthParameters: { USERNAME: DEMO_USERS.customer.email, PASSWORD: DEMO_USERS.customer.password } };
    const promote = { UserPoolId: stack.cognito.userPoolId, Username: stack.customer.sub, GroupName: 'ADMINS' };
    const port = new URL(stack.cognito.endpoint).port;

    expect((await send('InitiateAuth', signIn, { Origin: 'http://localhost:5173' })).status).toBe(200); // the storefront
    const foreign = await send('InitiateAuth', signIn, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(stack.cognito.endpoint, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(403);
    // Even the storefront's own page cannot make its user staff.
    expect((await send('AdminAddUserToGroup', promote, { Origin: 'http://localhost:5173' })).status).toBe(403);
    // A rebinding page reaches 127.0.0.1 under its own host name.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = http.request(stack.cognito.endpoint, { method: 'POST', headers: { Host: `rebind.example:${port}`, 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(JSON.stringify(signIn));
    });
    expect(rebound).toBe(403);
    expect(decode((await signInWithPassword(stack.cognito, DEMO_USERS.customer.email, DEMO_USERS.customer.password)).IdToken)['cognito:groups']).toBeUndefined();
  });

  it('has no SRP (cognito-local), which is why the app client signs in with USER_PASSWORD_AUTH', async () => {
    await expect(
      stack.cognito.call('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: stack.cognito.clientId, AuthParameters: { USERNAME: DEMO_USERS.customer.email, SRP_A: '1' } }),
    ).rejects.toThrow();
  });
});
