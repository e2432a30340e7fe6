/**
 * The storefront hosting box: the built storefront in a private S3 bucket behind CloudFront, with
 * its runtime configuration (`amplify_outputs.json`, the API's deploy-time URL) deployed beside
 * it, each kind of file with its own caching, and access logs for branches (storefront-buckets.ts);
 * security headers (storefront-edge.ts). The API is served by the same distribution under
 * `/<stage>/` (API Gateway as a second origin, nothing cached; storefront-distribution.ts): the
 * storefront calls it on its own origin, so a browser sends no CORS preflight (an OPTIONS request
 * API Gateway bills) before its orders' requests.
 */
import { Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { API_NAME } from '../domain/api.ts';
import { API_STAGE } from './orders-api.ts';
import { OUTPUTS_VERSION, type AmplifyOutputs, type CustomOutputs, type EventsOutputs } from '../domain/outputs.ts';
import { accessLogBucket, deployStorefrontFiles, siteBucket } from './storefront-buckets.ts';
import { storefrontDistribution } from './storefront-distribution.ts';
import { securityHeadersPolicy } from './storefront-edge.ts';

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
  /** The API has a WAF web ACL: the API's behavior writes the viewer's address for its rule (`VIEWER_IP_FUNCTION`, storefront-edge.ts). */
  readonly viewerIpForWaf: boolean;
}

/** The API's base URL on the storefront's own origin (the distribution's `/<stage>/*` behavior). */
export function storefrontApiEndpoint(storefrontUrl: string): string {
  return `${storefrontUrl}/${API_STAGE.name}/`;
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
    this.accessLogBucket = props.retainData ? accessLogBucket(this) : undefined;
    const logBucket = this.accessLogBucket;
    this.siteBucket = siteBucket(this, logBucket);
    this.securityHeaders = securityHeadersPolicy(this, props.liveUpdates?.connectSources ?? []);
    this.distribution = storefrontDistribution(this, { ...props, siteBucket: this.siteBucket, securityHeaders: this.securityHeaders, logBucket });
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
    this.deployments = deployStorefrontFiles(this, { bucket: this.siteBucket, distribution: this.distribution, storefrontDir: props.storefrontDir }, runtimeOutputs);
    this.deployment = this.deployments.at(-1)!;
  }
}
