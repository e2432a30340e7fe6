/**
 * Settings every function of the platform gets in the cloud, beyond what `defineFunction` offers:
 * its Powertools service name, the deployment's name (custom metrics' dimension), its logging
 * (`FUNCTION_LOGGING`: JSON, application INFO, Lambda's own lines WARN) and its X-Ray tracing mode
 * (`FUNCTIONS[key].tracing`), so a sampled request is traced from API Gateway through the functions
 * to Step Functions.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FUNCTION_LOGGING, FUNCTIONS } from '../server/settings/functions.ts';
import { ENV } from '../server/environment.ts';

export type StoreFunctions = Record<keyof typeof FUNCTIONS, lambda.Function>;

export function configureFunctions(functions: StoreFunctions, deploymentName: string): void {
  for (const key of Object.keys(functions) as (keyof typeof FUNCTIONS)[]) {
    const fn = functions[key];
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    fn.addEnvironment('POWERTOOLS_SERVICE_NAME', FUNCTIONS[key].name);
    fn.addEnvironment(ENV.deploymentName, deploymentName);
    // Beside the log group defineFunction sets (its retention): what `loggingFormat`,
    // `applicationLogLevelV2` and `systemLogLevelV2` do on a lambda.Function CDK creates itself.
    // Powertools' logger follows the application level (Lambda passes it as AWS_LAMBDA_LOG_LEVEL).
    cfn.addPropertyOverride('LoggingConfig.LogFormat', FUNCTION_LOGGING.format);
    cfn.addPropertyOverride('LoggingConfig.ApplicationLogLevel', FUNCTION_LOGGING.applicationLevel);
    cfn.addPropertyOverride('LoggingConfig.SystemLogLevel', FUNCTION_LOGGING.systemLevel);
    // What `tracing: Tracing.ACTIVE` / `PASS_THROUGH` does.
    cfn.tracingConfig = { mode: FUNCTIONS[key].tracing };
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
    );
  }
}
