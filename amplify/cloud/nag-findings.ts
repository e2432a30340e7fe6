/**
 * The cdk-nag findings this backend accepts on what Amplify and CDK make for it (the functions'
 * roles, the workflow's, the API stage, the distribution, CDK's BucketDeployment singleton,
 * Amplify's branch linker), one function per family; `amplify/backend.ts` calls
 * `acknowledgeNagFindings` once the app is built. How a finding is accepted: nag.ts.
 */
import type { CfnResource, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { FUNCTIONS } from '../server/settings/functions.ts';
import { acknowledge, BASIC_EXECUTION_GRANTS, LAMBDA_BASIC_EXECUTION, NODE_22, PASS_THROUGH_TRACING, X_RAY_WRITE } from './nag.ts';
import type { OrdersCloud } from './orders-cloud.ts';

type Functions = Record<string, lambda.Function>;

export function acknowledgeNagFindings(rootStack: Stack, ordersStack: Stack, cloud: OrdersCloud, functions: Functions): void {
  functionFindings(cloud, functions);
  const processOrderRole = functions.processOrder?.role;
  if (!processOrderRole) throw new Error('acknowledgeNagFindings: the processOrder function (with its role) is missing');
  // The workflow and the delivery schedules.
  cloud.workflow.acknowledgeNagFindings(processOrderRole);
  apiFindings(cloud);
  cloudFrontFindings(cloud);
  bucketDeploymentFindings(ordersStack, cloud);
  branchLinkerFindings(rootStack);
}

/** The four functions (Amplify-made), their triggers, the queues and event rules around them. */
function functionFindings(cloud: OrdersCloud, functions: Functions): void {
  const noDlq: Record<string, string> = {
    appServer: 'app-server is invoked synchronously by API Gateway: a Lambda dead-letter queue only receives failed asynchronous invocations, and the caller gets the error (JSON 5xx).',
    orderStarter: 'order-starter is invoked synchronously by its SQS event source mapping: a message it fails returns to the order queue and, after 5 receives, goes to the queue\'s own dead-letter queue (alarmed).',
    processOrder: 'process-order is invoked synchronously by the Step Functions Task states, whose Retry/Catch handle its failures, and by the order\'s delivery schedule, which retries a failed invocation (its RetryPolicy) and deletes itself; an order left SHIPPED past its delivery date is found by the recovery job, which creates its schedule again. A Lambda dead-letter queue would hold nothing that is not already recovered.',
    recoverOrders: 'recover-orders is invoked asynchronously by its EventBridge schedule with an empty scheduled event: a dead-letter queue would only hold events carrying no data, since the next run 5 minutes later does the same work; failed runs raise the RecoveryFailing alarm.',
  };
  for (const [key, fn] of Object.entries(functions)) {
    if (fn.role) {
      acknowledge(
        fn.role,
        { id: LAMBDA_BASIC_EXECUTION, reason: `Role created by Amplify defineFunction. ${BASIC_EXECUTION_GRANTS} Every data permission is an explicit inline statement on named resources.` },
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: X_RAY_WRITE },
      );
    }
    acknowledge(
      fn,
      { id: 'AwsSolutions-L1', reason: NODE_22 },
      { id: 'Serverless-LambdaLatestVersion', reason: NODE_22 },
      { id: 'Serverless-LambdaDLQ', reason: noDlq[key] ?? '' },
    );
    if (FUNCTIONS[key as keyof typeof FUNCTIONS]?.tracing === 'PassThrough') {
      acknowledge(fn, { id: 'Serverless-LambdaTracing', reason: PASS_THROUGH_TRACING });
    }
  }
  const orderStarterMapping = functions.orderStarter?.node.children.find((c) => c.node.id.startsWith('SqsEventSource'));
  if (orderStarterMapping) {
    acknowledge(orderStarterMapping, {
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'An on-failure destination of an event source mapping applies to stream and Kafka sources, not SQS: for the order queue, failed messages go to its redrive dead-letter queue (maxReceiveCount 5), which has an alarm.',
    });
  }
  const recoveryInvokeConfig = functions.recoverOrders?.node.tryFindChild('EventInvokeConfig');
  if (recoveryInvokeConfig) {
    acknowledge(recoveryInvokeConfig, {
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason: `${noDlq.recoverOrders} Lambda does not retry a run (MaximumRetryAttempts 0) for the same reason.`,
    });
  }
  acknowledge(cloud.deadLetterQueue, {
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This queue is the order queue\'s dead-letter queue: its messages are looked at and redriven by hand (docs/cloud.md, "Dead-letter queue"), not sent on to a third queue.',
  });
  acknowledge(cloud.recovery.schedule, {
    id: 'Serverless-EventBusDLQ',
    reason:
      'The target is the recovery job, with an empty scheduled event: EventBridge retries a failed delivery until the next run is due, and a dead-letter queue would only collect events that carry nothing the next run does not redo.',
  });

  if (cloud.mail) {
    acknowledge(cloud.mail.bounceRule, {
      id: 'Serverless-EventBusDLQ',
      reason:
        'The target records a bounce or complaint on its order (emailStatus), retried by EventBridge for 24 hours. An event lost after that costs nothing: the configuration set\'s suppression list already keeps SES from delivering to that address again.',
    });
  }
}

