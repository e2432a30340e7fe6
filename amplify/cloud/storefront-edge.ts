/**
 * What the storefront's distribution runs at the edge: its viewer-request functions' code, the
 * security headers of every answer (the CSP among them), and names for CloudFront's resources,
 * which are global to the account.
 */
import { Aws, Duration, Names } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { VIEWER_IP_HEADER } from '../server/settings/api.ts';

/**
 * A viewer-request CloudFront Function on the storefront's files: a path without a file extension
 * (a mistyped or hand-made page address; the storefront routes in the URL's fragment, `/#/...`,
 * so every link it makes is `/`) gets index.html, whose router shows its own not-found page,
 * instead of S3's XML AccessDenied. It is a function, not the distribution's error responses,
 * because those would apply to the API's answers too (a 404 "order not found" became index.html).
 */
export const PAGE_FALLBACK_FUNCTION = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) request.uri = '/index.html';
  return request;
}`;

/**
 * A viewer-request CloudFront Function on the API's behavior: the viewer's address in
 * `VIEWER_IP_HEADER`, replacing any the client sent, so the API's WAF rule counts shoppers, not
 * the edge addresses they share (waf.ts).
 */
export const VIEWER_IP_FUNCTION = `function handler(event) {
  var request = event.request;
  request.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip };
  return request;
}`;

/**
 * A name for a CloudFront resource whose names are global to the account (not per region): this
 * construct's unique name (from its path, which holds the deployment's root stack) and the region,
 * within `maxLength` (the longest region name is 14 characters).
 */
export function accountGlobalName(scope: Construct, maxLength: number): string {
  return `${Names.uniqueResourceName(scope, { maxLength: maxLength - 15 })}-${Aws.REGION}`;
}

/**
 * The security headers of every answer, in `scope` (the storefront), the page allowed to connect to
 * its own origin, Cognito and `connectSources` (live order status's hosts).
 */
export function securityHeadersPolicy(scope: Construct, connectSources: readonly string[]): cloudfront.ResponseHeadersPolicy {
  // One custom policy per deployment, against CloudFront's quota of 20 per account (docs/cloud.md,
  // "First deployment"). No X-XSS-Protection: browsers dropped the filter it controlled, and
  // `1; mode=block` could be abused where one remained; the CSP is the protection. HSTS without
  // `preload`: joining the browsers' preload list is the domain owner's decision, for every
  // subdomain, and cannot be undone quickly; on *.cloudfront.net it means nothing.
  return new cloudfront.ResponseHeadersPolicy(scope, 'SecurityHeaders', {
    responseHeadersPolicyName: accountGlobalName(scope, 128),
    comment: 'Order storefront security headers',
    securityHeadersBehavior: {
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: false, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      contentSecurityPolicy: {
        contentSecurityPolicy: [
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data:",
          "font-src 'self' data:",
          // The API is on this origin (`/<stage>/`); Cognito for sign-in (the storefront talks to
          // the user pool directly), and live order status's AppSync Events API (its HTTP and
          // real-time hosts).
          [`connect-src 'self' https://cognito-idp.${Aws.REGION}.amazonaws.com`, ...connectSources].join(' '),
          "object-src 'none'",
          "base-uri 'self'",
          "form-action 'self'",
          "frame-ancestors 'none'",
        ].join('; '),
        override: true,
      },
    },
  });
}
