/**
 * Settings every function of the platform gets in the cloud, beyond what `defineFunction` offers:
 * its Powertools service name, the deployment's name (custom metrics' dimension) and active
 * X-Ray tracing, so a trace runs from API Gateway through the functions to Step Functions.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ENV, FUNCTIONS } from '../server/settings.ts';

export type StoreFunctions = Record<keyof typeof FUNCTIONS, lambda.Function>;

export function configureFunctions(functions: StoreFunctions, deploymentName: string): void {
  for (const key of Object.keys(functions) as (keyof typeof FUNCTIONS)[]) {
    const fn = functions[key];
    fn.addEnvironment('POWERTOOLS_SERVICE_NAME', FUNCTIONS[key].name);
    fn.addEnvironment(ENV.deploymentName, deploymentName);
    // What `tracing: Tracing.ACTIVE` does on a lambda.Function CDK creates itself.
    (fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
    );
  }
}