/** API Gateway: branches have the WAF web ACL (amplify/cloud/waf.ts) on the stage; a sandbox only with WAF=on. */
function apiFindings(cloud: OrdersCloud): void {
  if (!cloud.waf) {
    acknowledge(cloud.api.deploymentStage, {
      id: 'AwsSolutions-APIG3',
      reason:
        'A sandbox (one developer\'s) has no WAF web ACL unless WAF=on ($5/month + $1 per rule): its stage throttle is 50 req/s, app-server limits orders per account (ORDER_RATE_LIMIT), validates requests and caps bodies at 16 KiB. Branches have the web ACL (docs/cloud.md, "Limits").',
    });
  }
}

function cloudFrontFindings(cloud: OrdersCloud): void {
  acknowledge(cloud.distribution, {
    id: 'AwsSolutions-CFR1',
    reason: 'The store sells to any country; no geo restriction is a business requirement.',
  });
  acknowledge(cloud.distribution, {
    id: 'AwsSolutions-CFR2',
    reason:
      'The distribution serves static files from a private bucket (origin access control) and passes /prod/* to the API stage, uncached. The store\'s web ACL (REGIONAL, per-IP rate rules) guards what is dynamic, the API stage and the user pool, on branches (amplify/cloud/waf.ts), counting the viewer\'s address that the API behavior\'s function writes; a CloudFront one would be a second, global ACL ($5/month + rules) in front of the same requests.',
  });
  if (!cloud.accessLogBucket) {
    const noLogs =
      'A sandbox (one developer\'s) keeps no access logs: a log bucket cannot be deleted with its stack while logs still arrive (aws-cdk#21776), so every deleted sandbox would leave one behind. Branch deployments log to a retained bucket (90 days).';
    acknowledge(cloud.siteBucket, { id: 'AwsSolutions-S1', reason: noLogs });
    acknowledge(cloud.distribution, { id: 'AwsSolutions-CFR3', reason: noLogs });
  }
  if (!cloud.usesCustomDomain) {
    acknowledge(cloud.distribution, {
      id: 'AwsSolutions-CFR4',
      reason:
        'Without a custom domain the distribution uses the *.cloudfront.net default certificate, whose security policy CloudFront fixes (TLSv1); viewers are redirected to HTTPS. Setting STOREFRONT_DOMAIN_NAME and STOREFRONT_CERTIFICATE_ARN enables TLSv1.2_2021 and removes this acknowledgement.',
    });
  }
}

