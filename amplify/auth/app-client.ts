/**
 * The storefront's app client. Amplify Gen 2's default allows SRP, custom auth and refresh; the
 * storefront signs in with `SIGN_IN_FLOW` (USER_PASSWORD_AUTH) in the cloud as it does locally,
 * where cognito-local has no SRP: one flow, tested end to end. The password travels only over TLS
 * to Cognito. SRP stays allowed for other clients.
 * The identity pool Amplify adds hands out no guest credentials (the storefront needs none).
 */
import type { BackendAuth } from '@aws-amplify/backend-auth';
import { SIGN_IN_FLOW } from '../domain/auth.ts';

export const APP_CLIENT_AUTH_FLOWS = [`ALLOW_${SIGN_IN_FLOW}`, 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

export function configureAppClient(auth: Pick<BackendAuth, 'resources'>): void {
  auth.resources.cfnResources.cfnUserPoolClient.explicitAuthFlows = APP_CLIENT_AUTH_FLOWS;
  // The store uses no AWS credentials in the browser: no guest identities from the identity pool.
  auth.resources.cfnResources.cfnIdentityPool.allowUnauthenticatedIdentities = false;
}
