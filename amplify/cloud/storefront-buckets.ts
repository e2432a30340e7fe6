/**
 * The storefront's buckets: the private bucket of its built files, each kind of file deployed with
 * its own caching (`STOREFRONT_CACHING`), and on branches the access log bucket, retained.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { RUNTIME_OUTPUTS_FILE, type AmplifyOutputs } from '../domain/outputs.ts';
import { scopeInvalidationToDistribution } from './invalidation.ts';

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

/** Branches only (see `StorefrontHostingProps.retainData`): the access log bucket, retained. */
export function accessLogBucket(scope: Construct): s3.Bucket {
  // Retained: S3 and CloudFront deliver logs for hours after the stack stops using the bucket,
  // so emptying it and deleting it in the same stack deletion fails with BucketNotEmpty
  // (aws-cdk#21776) and leaves the stack DELETE_FAILED. Left behind, it empties itself
  // (lifecycle) and can be removed later (docs/cloud.md, "Deleting").
  const bucket = new s3.Bucket(scope, 'AccessLogBucket', {
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

/** The built storefront's private bucket (its access logs in `logBucket`, when there is one). */
export function siteBucket(scope: Construct, logBucket?: s3.Bucket): s3.Bucket {
  return new s3.Bucket(scope, 'StorefrontBucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    ...(logBucket ? { serverAccessLogsBucket: logBucket, serverAccessLogsPrefix: 'storefront-bucket/' } : {}),
    // The bucket only holds build output, rebuilt on every deployment.
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
}

/**
 * Deploys, in `scope` (the storefront), the built storefront (`storefrontDir`, when built) plus its
 * runtime configuration, in order: hashed bundles, other files, then the pages naming them and
 * `amplify_outputs.json`, whose deployment invalidates `distribution`'s edge. Returns them in that order.
 */
export function deployStorefrontFiles(
  scope: Construct,
  site: { bucket: s3.Bucket; distribution: cloudfront.Distribution; storefrontDir?: string },
  runtimeOutputs: AmplifyOutputs,
): s3deploy.BucketDeployment[] {
  const deploy = (id: string, options: Omit<s3deploy.BucketDeploymentProps, 'destinationBucket' | 'memoryLimit' | 'prune'>) =>
    new s3deploy.BucketDeployment(scope, id, {
      destinationBucket: site.bucket,
      // Old hashed assets stay so a cached index.html never points at a deleted file.
      prune: false,
      memoryLimit: 512,
      ...options,
    });
  const cacheControl = (value: string) => [s3deploy.CacheControl.fromString(value)];
  const { hashedAssets, pages, otherFiles } = STOREFRONT_CACHING;
  const built = site.storefrontDir ? s3deploy.Source.asset(site.storefrontDir) : undefined;
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
    distribution: site.distribution,
    distributionPaths: ['/*'],
  });
  for (const earlier of files) pagesDeployment.node.addDependency(earlier);
  scopeInvalidationToDistribution(pagesDeployment, site.distribution);
  return [...files, pagesDeployment];
}
