/**
 * Settings every function of the platform gets in the cloud, beyond what `defineFunction` offers:
 * its environment (its Powertools service name, and exactly its manifest's variables,
 * amplify/functions/manifest.ts), its logging (`FUNCTION_LOGGING`: JSON, application INFO, Lambda's
 * own lines WARN) and its X-Ray tracing mode (`FUNCTIONS[key].tracing`), so a sampled request is
 * traced from API Gateway through the functions to Step Functions.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FUNCTION_LOGGING, FUNCTIONS } from '../server/settings/functions.ts';
import { functionEnvironment, type FunctionKey, type VariableValues } from '../functions/manifest.ts';

export type StoreFunctions = Record<FunctionKey, lambda.Function>;

/**
 * Each function's environment: its Powertools service name and its manifest's variables, from the
 * deployment's `values`; a variable a function requires without a value fails the synthesis.
 */
export function setFunctionEnvironments(functions: StoreFunctions, values: VariableValues): void {
  for (const key of Object.keys(functions) as FunctionKey[]) {
    const fn = functions[key];
    fn.addEnvironment('POWERTOOLS_SERVICE_NAME', FUNCTIONS[key].name);
    for (const [name, value] of Object.entries(functionEnvironment(key, values, 'the cloud definition'))) fn.addEnvironment(name, value);
  }
}

export function configureFunctions(functions: StoreFunctions): void {
  for (const key of Object.keys(functions) as FunctionKey[]) {
    const fn = functions[key];
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
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
