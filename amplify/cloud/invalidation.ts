/**
 * CDK's BucketDeployment lets its (singleton) handler invalidate any CloudFront distribution:
 * `cloudfront:CreateInvalidation`/`GetInvalidation` on `*`. Both actions support the distribution
 * as resource, so the statement is narrowed to the one distribution the deployment invalidates.
 */
import { Lazy, Stack } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';

interface Statement {
  Action: string | string[];
  Resource: unknown;
  [key: string]: unknown;
}

export function scopeInvalidationToDistribution(deployment: s3deploy.BucketDeployment, distribution: cloudfront.IDistribution): void {
  const policy = deployment.handlerRole.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) throw new Error(`${deployment.node.path}: its handler role has no default policy`);
  const stack = Stack.of(policy);
  const cfnPolicy = policy.node.defaultChild as iam.CfnPolicy;
  // Rewritten at synthesis, when every statement CDK adds to the shared handler role is known.
  // (The property itself, not an override, so checks reading the construct see it too.)
  cfnPolicy.policyDocument = Lazy.any({
      produce: () => {
        const document = stack.resolve(policy.document) as { Statement: Statement[] };
        const invalidation = document.Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith('cloudfront:')));
        const onlyInvalidation = invalidation.every((s) => [s.Action].flat().every((a) => a.startsWith('cloudfront:')));
        if (invalidation.length !== 1 || !onlyInvalidation) {
          throw new Error(`${deployment.node.path}: expected one CloudFront-only statement in the handler policy`);
        }
        invalidation[0]!.Resource = stack.resolve(distribution.distributionArn);
        return document;
      },
  });
}
