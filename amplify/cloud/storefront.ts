/**
 * The storefront hosting box: the built storefront in a private S3 bucket behind CloudFront, with
 * its runtime configuration (`amplify_outputs.json`, the API's deploy-time URL) deployed beside
 * it, each kind of file with its own caching (`STOREFRONT_CACHING`), security headers, and access
 * logs for branches. The API is served by the same distribution under `/<stage>/` (API Gateway as
 * a second origin, nothing cached): the storefront calls it on its own origin, so a browser sends
 * no CORS preflight (an OPTIONS request API Gateway bills) before its orders' requests.
 */
import { Aws, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { API_NAME, ROUTES } from '../domain/api.ts';
import { API_STAGE } from './orders-api.ts';
import { OUTPUTS_VERSION, RUNTIME_OUTPUTS_FILE, type AmplifyOutputs, type CustomOutputs, type EventsOutputs } from '../domain/outputs.ts';
import { scopeInvalidationToDistribution } from './invalidation.ts';
import { VIEWER_IP_HEADER } from '../server/settings.ts';

/** The `custom` block of amplify_outputs.json the cloud adds (Amplify adds `auth` itself). */
export type CloudClientOutputs = { custom: Required<Pick<CustomOutputs, 'API' | 'storefrontUrl'>> & Pick<CustomOutputs, 'events'> };

export interface StorefrontDomain {
  /** e.g. `shop.example.com` (a DNS CNAME to the distribution is yours to create). */
  readonly domainName: string;
  /** ACM certificate in us-east-1 covering `domainName`. */
  readonly certificateArn: string;
}

export interface StorefrontHostingProps {
  /** The orders API the storefront calls (its URL goes into the runtime configuration). */
  readonly api: apigw.RestApi;
  readonly auth: { readonly userPool: cognito.IUserPool; readonly userPoolClient: cognito.IUserPoolClient };
  /** Folder of the built storefront (`dist/`); omitted when it has not been built. */
  readonly storefrontDir?: string;
  /** Custom domain (enables a TLS 1.2+ security policy, impossible on the default certificate). */
  readonly storefrontDomain?: StorefrontDomain;
  /**
   * Branch deployments keep access logs (90 days) in a bucket retained with the stack. Sandboxes
   * log nothing: a log bucket keeps receiving logs for hours after its stack stops using it, so it
   * cannot be deleted with the stack (aws-cdk#21776), and each deleted sandbox would leave one.
   */
  readonly retainData: boolean;
  /** Live order status (AppSync Events): its `custom.events` outputs and the hosts the page connects to (CSP). */
  readonly liveUpdates?: { readonly outputs: EventsOutputs; readonly connectSources: readonly string[] };
  /** The API has a WAF web ACL: the API's behavior writes the viewer's address for its rule (`VIEWER_IP_FUNCTION`). */
  readonly viewerIpForWaf: boolean;
}

/**
 * Cache-Control of each kind of file the storefront deploys: what browsers and CloudFront keep.
 * CloudFront's CachingOptimized policy follows it (`s-maxage` for the edge, `max-age` for
 * browsers); a deployment invalidates every cached path at the edge once its files are in place.
 */
export const STOREFRONT_CACHING = {
  /** Vite's bundles under `assets/`: a file's name is the hash of its content, so it never changes. */
  hashedAssets: { include: 'assets/*', cacheControl: 'public, max-age=31536000, immutable' },
  /**
   * The page and its runtime configuration: a browser asks again on every load (a 304 when nothing
   * changed), so an open tab meets a new deployment at its next load and never a page naming bundles
   * it cannot find; the edge keeps them until the next deployment's invalidation.
   */
  pages: { files: ['index.html', RUNTIME_OUTPUTS_FILE], cacheControl: 'public, max-age=0, must-revalidate, s-maxage=31536000' },
  /** Everything else (product pictures, the icon): names without a hash, so a day. */
  otherFiles: { cacheControl: 'public, max-age=86400' },
} as const;

/** The API's base URL on the storefront's own origin (the distribution's `/<stage>/*` behavior). */
export function storefrontApiEndpoint(storefrontUrl: string): string {
  return `${storefrontUrl}/${API_STAGE.name}/`;
}

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
function accountGlobalName(scope: Construct, maxLength: number): string {
  return `${Names.uniqueResourceName(scope, { maxLength: maxLength - 15 })}-${Aws.REGION}`;
}

export class StorefrontHosting extends Construct {
  /** Branches only (see `retainData`). */
  readonly accessLogBucket?: s3.Bucket;
  readonly siteBucket: s3.Bucket;
  readonly securityHeaders: cloudfront.ResponseHeadersPolicy;
  readonly distribution: cloudfront.Distribution;
  /** The last deployment: the pages and runtime configuration, then the CloudFront invalidation. */
  readonly deployment: s3deploy.BucketDeployment;
  /** Every deployment of files, in the order they run (bundles and files before the page naming them). */
  readonly deployments: s3deploy.BucketDeployment[];
  /** True when the storefront has its own domain and certificate (TLS 1.2+ policy). */
  readonly usesCustomDomain: boolean;
  /** `https://<distribution>` (or the custom domain). */
  readonly storefrontUrl: string;
  /** What the storefront reads, the same `custom` block `backend.addOutput` puts in amplify_outputs.json. */
  readonly clientOutputs: CloudClientOutputs;

  constructor(scope: Construct, id: string, props: StorefrontHostingProps) {
    super(scope, id);
    this.accessLogBucket = props.retainData ? this.createAccessLogBucket() : undefined;
    const logBucket = this.accessLogBucket;
    this.siteBucket = new s3.Bucket(this, 'StorefrontBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      ...(logBucket ? { serverAccessLogsBucket: logBucket, serverAccessLogsPrefix: 'storefront-bucket/' } : {}),
      // The bucket only holds build output, rebuilt on every deployment.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.securityHeaders = this.createSecurityHeaders(props);
    this.distribution = this.createDistribution(props, this.securityHeaders, logBucket);
    const domain = props.storefrontDomain;
    this.usesCustomDomain = domain !== undefined;
    this.storefrontUrl = domain ? `https://${domain.domainName}` : `https://${this.distribution.distributionDomainName}`;

    const region = Stack.of(this).region;
    this.clientOutputs = {
      custom: {
        // On this distribution, not API Gateway's own host: no cross-origin request, no preflight.
        API: { [API_NAME]: { endpoint: storefrontApiEndpoint(this.storefrontUrl), region, apiName: API_NAME } },
        storefrontUrl: this.storefrontUrl,
        ...(props.liveUpdates ? { events: props.liveUpdates.outputs } : {}),
      },
    };

    // The built storefront plus its runtime configuration: `amplify_outputs.json` next to
    // index.html, with the deploy-time API endpoint, so a build never needs a deployed backend.
    const runtimeOutputs: AmplifyOutputs = {
      version: OUTPUTS_VERSION,
      auth: {
        aws_region: region,
        user_pool_id: props.auth.userPool.userPoolId,
        user_pool_client_id: props.auth.userPoolClient.userPoolClientId,
        username_attributes: ['email'],
        user_verification_types: ['email'],
      },
      ...this.clientOutputs,
    };
    this.deployments = this.deployFiles(props, runtimeOutputs);
    this.deployment = this.deployments.at(-1)!;
  }

  /** Branches only (see `retainData`): the access log bucket, retained. */
  private createAccessLogBucket(): s3.Bucket {
    // Retained: S3 and CloudFront deliver logs for hours after the stack stops using the bucket,
    // so emptying it and deleting it in the same stack deletion fails with BucketNotEmpty
    // (aws-cdk#21776) and leaves the stack DELETE_FAILED. Left behind, it empties itself
    // (lifecycle) and can be removed later (docs/cloud.md, "Deleting").
    const bucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The bucket policy too (CDK leaves it Delete), as raw overrides so no aspect changes them.
    for (const resource of [bucket.node.defaultChild, bucket.policy?.node.defaultChild]) {
      (resource as s3.CfnBucket | s3.CfnBucketPolicy).addOverride('DeletionPolicy', 'Retain');
      (resource as s3.CfnBucket | s3.CfnBucketPolicy).addOverride('UpdateReplacePolicy', 'Retain');
    }
    return bucket;
  }

  /** The security headers of every answer (one policy per deployment: CloudFront's quota of 20 per account). */
  private createSecurityHeaders(props: StorefrontHostingProps): cloudfront.ResponseHeadersPolicy {
    // One custom policy per deployment, against CloudFront's quota of 20 per account (docs/cloud.md,
    // "First deployment"). No X-XSS-Protection: browsers dropped the filter it controlled, and
    // `1; mode=block` could be abused where one remained; the CSP is the protection. HSTS without
    // `preload`: joining the browsers' preload list is the domain owner's decision, for every
    // subdomain, and cannot be undone quickly; on *.cloudfront.net it means nothing.
    return new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: accountGlobalName(this, 128),
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
            [`connect-src 'self' https://cognito-idp.${Aws.REGION}.amazonaws.com`, ...(props.liveUpdates?.connectSources ?? [])].join(' '),
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

  /** The distribution: the storefront's files from the bucket, the catalog cached at the edge, the API uncached. */
  private createDistribution(props: StorefrontHostingProps, securityHeaders: cloudfront.ResponseHeadersPolicy, logBucket?: s3.Bucket): cloudfront.Distribution {
    const domain = props.storefrontDomain;
    const certificate = domain ? acm.Certificate.fromCertificateArn(this, 'StorefrontCertificate', domain.certificateArn) : undefined;
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket, {
      originAccessControl: new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
        originAccessControlName: accountGlobalName(this, 64),
        signing: cloudfront.Signing.SIGV4_ALWAYS,
      }),
    });
    const pageFallback = new cloudfront.Function(this, 'PageFallback', {
      functionName: accountGlobalName(this, 64),
      comment: 'Storefront page addresses to index.html',
      code: cloudfront.FunctionCode.fromInline(PAGE_FALLBACK_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    // Only with WAF: a function is one of the account's 100 and $0.10 per million API requests. Its
    // name comes from a scope of its own (`Api`), apart from the page fallback's (this construct's).
    const viewerIp = props.viewerIpForWaf
      ? new cloudfront.Function(this, 'ApiViewerIp', {
          functionName: accountGlobalName(new Construct(this, 'Api'), 64),
          comment: "The viewer's address for the API's WAF rule",
          code: cloudfront.FunctionCode.fromInline(VIEWER_IP_FUNCTION),
          runtime: cloudfront.FunctionRuntime.JS_2_0,
        })
      : undefined;
    /** API Gateway's own host (its stage is the path's first segment). */
    const apiOrigin = new origins.HttpOrigin(`${props.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    /** The storefront's files from the bucket, cached as their Cache-Control says. */
    const siteFiles: cloudfront.BehaviorOptions = {
      origin: siteOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: securityHeaders,
      compress: true,
    };
    return new cloudfront.Distribution(this, 'StorefrontCdn', {
      comment: 'Order storefront',
      defaultBehavior: {
        ...siteFiles,
        functionAssociations: [{ function: pageFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Hashed bundles: files only, no page fallback to run.
        [STOREFRONT_CACHING.hashedAssets.include]: siteFiles,
        // The catalog with its stock (`GET /products`, public, the same for everyone): cached at the
        // edge as its Cache-Control says (`s-maxage`, STOCK.catalogCacheSeconds), so the storefront's
        // one read per visit is not an API request per visit. No viewer header is forwarded (the
        // cache key is the path alone; Host is API Gateway's). Before `/<stage>/*`: the first match wins.
        [`/${API_STAGE.name}${ROUTES.products}`]: {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: securityHeaders,
        },
        // The API (`/<stage>/...` is API Gateway's own path): every method, nothing cached, every
        // viewer header but Host (which must name API Gateway's host), Authorization included
        // (allowed when caching is off). HTTPS only: a redirect would turn a POST into a GET.
        [`/${API_STAGE.name}/*`]: {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
          ...(viewerIp ? { functionAssociations: [{ function: viewerIp, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] } : {}),
        },
      },
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(logBucket ? { enableLogging: true, logBucket, logFilePrefix: 'cloudfront/' } : {}),
      ...(certificate && domain
        ? { certificate, domainNames: [domain.domainName], minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
    });
  }

  /**
   * The built storefront plus its runtime configuration, in order: hashed bundles, other files,
   * then the pages naming them and `amplify_outputs.json`, whose deployment invalidates the edge.
   */
  private deployFiles(props: StorefrontHostingProps, runtimeOutputs: AmplifyOutputs): s3deploy.BucketDeployment[] {
    const deploy = (id: string, options: Omit<s3deploy.BucketDeploymentProps, 'destinationBucket' | 'memoryLimit' | 'prune'>) =>
      new s3deploy.BucketDeployment(this, id, {
        destinationBucket: this.siteBucket,
        // Old hashed assets stay so a cached index.html never points at a deleted file.
        prune: false,
        memoryLimit: 512,
        ...options,
      });
    const cacheControl = (value: string) => [s3deploy.CacheControl.fromString(value)];
    const { hashedAssets, pages, otherFiles } = STOREFRONT_CACHING;
    const built = props.storefrontDir ? s3deploy.Source.asset(props.storefrontDir) : undefined;
    const files = built
      ? [
          deploy('DeployAssets', { sources: [built], exclude: ['*'], include: [hashedAssets.include], cacheControl: cacheControl(hashedAssets.cacheControl) }),
          deploy('DeployFiles', { sources: [built], exclude: [hashedAssets.include, ...pages.files], cacheControl: cacheControl(otherFiles.cacheControl) }),
        ]
      : [];
    const pagesDeployment = deploy('DeployStorefront', {
      sources: [...(built ? [built] : []), s3deploy.Source.jsonData(RUNTIME_OUTPUTS_FILE, runtimeOutputs)],
      exclude: ['*'],
      include: [...pages.files],
      cacheControl: cacheControl(pages.cacheControl),
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    for (const earlier of files) pagesDeployment.node.addDependency(earlier);
    scopeInvalidationToDistribution(pagesDeployment, this.distribution);
    return [...files, pagesDeployment];
  }
}
