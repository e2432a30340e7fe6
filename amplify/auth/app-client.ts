/**
 * The user pool and the storefront's app client, set explicitly where Amplify's defaults would
 * decide for us:
 * - Sign-in flows: Amplify Gen 2's default allows SRP, custom auth and refresh; the storefront signs
 *   in with `SIGN_IN_FLOW` (USER_PASSWORD_AUTH) in the cloud as it does locally, where cognito-local
 *   has no SRP: one flow, tested end to end. The password travels only over TLS to Cognito. SRP
 *   stays allowed for other clients.
 * - Token lifetimes (`TOKEN_LIFETIMES`), and no OAuth: the storefront uses no hosted UI, so the
 *   leftover authorization-code flow and its placeholder callback (`https://example.com`) are gone.
 * - The feature plan (`USER_POOL_PLAN`), billed per monthly active user.
 * - What a customer may write about themselves (`CLIENT_WRITE_ATTRIBUTES`: never `email_verified`),
 *   the password policy, an e-mail change that waits for its code (the old address stays active),
 *   and answers that do not tell which accounts exist. The local pool's guard applies the same
 *   (local/cognito/cognito-guard.ts; tests/helpers/account-scenarios.ts runs each against both).
 * - Accounts survive the stack: a branch's pool has deletion protection and is retained, so
 *   deleting the branch, or a change Cognito can only make by replacing the pool, never deletes
 *   every customer's account (the retained orders belong to their `sub`s). Sandboxes delete theirs.
 * - E-mail (codes, password resets) through SES from `MAIL_FROM` when the deployment has a verified
 *   identity for it (docs/cloud.md, "Customer e-mail"), so the default sender's 50 a day per account
 *   never stops sign-ups. This is what `defineAuth`'s `senders.email` sets (`EmailSendingAccount:
 *   DEVELOPER`), set here because MAIL_FROM is a deploy setting (CDK context or environment) and
 *   the source must name the domain identity, where `senders.email` names the address's.
 * - The identity pool Amplify adds hands out no guest credentials; the storefront configures Amplify
 *   without it (src/lib/config.ts), so Amplify's credentials provider asks AWS for nothing.
 */
import type { BackendAuth } from '@aws-amplify/backend-auth';
import { RemovalPolicy } from 'aws-cdk-lib';
import { domainIdentityArn } from '../cloud/mail.ts';
import type { MailSettings } from '../cloud/settings.ts';
import { CLIENT_WRITE_ATTRIBUTES, PASSWORD_POLICY, SIGN_IN_FLOW, TOKEN_LIFETIMES, VERIFY_BEFORE_UPDATE } from '../domain/auth.ts';

export const APP_CLIENT_AUTH_FLOWS = [`ALLOW_${SIGN_IN_FLOW}`, 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

/**
 * Cognito's cheapest plan (Lite: $0.0055 per monthly active user beyond the free 10,000; Essentials,
 * the default for a new pool, is $0.015; Plus $0.02). Lite has what the store uses: e-mail
 * sign-up with a code, passwords, TOTP MFA, groups, custom attributes. It rules out choice-based
 * sign-in (passkeys, e-mail or SMS one-time codes), access-token customization, managed login
 * branding and e-mail MFA (Essentials), and threat protection (Plus).
 */
export const USER_POOL_PLAN = 'LITE';

export interface AuthOptions {
  /** Keep the pool (and protect it from deletion) when the stack is deleted or it would be replaced. */
  readonly retainAccounts: boolean;
  /** The store's sender (`MAIL_FROM`); Cognito uses it when `cognitoThroughSes`. */
  readonly mail?: MailSettings;
}

export function configureAuth(auth: Pick<BackendAuth, 'resources'>, options: AuthOptions): void {
  const { cfnUserPool, cfnUserPoolClient, cfnIdentityPool } = auth.resources.cfnResources;
  cfnUserPool.userPoolTier = USER_POOL_PLAN;
  const { mail } = options;
  if (mail?.cognitoThroughSes) {
    cfnUserPool.emailConfiguration = {
      emailSendingAccount: 'DEVELOPER',
      from: mail.from,
      sourceArn: mail.identityArn ?? domainIdentityArn(cfnUserPool, mail.domain),
    };
  }
  cfnUserPool.policies = {
    passwordPolicy: {
      minimumLength: PASSWORD_POLICY.min_length,
      requireLowercase: PASSWORD_POLICY.require_lowercase,
      requireUppercase: PASSWORD_POLICY.require_uppercase,
      requireNumbers: PASSWORD_POLICY.require_numbers,
      requireSymbols: PASSWORD_POLICY.require_symbols,
    },
  };
  cfnUserPool.userAttributeUpdateSettings = { attributesRequireVerificationBeforeUpdate: [...VERIFY_BEFORE_UPDATE] };
  if (options.retainAccounts) {
    cfnUserPool.deletionProtection = 'ACTIVE';
    cfnUserPool.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  cfnUserPoolClient.explicitAuthFlows = APP_CLIENT_AUTH_FLOWS;
  cfnUserPoolClient.idTokenValidity = TOKEN_LIFETIMES.idTokenMinutes;
  cfnUserPoolClient.accessTokenValidity = TOKEN_LIFETIMES.accessTokenMinutes;
  cfnUserPoolClient.refreshTokenValidity = TOKEN_LIFETIMES.refreshTokenDays;
  cfnUserPoolClient.tokenValidityUnits = { idToken: 'minutes', accessToken: 'minutes', refreshToken: 'days' };
  cfnUserPoolClient.enableTokenRevocation = true;
  cfnUserPoolClient.writeAttributes = [...CLIENT_WRITE_ATTRIBUTES];
  cfnUserPoolClient.preventUserExistenceErrors = 'ENABLED';
  cfnUserPoolClient.allowedOAuthFlowsUserPoolClient = false;
  cfnUserPoolClient.allowedOAuthFlows = undefined;
  cfnUserPoolClient.allowedOAuthScopes = undefined;
  cfnUserPoolClient.callbackUrLs = undefined;
  cfnUserPoolClient.logoutUrLs = undefined;

  // The store uses no AWS credentials in the browser: no guest identities from the identity pool.
  cfnIdentityPool.allowUnauthenticatedIdentities = false;
}
