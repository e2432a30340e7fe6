/**
 * cdk-nag (AwsSolutions) findings this backend accepts, each on the narrowest construct and with
 * the reason it is accepted. `tests/cloud/backend.test.ts` runs `AwsSolutionsChecks` over the whole
 * app and requires zero unacknowledged findings, so a new finding fails the build until it is fixed
 * or argued for here.
 */
import { Validations, type CfnResource, type Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { OrdersCloud } from './orders-cloud.ts';

export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement made, by construct path (for the test's report and for review). */
export const ACKNOWLEDGED: { path: string; id: string; reason: string }[] = [];

export function acknowledge(scope: IConstruct, ...acks: NagAcknowledgement[]): void {
  Validations.of(scope).acknowledge(...acks);
  for (const ack of acks) ACKNOWLEDGED.push({ path: scope.node.path, ...ack });
}

const LAMBDA_BASIC_EXECUTION =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

export function acknowledgeNagFindings(
  ordersStack: Stack,
  cloud: OrdersCloud,
  functions: Record<string, lambda.Function>,
): void {
  // ------------------------------------------------------------ the four functions (Amplify-made)
  for (const fn of Object.values(functions)) {
    if (fn.role) {
      acknowledge(fn.role, {
        id: LAMBDA_BASIC_EXECUTION,
        reason:
          'Role created by Amplify defineFunction. AWSLambdaBasicExecutionRole only grants CreateLogGroup/CreateLogStream/PutLogEvents for the function\'s own logs; every data permission is an explicit inline statement on one resource.',
      });
    }
    acknowledge(fn, {
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is a supported Lambda runtime (deprecation 2027) chosen in resource.ts so the handlers run on the same major line as the local runtime (Node 20/22); Node 24 is the next upgrade.',
    });
  }

  // ------------------------------------------------------------ Step Functions
  acknowledge(cloud.stateMachine.role, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Added by CDK for logging and tracing: logs:CreateLogDelivery/GetLogDelivery/UpdateLogDelivery/DeleteLogDelivery/ListLogDeliveries/PutResourcePolicy/DescribeResourcePolicies/DescribeLogGroups and xray:PutTraceSegments/PutTelemetryRecords/GetSamplingRules/GetSamplingTargets do not support resource-level permissions. lambda:InvokeFunction is on the process-order ARN only.',
  });

  // ------------------------------------------------------------ Recovery job
  const recoveryRole = functions.recoverOrders?.role;
  if (!recoveryRole) throw new Error('acknowledgeNagFindings: the recoverOrders function (with its role) is missing');
  const stateMachineName = `<${ordersStack.getLogicalId(cloud.stateMachine.node.defaultChild as CfnResource)}.Name>`;
  acknowledge(recoveryRole, {
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}:*]`,
    reason:
      'recover-orders calls states:DescribeExecution (only that action) on the executions of the order workflow. Execution names are the order ids (<orderId>, <orderId>-r<n>), unknown at deployment, so the ARN needs a wildcard on the execution name; it is scoped to this one state machine.',
  });

  // ------------------------------------------------------------ API Gateway
  const cloudWatchRole = cloud.api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(cloudWatchRole, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway needs to write execution and access logs; AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for it and only allows writing CloudWatch Logs.',
    });
  }
  acknowledge(cloud.api.deploymentStage, {
    id: 'AwsSolutions-APIG3',
    reason:
      'No AWS WAF web ACL: the API is protected by stage throttling (10,000 req/s, seed), request validation and a 16 KiB body limit in app-server; a web ACL (~$5/month + $0.60 per million requests) is a cost decision documented in docs/cloud.md.',
  });

  // ------------------------------------------------------------ CloudFront
  acknowledge(cloud.distribution, {
    id: 'AwsSolutions-CFR1',
    reason: 'The store sells to any country; no geo restriction is a business requirement.',
  });
  acknowledge(cloud.distribution, {
    id: 'AwsSolutions-CFR2',
    reason:
      'The distribution only serves static files from a private bucket (origin access control); there is no dynamic origin for a web ACL to protect. A WAF web ACL is a cost decision documented in docs/cloud.md.',
  });
  if (!cloud.usesCustomDomain) {
    acknowledge(cloud.distribution, {
      id: 'AwsSolutions-CFR4',
      reason:
        'Without a custom domain the distribution uses the *.cloudfront.net default certificate, whose security policy CloudFront fixes (TLSv1); viewers are redirected to HTTPS. Setting STOREFRONT_DOMAIN_NAME and STOREFRONT_CERTIFICATE_ARN enables TLSv1.2_2021 and removes this acknowledgement.',
    });
  }

  // ------------------------------------------------------------ CDK's BucketDeployment singleton
  const bucketDeploymentHandler = ordersStack.node.children.find((c) =>
    c.node.id.startsWith('Custom::CDKBucketDeployment'),
  );
  if (bucketDeploymentHandler) {
    const siteBucketArn = `<${ordersStack.getLogicalId(cloud.siteBucket.node.defaultChild as CfnResource)}.Arn>/*`;
    const qualifier = ordersStack.synthesizer.bootstrapQualifier ?? 'hnb659fds';
    const cdkManaged =
      'Singleton Lambda of aws-cdk-lib s3-deployment.BucketDeployment (copies the built storefront into the bucket at deploy time); its code and role are generated by CDK.';
    acknowledge(
      bucketDeploymentHandler,
      { id: LAMBDA_BASIC_EXECUTION, reason: `${cdkManaged} The managed policy only allows writing its own logs.` },
      { id: 'AwsSolutions-L1', reason: `${cdkManaged} CDK pins its Python runtime; it runs only during deployments.` },
      ...[
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`,
        `Resource::${siteBucketArn}`,
      ].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `${cdkManaged} The grants are CDK's read on the bootstrap asset bucket and read/write on the storefront bucket only, needed to copy objects.`,
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `${cdkManaged} cloudfront:CreateInvalidation/GetInvalidation do not support resource-level permissions in CDK's generated policy.`,
      },
    );
  }
}
