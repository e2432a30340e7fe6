import { Amplify } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';
import { defaultStorage } from 'aws-amplify/utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_NAME } from '../../amplify/domain/api.ts';
import { getIdToken } from '../auth/account.ts';
import { configureAmplify, connectionFrom, type AmplifyOutputs } from './config.ts';

const outputs = (custom: Record<string, unknown>) => ({ version: '1.4', custom: { API: { [API_NAME]: { endpoint: 'https://abc.execute-api.us-east-1.amazonaws.com/prod/' } }, ...custom } });

describe('connection', () => {
  it('shows the Mailbox only when the local runtime serves it from this machine', () => {
    expect(connectionFrom(outputs({})).hasMailbox).toBe(false);
    expect(connectionFrom(outputs({ localMailbox: 'http://127.0.0.1:4010/_local/outbox' })).hasMailbox).toBe(true);
    expect(connectionFrom(outputs({ localMailbox: 'https://mail.example.com/outbox' })).hasMailbox).toBe(false);
    expect(connectionFrom(outputs({ localMailbox: 'not a url' })).hasMailbox).toBe(false);
    expect(connectionFrom(null)).toMatchObject({ connected: false, hasMailbox: false });
  });
});

/**
 * amplify_outputs.json as `ampx generate outputs` writes it for a deployed branch (as
 * e2e/cloud-outputs.ts makes it): the user pool, and the identity pool `defineAuth` adds (issue 20).
 */
const AUTH = {
  user_pool_id: 'us-east-1_AbCdEfGhI',
  aws_region: 'us-east-1',
  user_pool_client_id: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
  identity_pool_id: 'us-east-1:0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0',
  mfa_methods: [],
  standard_required_attributes: ['email'],
  username_attributes: ['email'],
  user_verification_types: ['email'],
  groups: [{ ADMINS: { precedence: 0 } }],
  mfa_configuration: 'NONE',
  password_policy: { min_length: 8, require_lowercase: true, require_numbers: true, require_symbols: true, require_uppercase: true },
  unauthenticated_identities_enabled: false,
};
const CLOUD_OUTPUTS: AmplifyOutputs = {
  auth: AUTH,
  version: '1.5',
  custom: {
    API: { [API_NAME]: { endpoint: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/', region: 'us-east-1', apiName: API_NAME } },
    storefrontUrl: 'https://d111111abcdef8.cloudfront.net',
  },
};

const base64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** An (unsigned) JWT: Amplify only decodes the tokens it stores. */
const jwt = (claims: Record<string, unknown>) => `${base64url('{"alg":"none"}')}.${base64url(JSON.stringify(claims))}.signature`;

/** A signed-in customer's session, where Amplify keeps it after a sign-in. */
async function storeSignedInSession(): Promise<string> {
  const prefix = `CognitoIdentityServiceProvider.${AUTH.user_pool_client_id}`;
  const username = 'customer-sub';
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const claims = { sub: username, iss: `https://cognito-idp.us-east-1.amazonaws.com/${AUTH.user_pool_id}`, exp };
  const idToken = jwt({ ...claims, token_use: 'id', email: 'customer@example.com', name: 'Ada' });
  await defaultStorage.setItem(`${prefix}.LastAuthUser`, username);
  await defaultStorage.setItem(`${prefix}.${username}.accessToken`, jwt({ ...claims, token_use: 'access' }));
  await defaultStorage.setItem(`${prefix}.${username}.idToken`, idToken);
  await defaultStorage.setItem(`${prefix}.${username}.refreshToken`, 'refresh-token');
  return idToken;
}

describe('Amplify configured from the cloud outputs (issue 20)', () => {
  /** The hosts Amplify sends requests to; each request fails, as one the CloudFront CSP blocks does. */
  let requestedHosts: string[];
  beforeEach(() => {
    requestedHosts = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: string | URL | Request) => {
        requestedHosts.push(new URL(input instanceof Request ? input.url : input).hostname);
        throw new TypeError('Failed to fetch');
      }),
    );
  });
  afterEach(async () => {
    vi.unstubAllGlobals();
    await defaultStorage.clear();
  });

  it('signs in with the user pool only: no identity pool, and no call to cognito-identity for a signed-in session', async () => {
    configureAmplify(CLOUD_OUTPUTS);
    const cognito = Amplify.getConfig().Auth?.Cognito;
    expect(cognito).toMatchObject({ userPoolId: AUTH.user_pool_id, userPoolClientId: AUTH.user_pool_client_id });
    expect(cognito).not.toHaveProperty('identityPoolId');
    expect(cognito).not.toHaveProperty('allowGuestAccess');

    const idToken = await storeSignedInSession();
    const session = await fetchAuthSession();
    expect(session.tokens?.idToken?.toString()).toBe(idToken);
    expect(session.credentials).toBeUndefined();
    expect(await getIdToken()).toBe(idToken);
    expect(requestedHosts.filter((host) => host.startsWith('cognito-identity.'))).toEqual([]);
  });

  it('(the bug) configured with the outputs as they are, Amplify asks cognito-identity and the session read fails', async () => {
    Amplify.configure(CLOUD_OUTPUTS as Parameters<typeof Amplify.configure>[0]);
    await storeSignedInSession();
    await expect(fetchAuthSession()).rejects.toThrow();
    expect(requestedHosts).toContain('cognito-identity.us-east-1.amazonaws.com');
  });
});
