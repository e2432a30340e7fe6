/**
 * The response headers CloudFront adds to every storefront response, as the deployed stack defines
 * them: `StorefrontHosting` (amplify/cloud/storefront.ts) is synthesized in a bare CDK stack (a
 * dummy API and user pool, no Amplify; a few seconds) and its `AWS::CloudFront::ResponseHeadersPolicy`
 * is rendered into HTTP headers, values verbatim, with the stack's region filled in. A setting this
 * module cannot render fails loudly rather than being served differently from CloudFront.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { StorefrontHosting } from '../amplify/cloud/storefront.ts';

type Json = any;

/**
 * The `ResponseHeadersPolicyConfig` of the storefront's policy, with CloudFormation intrinsics
 * unresolved. CDK stages the assembly and the deployment's assets in the temp folder and remembers
 * that folder for the life of the process, so the synthesis runs in a child process whose temp
 * folder is one of ours, removed after.
 */
export async function synthesizeStorefrontHeadersPolicy(): Promise<Json> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'storefront-synth-'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, TMPDIR: scratch },
    });
    return JSON.parse(stdout);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The child process: synthesizes the construct and prints its response headers policy. */
function printStorefrontHeadersPolicy(): void {
  const stack = new Stack(new App(), 'StorefrontHeaders');
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('GET', new apigw.MockIntegration());
  const userPool = new cognito.UserPool(stack, 'UserPool');
  new StorefrontHosting(stack, 'Storefront', { api, auth: { userPool, userPoolClient: userPool.addClient('Client') }, retainData: false, viewerIpForWaf: true });
  const [policy, ...others] = Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  if (!policy || others.length > 0) throw new Error(`Expected one response headers policy, found ${others.length + (policy ? 1 : 0)}`);
  process.stdout.write(JSON.stringify(policy.Properties.ResponseHeadersPolicyConfig));
}

/** A CloudFormation value with the pseudo parameters a region-agnostic stack leaves in it. */
function resolve(value: Json, region: string): string {
  if (typeof value === 'string') return value;
  if (value?.Ref === 'AWS::Region') return region;
  if (value?.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (Array.isArray(value?.['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map((part) => resolve(part, region)).join(separator);
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
}

/** One header per setting of `SecurityHeadersConfig`, in CloudFront's format. */
const SECURITY_HEADERS: Record<string, (setting: Json, region: string) => [string, string]> = {
  ContentSecurityPolicy: (s, region) => ['Content-Security-Policy', resolve(s.ContentSecurityPolicy, region)],
  ContentTypeOptions: () => ['X-Content-Type-Options', 'nosniff'],
  FrameOptions: (s) => ['X-Frame-Options', s.FrameOption],
  ReferrerPolicy: (s) => ['Referrer-Policy', s.ReferrerPolicy],
  StrictTransportSecurity: (s) => [
    'Strict-Transport-Security',
    [`max-age=${s.AccessControlMaxAgeSec}`, s.IncludeSubdomains && 'includeSubDomains', s.Preload && 'preload'].filter(Boolean).join('; '),
  ],
  XSSProtection: (s, region) => [
    'X-XSS-Protection',
    s.Protection ? ['1', s.ModeBlock && 'mode=block', s.ReportUri && `report=${resolve(s.ReportUri, region)}`].filter(Boolean).join('; ') : '0',
  ],
};

/** The headers of a `ResponseHeadersPolicyConfig`: its security headers and custom headers. */
export function renderResponseHeaders(policy: Json, region: string): Record<string, string> {
  // Name and Comment label the policy; anything else left is a setting not rendered here.
  const { SecurityHeadersConfig: security = {}, CustomHeadersConfig: custom, Name, Comment, ...unrendered } = policy;
  if (Object.keys(unrendered).length > 0) throw new Error(`Response headers policy settings not rendered: ${Object.keys(unrendered).join(', ')}`);
  const headers: Record<string, string> = {};
  for (const [setting, value] of Object.entries(security)) {
    const render = SECURITY_HEADERS[setting];
    if (!render) throw new Error(`Security header setting not rendered: ${setting}`);
    const [name, headerValue] = render(value, region);
    headers[name] = headerValue;
  }
  for (const item of custom?.Items ?? []) headers[item.Header] = resolve(item.Value, region);
  return headers;
}

/** The headers CloudFront adds to the storefront's responses in `region`. */
export async function storefrontResponseHeaders(region: string): Promise<Record<string, string>> {
  return renderResponseHeaders(await synthesizeStorefrontHeadersPolicy(), region);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) printStorefrontHeadersPolicy();
