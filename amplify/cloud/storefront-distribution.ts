/**
 * The storefront's CloudFront distribution: its files from the private bucket, the catalog cached
 * at the edge, the rest of the API (`/<stage>/*`, API Gateway as a second origin) uncached.
 */
import { Aws } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ROUTES } from '../domain/api.ts';
import { API_STAGE } from './orders-api.ts';
import { STOREFRONT_CACHING } from './storefront-buckets.ts';
import { accountGlobalName, PAGE_FALLBACK_FUNCTION, VIEWER_IP_FUNCTION } from './storefront-edge.ts';
import type { StorefrontHostingProps } from './storefront.ts';

export interface StorefrontDistributionProps extends Pick<StorefrontHostingProps, 'api' | 'storefrontDomain' | 'viewerIpForWaf'> {
  readonly siteBucket: s3.Bucket;
  readonly securityHeaders: cloudfront.ResponseHeadersPolicy;
  /** Branches only: CloudFront's access logs go here. */
  readonly logBucket?: s3.Bucket;
}

/** The storefront's files from the bucket, with the page fallback on every address but the hashed bundles'. */
function siteBehaviors(scope: Construct, props: StorefrontDistributionProps) {
  const origin = origins.S3BucketOrigin.withOriginAccessControl(props.siteBucket, {
    originAccessControl: new cloudfront.S3OriginAccessControl(scope, 'OriginAccessControl', {
      originAccessControlName: accountGlobalName(scope, 64),
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    }),
  });
  const pageFallback = new cloudfront.Function(scope, 'PageFallback', {
    functionName: accountGlobalName(scope, 64),
    comment: 'Storefront page addresses to index.html',
    code: cloudfront.FunctionCode.fromInline(PAGE_FALLBACK_FUNCTION),
    runtime: cloudfront.FunctionRuntime.JS_2_0,
  });
  /** The storefront's files from the bucket, cached as their Cache-Control says. */
  const files: cloudfront.BehaviorOptions = {
    origin,
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
    cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
    responseHeadersPolicy: props.securityHeaders,
    compress: true,
  };
  return { files, pages: { ...files, functionAssociations: [{ function: pageFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] } };
}

/** The API's two behaviors: the catalog (cached at the edge) and everything else under `/<stage>/` (uncached). */
function apiBehaviors(scope: Construct, props: StorefrontDistributionProps): Record<string, cloudfront.BehaviorOptions> {
  // Only with WAF: a function is one of the account's 100 and $0.10 per million API requests. Its
  // name comes from a scope of its own (`Api`), apart from the page fallback's (the storefront's).
  const viewerIp = props.viewerIpForWaf
    ? new cloudfront.Function(scope, 'ApiViewerIp', {
        functionName: accountGlobalName(new Construct(scope, 'Api'), 64),
        comment: "The viewer's address for the API's WAF rule",
        code: cloudfront.FunctionCode.fromInline(VIEWER_IP_FUNCTION),
        runtime: cloudfront.FunctionRuntime.JS_2_0,
      })
    : undefined;
  /** API Gateway's own host (its stage is the path's first segment). */
  const origin = new origins.HttpOrigin(`${props.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
    protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
  });
  return {
    // The catalog with its stock (`GET /products`, public, the same for everyone): cached at the
    // edge as its Cache-Control says (`s-maxage`, STOCK.catalogCacheSeconds), so the storefront's
    // one read per visit is not an API request per visit. No viewer header is forwarded (the
    // cache key is the path alone; Host is API Gateway's). Before `/<stage>/*`: the first match wins.
    [`/${API_STAGE.name}${ROUTES.products}`]: {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: props.securityHeaders,
    },
    // The API (`/<stage>/...` is API Gateway's own path): every method, nothing cached, every
    // viewer header but Host (which must name API Gateway's host), Authorization included
    // (allowed when caching is off). HTTPS only: a redirect would turn a POST into a GET.
    [`/${API_STAGE.name}/*`]: {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: props.securityHeaders,
      ...(viewerIp ? { functionAssociations: [{ function: viewerIp, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] } : {}),
    },
  };
}

/** The distribution, in `scope` (the storefront): the storefront's files from the bucket, the catalog cached at the edge, the API uncached. */
export function storefrontDistribution(scope: Construct, props: StorefrontDistributionProps): cloudfront.Distribution {
  const domain = props.storefrontDomain;
  const certificate = domain ? acm.Certificate.fromCertificateArn(scope, 'StorefrontCertificate', domain.certificateArn) : undefined;
  const site = siteBehaviors(scope, props);
  const api = apiBehaviors(scope, props);
  return new cloudfront.Distribution(scope, 'StorefrontCdn', {
    comment: 'Order storefront',
    defaultBehavior: site.pages,
    // Hashed bundles: files only, no page fallback to run. The API's behaviors after them.
    additionalBehaviors: { [STOREFRONT_CACHING.hashedAssets.include]: site.files, ...api },
    defaultRootObject: 'index.html',
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    ...(props.logBucket ? { enableLogging: true, logBucket: props.logBucket, logFilePrefix: 'cloudfront/' } : {}),
    ...(certificate && domain
      ? { certificate, domainNames: [domain.domainName], minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
      : {}),
  });
}
