/**
 * Log groups for the Lambda functions CDK and Amplify add themselves: the BucketDeployment that
 * copies the storefront, the bucket's auto-delete handler, Amplify's branch linker and its provider.
 * Lambda would create their groups on first use with no retention (kept forever, paid per GB);
 * each gets one of its own with `LOG_RETENTION`, created with the stack and deleted with it.
 * Our four functions have theirs from `defineFunction` (`logging.retention`).
 */
import { CfnResource, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/** `LOG_RETENTION` ('1 month') as CDK's enum. */
const RETENTION = logs.RetentionDays.ONE_MONTH;

function logGroupFor(fn: CfnResource): logs.LogGroup {
  const scope = fn.node.scope;
  if (!scope) throw new Error(`${fn.node.path} has no parent construct`);
  return new logs.LogGroup(scope, `${fn.node.id}LogGroup`, { retention: RETENTION, removalPolicy: RemovalPolicy.DESTROY });
}

/** Gives every Lambda function under `root` that has no log group of its own one with a retention. */
export function giveHelperFunctionsLogGroups(root: Stack): void {
  const functions = root.node.findAll().filter((c: IConstruct): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::Lambda::Function');
  for (const fn of functions) {
    if (fn instanceof lambda.CfnFunction) {
      const config = fn.loggingConfig as lambda.CfnFunction.LoggingConfigProperty | undefined;
      if (config?.logGroup) continue;
      fn.loggingConfig = { ...config, logGroup: logGroupFor(fn).logGroupName };
    } else {
      // A CustomResourceProvider's function: a raw resource, whose properties only an override reaches.
      const properties = (fn as unknown as { _cfnProperties: Record<string, { LogGroup?: unknown } | undefined> })._cfnProperties;
      if (properties.LoggingConfig?.LogGroup) continue;
      fn.addPropertyOverride('LoggingConfig.LogGroup', logGroupFor(fn).logGroupName);
    }
  }
}
