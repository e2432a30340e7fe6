/**
 * The shape of `amplify_outputs.json` as this project writes and reads it: written by the cloud
 * (`amplify/cloud/storefront.ts`, and Amplify's own `auth` block) and by the local runtime
 * (`local/stack/stack.ts`), read by the storefront (`src/lib/config.ts`).
 */
export const OUTPUTS_VERSION = '1.4';

/** Where the storefront expects its runtime configuration, next to index.html. */
export const RUNTIME_OUTPUTS_FILE = 'amplify_outputs.json';

export interface RestEndpoint {
  endpoint: string;
  region?: string;
  apiName?: string;
}

/** The Cognito user pool the storefront signs in with (Amplify's `auth` block). */
export interface AuthOutputs {
  aws_region?: string;
  user_pool_id?: string;
  user_pool_client_id?: string;
  username_attributes?: string[];
  user_verification_types?: string[];
  [key: string]: unknown;
}

/** Amplify JS 6's `custom.events` block (aws-amplify/data `events`). */
export interface EventsOutputs {
  url: string;
  aws_region: string;
  default_authorization_type: 'AMAZON_COGNITO_USER_POOLS';
}

export interface CustomOutputs {
  /** The REST APIs by name (`API_NAME` is the orders API). */
  API?: Record<string, RestEndpoint>;
  /** In the cloud: the storefront's URL. */
  storefrontUrl?: string;
  /** Only in local mode: the URL of the local outbox (e-mails the pipeline "sent"). */
  localMailbox?: string;
  /**
   * Live order status (issue 26): the AppSync Events API, as Amplify JS's `events` reads it
   * (`https://<api>/event` in the cloud, `ws://127.0.0.1:<port>/event` locally; it appends `/realtime`).
   */
  events?: EventsOutputs;
  /** Only in local mode: the local Cognito user pool (cognito-local). */
  local?: { userPoolEndpoint?: string };
}

export interface AmplifyOutputs {
  version: string;
  custom?: CustomOutputs;
  auth?: AuthOutputs;
  [key: string]: unknown;
}
