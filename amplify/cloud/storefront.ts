/**
 * The storefront hosting box: the built storefront in a private S3 bucket behind CloudFront, with
 * its runtime configuration (`amplify_outputs.json`, the API's deploy-time URL) deployed beside
 * it, security headers, and access logs.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { API_NAME } from '../domain/api.ts';
import { OUTPUTS_VERSION, RUNTIME_OUTPUTS_FILE, type AmplifyOutputs, type CustomOutputs } from '../domain/outputs.ts';
import { scopeInvalidationToDistribution } from './invalidation.ts';

/** The `custom` block of amplify_outputs.json the cloud adds (Amplify adds `auth` itself). */
export type CloudClientOutputs = { custom: Required<Pick<CustomOutputs, 'API' | 'storefrontUrl'>> };

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
  /** Branch deployments keep access logs 90 days, sandboxes 7. */
  readonly retainData: boolean;
}

export class StorefrontHosting extends Construct {
  readonly accessLogBucket: s3.Bucket;
  readonly siteBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;
  /** True when the storefront has its own domain and certificate (TLS 1.2+ policy). */
  readonly usesCustomDomain: boolean;
  /** `https://<distribution>` (or the custom domain). */
  readonly storefrontUrl: string;
  /** What the storefront reads, the same `custom` block `backend.addOutput` puts in amplify_outputs.json. */
  readonly clientOutputs: CloudClientOutputs;

  constructor(scope: Construct, id: string, props: StorefrontHostingProps) {
    super(scope, id);
    // Retained in every deployment, sandboxes included: S3 and CloudFront deliver logs for hours
    // after the stack stops using the bucket, so emptying it and deleting it in the same stack
    // deletion fails with BucketNotEmpty (aws-cdk#21776) and leaves the stack DELETE_FAILED. Left
    // behind, it empties itself (lifecycle) and can be removed later (docs/cloud.md, "Deleting").
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(props.retainData ? 90 : 7), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Raw overrides: Amplify's sandbox aspect turns every removal policy into DESTROY.
    for (const resource of [this.accessLogBucket.node.defaultChild, this.accessLogBucket.policy?.node.defaultChild]) {
      (resource as s3.CfnBucket | s3.CfnBucketPolicy).addOverride('DeletionPolicy', 'Retain');
      (resource as s3.CfnBucket | s3.CfnBucketPolicy).addOverride('UpdateReplacePolicy', 'Retain');
    }
    this.siteBucket = new s3.Bucket(this, 'StorefrontBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'storefront-bucket/',
      // The bucket only holds build output, rebuilt on every deployment.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Order storefront security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            // The API, and Cognito for sign-in (the storefront talks to the user pool directly).
            `connect-src 'self' https://*.execute-api.${Aws.REGION}.amazonaws.com https://cognito-idp.${Aws.REGION}.amazonaws.com`,
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
      },
    });
    const domain = props.storefrontDomain;
    const certificate = domain ? acm.Certificate.fromCertificateArn(this, 'StorefrontCertificate', domain.certificateArn) : undefined;
    this.distribution = new cloudfront.Distribution(this, 'StorefrontCdn', {
      comment: 'Order storefront',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      defaultRootObject: 'index.html',
      // The storefront routes in the URL's fragment (`/#/orders/<id>`), so every link it makes is
      // `/`. A path that is no object (a mistyped or hand-made URL) gets the storefront, which
      // shows its own not-found page, instead of S3's XML AccessDenied (403) answer.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.accessLogBucket,
      logFilePrefix: 'cloudfront/',
      ...(certificate && domain
        ? { certificate, domainNames: [domain.domainName], minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
    });
    this.usesCustomDomain = domain !== undefined;
    this.storefrontUrl = domain ? `https://${domain.domainName}` : `https://${this.distribution.distributionDomainName}`;

    const region = Stack.of(this).region;
    this.clientOutputs = {
      custom: {
        API: { [API_NAME]: { endpoint: props.api.url, region, apiName: API_NAME } },
        storefrontUrl: this.storefrontUrl,
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
    const sources = [s3deploy.Source.jsonData(RUNTIME_OUTPUTS_FILE, runtimeOutputs)];
    if (props.storefrontDir) sources.unshift(s3deploy.Source.asset(props.storefrontDir));
    this.deployment = new s3deploy.BucketDeployment(this, 'DeployStorefront', {
      destinationBucket: this.siteBucket,
      sources,
      // Old hashed assets stay so a cached index.html never points at a deleted file.
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    scopeInvalidationToDistribution(this.deployment, this.distribution);
  }
}
