/**
 * Connects the storefront to its backend from `amplify_outputs.json` (see vite.config.ts).
 * Every API call goes through the REST client of `aws-amplify/api`; this file only configures it.
 */
import { Amplify } from 'aws-amplify';
import { API_NAME, AUTH_TOKEN_HEADER } from '../../amplify/domain/api.ts';
import { getIdToken, watchAccount } from '../auth/account.ts';

import type { AmplifyOutputs } from '../../amplify/domain/outputs.ts';

export type { AmplifyOutputs };

/** Name under which the local outbox is registered as a second REST API. */
export const MAILBOX_API_NAME = 'localMailbox';

export interface Connection {
  /** False when the build had no outputs file or it names no orders API. */
  connected: boolean;
  /** True in local mode, where the Mailbox page is available. */
  hasMailbox: boolean;
  /** Whether the endpoint URL ends in `/` (API Gateway's does), to join paths without `//`. */
  endpointEndsWithSlash: boolean;
  mailboxEndpoint?: string;
}

/** The local outbox is served by `npm start` on this machine only: a cloud build never shows it. */
function isLocalUrl(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function connectionFrom(outputs: AmplifyOutputs | null): Connection {
  const api = outputs?.custom?.API?.[API_NAME];
  const localMailbox = outputs?.custom?.localMailbox;
  const mailbox = typeof localMailbox === 'string' && isLocalUrl(localMailbox) ? localMailbox : undefined;
  return {
    connected: typeof api?.endpoint === 'string' && api.endpoint.length > 0,
    hasMailbox: typeof mailbox === 'string' && mailbox.length > 0,
    endpointEndsWithSlash: api?.endpoint.endsWith('/') ?? false,
    ...(mailbox ? { mailboxEndpoint: mailbox } : {}),
  };
}

let connection: Connection = connectionFrom(null);

export function getConnection(): Connection {
  return connection;
}

/**
 * Every REST call carries the signed-in account's ID token in `Authorization` (as Amplify's REST
 * docs do for a Cognito user pool authorizer); a guest's calls carry none.
 */
const libraryOptions = {
  API: {
    REST: {
      headers: async ({ apiName }: { apiName: string }): Promise<Record<string, string>> => {
        if (apiName !== API_NAME) return {}; // the local mailbox is no part of the API
        const token = await getIdToken();
        return token ? { [AUTH_TOKEN_HEADER]: token } : {};
      },
    },
  },
};

/**
 * The outputs without the identity pool that Amplify Gen 2's `defineAuth` adds and
 * `ampx generate outputs` writes (`identity_pool_id`). With it, Amplify's default credentials
 * provider asks cognito-identity for AWS credentials on every `fetchAuthSession()`, which the
 * CloudFront CSP (connect-src) does not allow: the session read fails, no ID token, and signed-in
 * users look signed out (issue 20). The storefront needs no AWS credentials (the API takes the ID
 * token), so it signs in with user pool tokens only; with no identity pool, the provider asks nothing.
 */
function withoutIdentityPool(outputs: AmplifyOutputs): AmplifyOutputs {
  if (!outputs.auth) return outputs;
  const { identity_pool_id, unauthenticated_identities_enabled, ...userPool } = outputs.auth;
  return { ...outputs, auth: userPool };
}

/**
 * `Amplify.configure(outputs)` (user pool only), then the REST APIs of `custom.API` (plus the
 * local outbox) and, locally, the user pool's endpoint (amplify_outputs.json has no field for it).
 */
export function configureAmplify(outputs: AmplifyOutputs | null): Connection {
  connection = connectionFrom(outputs);
  if (!outputs || !connection.connected) return connection;
  Amplify.configure(withoutIdentityPool(outputs) as Parameters<typeof Amplify.configure>[0], libraryOptions);
  const rest: Record<string, { endpoint: string; region?: string }> = {};
  for (const [name, api] of Object.entries(outputs.custom?.API ?? {})) {
    rest[name] = { endpoint: api.endpoint, ...(api.region ? { region: api.region } : {}) };
  }
  if (connection.mailboxEndpoint) rest[MAILBOX_API_NAME] = { endpoint: connection.mailboxEndpoint };
  const config = Amplify.getConfig();
  const userPoolEndpoint = outputs.custom?.local?.userPoolEndpoint;
  const auth = config.Auth?.Cognito && userPoolEndpoint ? { Auth: { ...config.Auth, Cognito: { ...config.Auth.Cognito, userPoolEndpoint } } } : {};
  // `API.Events` (live order status, from `custom.events`) stays as the outputs configured it.
  Amplify.configure({ ...config, ...auth, API: { ...config.API, REST: rest } } as Parameters<typeof Amplify.configure>[0], libraryOptions);
  watchAccount(Boolean(config.Auth?.Cognito));
  return connection;
}
