/**
 * Deployment settings read at synthesis time, from CDK context or environment variables, so they
 * work the same for `npx ampx sandbox`, branch deployments (Amplify console environment variables)
 * and `npm run synth`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'constructs';
import * as v from 'valibot';
import { emailSchema } from '../domain/order.ts';
import type { StorefrontDomain } from './storefront.ts';

/** The context keys `defineBackend()` requires (Amplify's backend namespace, name and type). */
export const AMPLIFY_CONTEXT = {
  namespace: 'amplify-backend-namespace',
  name: 'amplify-backend-name',
  type: 'amplify-backend-type',
} as const;

const DEPLOYMENT_TYPES = ['sandbox', 'branch', 'standalone'] as const;
export type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];

/** CDK context for an offline synthesis (no AWS account): a sandbox, with cycle detection on. */
export function offlineSynthContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [AMPLIFY_CONTEXT.namespace]: 'orderplatform',
    [AMPLIFY_CONTEXT.name]: 'offline',
    [AMPLIFY_CONTEXT.type]: 'sandbox',
    // A circular nested-stack dependency fails synthesis instead of being a warning (F3004).
    '@aws-cdk/core:validateAgainstDefaultRules': true,
    ...overrides,
  };
}

/** Names of the settings: `<context key>` / `<environment variable>`. */
export const SETTINGS = {
  notificationEmail: { context: 'notificationEmail', env: 'NOTIFICATION_EMAIL' },
  storefrontDomainName: { context: 'storefrontDomainName', env: 'STOREFRONT_DOMAIN_NAME' },
  storefrontCertificateArn: { context: 'storefrontCertificateArn', env: 'STOREFRONT_CERTIFICATE_ARN' },
} as const;

export interface DeploySettings {
  readonly deploymentType: DeploymentType;
  readonly notificationEmail?: string;
  readonly storefrontDomain?: StorefrontDomain;
  readonly storefrontDir?: string;
}

function read(node: Node, setting: { context: string; env: string }): string | undefined {
  const fromContext: unknown = node.tryGetContext(setting.context);
  const value = typeof fromContext === 'string' ? fromContext : process.env[setting.env];
  return value?.trim() || undefined;
}

/**
 * Reads the settings. `projectRoot` is where `dist/` (the Vite build) is looked for: it is deployed
 * only when `dist/index.html` exists, so a synthesis never requires a built storefront.
 */
export function readDeploySettings(node: Node, projectRoot: string): DeploySettings {
  const type: unknown = node.tryGetContext(AMPLIFY_CONTEXT.type);
  if (!v.is(v.picklist(DEPLOYMENT_TYPES), type)) {
    throw new Error(`${AMPLIFY_CONTEXT.type} must be one of ${DEPLOYMENT_TYPES.join(', ')}: ${String(type)}`);
  }
  const notificationEmail = read(node, SETTINGS.notificationEmail);
  if (notificationEmail !== undefined && !v.is(emailSchema, notificationEmail)) {
    throw new Error(`${SETTINGS.notificationEmail.env} is not an e-mail address: ${notificationEmail}`);
  }
  const domainName = read(node, SETTINGS.storefrontDomainName);
  const certificateArn = read(node, SETTINGS.storefrontCertificateArn);
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error(
      `Set both ${SETTINGS.storefrontDomainName.env} and ${SETTINGS.storefrontCertificateArn.env}, or neither`,
    );
  }
  const dist = join(projectRoot, 'dist');
  return {
    deploymentType: type,
    notificationEmail,
    storefrontDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    storefrontDir: existsSync(join(dist, 'index.html')) ? dist : undefined,
  };
}