/** CDK's BucketDeployment singleton (copies the built storefront at deploy time). */
function bucketDeploymentFindings(ordersStack: Stack, cloud: OrdersCloud): void {
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
      { id: LAMBDA_BASIC_EXECUTION, reason: `${cdkManaged} ${BASIC_EXECUTION_GRANTS}` },
      { id: 'AwsSolutions-L1', reason: `${cdkManaged} CDK pins its Python runtime; it runs only during deployments.` },
      { id: 'Serverless-LambdaLatestVersion', reason: `${cdkManaged} CDK pins its Python runtime; it runs only during deployments.` },
      {
        id: 'Serverless-LambdaDLQ',
        reason: `${cdkManaged} Invoked by CloudFormation for the custom resource: a failure fails (and rolls back) the deployment itself, there is no request to keep.`,
      },
      { id: 'Serverless-LambdaTracing', reason: `${cdkManaged} It runs only while CloudFormation deploys, outside any request path there would be to trace.` },
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
        reason: `${cdkManaged} The grants are CDK's read on the bootstrap asset bucket and read/write on the storefront bucket only, needed to copy objects. (Its CloudFront invalidation is scoped to the one distribution: amplify/cloud/invalidation.ts.)`,
      })),
    );
  }
}

/** Amplify's branch linker (branch deployments only). */
function branchLinkerFindings(rootStack: Stack): void {
  const linker = rootStack.node.tryFindChild('AmplifyBranchLinker');
  if (linker) {
    const linkerLambda = linker.node.findChild('CustomResourceLambda');
    const provider = linker.node.findChild('CustomResourceProvider').node.findChild('framework-onEvent');
    const amplifyMade =
      'Made by Amplify for branch deployments (AmplifyBranchLinkerConstruct): a custom resource that links the deployed backend to its Amplify Console branch; it runs only while CloudFormation deploys.';
    const { namespace, name } = { namespace: rootStack.node.tryGetContext('amplify-backend-namespace'), name: rootStack.node.tryGetContext('amplify-backend-name') };
    acknowledge(
      linkerLambda,
      { id: LAMBDA_BASIC_EXECUTION, reason: `${amplifyMade} ${BASIC_EXECUTION_GRANTS}` },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:amplify:*:*:apps/${namespace}/branches/${name}]`,
        reason: `${amplifyMade} It may call amplify:GetBranch and amplify:UpdateBranch on this app's one branch; Amplify writes the region and account as wildcards.`,
      },
      { id: 'AwsSolutions-L1', reason: `${amplifyMade} Amplify pins nodejs22.x for it.` },
      { id: 'Serverless-LambdaLatestVersion', reason: `${amplifyMade} Amplify pins nodejs22.x for it.` },
      { id: 'Serverless-LambdaDefaultMemorySize', reason: `${amplifyMade} Amplify leaves the default 128 MB, enough for its two API calls.` },
      { id: 'Serverless-LambdaDLQ', reason: `${amplifyMade} Invoked through CDK's custom-resource provider; a failure fails the deployment itself.` },
      { id: 'Serverless-LambdaTracing', reason: `${amplifyMade} There is no request path to trace.` },
    );
    acknowledge(
      provider,
      { id: LAMBDA_BASIC_EXECUTION, reason: `CDK custom-resource provider framework of the branch linker. ${BASIC_EXECUTION_GRANTS}` },
      {
        id: `AwsSolutions-IAM5[Resource::<${rootStack.getLogicalId(linkerLambda.node.defaultChild as CfnResource)}.Arn>:*]`,
        reason: 'CDK custom-resource provider framework of the branch linker: lambda:InvokeFunction on the linker function and its versions (`<arn>:*`), nothing else.',
      },
      { id: 'Serverless-LambdaDefaultMemorySize', reason: 'CDK custom-resource provider framework of the branch linker (CDK-made, default 128 MB); it only forwards CloudFormation events.' },
      { id: 'Serverless-LambdaDLQ', reason: 'CDK custom-resource provider framework, invoked by CloudFormation during deployments; a failure fails the deployment itself.' },
      { id: 'Serverless-LambdaTracing', reason: 'CDK custom-resource provider framework, run only during deployments: no request path to trace.' },
    );
  }
}
