/**
 * X-Ray sampling for the store. Without a rule, X-Ray's default (the first request each second,
 * then 5%) records every request of a store this size (~0.1 API requests a second at 100,000
 * orders a month): $5 per million traces, once the largest line of the cost model after the API.
 *
 * One rule per deployment, matched to this deployment's API stage by its ARN. Rules are
 * account-wide (at most 25 per account and region, shared with every other app), and a rule's
 * `ServiceName` is at most 64 characters: the API's segment name `<API name>/<stage>` carries the
 * deployment's name and overflowed it for any sandbox or branch name over 7 characters. A stage ARN
 * holds only the API's 10-character id.
 *
 * Who starts traces:
 *   - API Gateway decides for each request by this rule and passes the decision on (app-server,
 *     its SDK calls).
 *   - The workflow gets no rule of its own: its executions are started by order-starter, which
 *     starts no traces (PassThrough, see `FUNCTIONS` in amplify/server/settings/functions.ts) but always
 *     passes a decision in the X-Amzn-Trace-Id header it sends (unsampled unless it runs inside a
 *     sampled trace), and by the recovery job (a few a day). Step Functions follows the decision it
 *     is handed; it samples by the account's rules only executions started without one.
 * A 5% share keeps every kind of request represented; failures stay findable in the logs, which
 * carry the request id (and the trace id when one was recorded). The bench reads `reservoirSize`
 * and `fixedRate` from this file (bench/cloud-config.ts), so the cost model prices what is deployed.
 */
import { Names } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';

/** No reservoir (a guaranteed request a second would be every request here), 5% of requests. */
export const TRACE_SAMPLING = { reservoirSize: 0, fixedRate: 0.05 } as const;

/** Ahead of X-Ray's default rule (priority 10000); other rules of the account may rank above. */
const PRIORITY = 1000;

/** X-Ray's limit on a rule name (account-wide, so unique per deployment). */
export const SAMPLING_RULE_NAME_MAX = 32;

export class TraceSampling extends Construct {
  readonly apiRule: xray.CfnSamplingRule;

  constructor(scope: Construct, id: string, props: { api: apigw.RestApi }) {
    super(scope, id);
    const stage = props.api.deploymentStage;
    this.apiRule = new xray.CfnSamplingRule(this, 'ApiRule', {
      samplingRule: {
        // Unique in the account: a hash of this construct's path, which includes the root stack.
        ruleName: Names.uniqueResourceName(this, { maxLength: SAMPLING_RULE_NAME_MAX }),
        priority: PRIORITY,
        reservoirSize: TRACE_SAMPLING.reservoirSize,
        fixedRate: TRACE_SAMPLING.fixedRate,
        // This stage, by ARN (`arn:<partition>:apigateway:<region>::/restapis/<id>/stages/<stage>`).
        serviceName: '*',
        serviceType: 'AWS::ApiGateway::Stage',
        resourceArn: stage.stageArn,
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        version: 1,
      },
    });
  }
}
