/**
 * X-Ray sampling for the store's API. Without a rule, X-Ray's default (the first request each
 * second, then 5%) records every request of a store this size (~0.3 requests a second at 100,000
 * orders a month): $5 per million traces, the largest line of the cost model after the API itself.
 *
 * API Gateway makes the sampling decision for each request from the account's rules and passes it
 * on (the app-server invocation, its SDK calls); so this rule, matched to this deployment's stage
 * only (rules are account-wide), sets the share of API traces recorded. Lambda-started traces (the
 * queue's order-starter batches, scheduled invocations) follow Lambda's own fixed rule, not this one.
 *
 * A 5% share keeps every kind of request represented; failures stay findable in the logs, which
 * carry the request id (and the trace id when one was recorded). The bench reads `reservoirSize`
 * and `fixedRate` from this file (bench/cloud-config.ts), so the cost model prices what is deployed.
 */
import { Names } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';

/** No reservoir (a guaranteed request a second would be every request here), 5% of requests. */
export const API_TRACE_SAMPLING = { reservoirSize: 0, fixedRate: 0.05 } as const;

/** Ahead of X-Ray's default rule (priority 10000); other rules of the account may rank above. */
const PRIORITY = 1000;

export class ApiTraceSampling extends Construct {
  readonly rule: xray.CfnSamplingRule;

  constructor(scope: Construct, id: string, props: { api: apigw.RestApi }) {
    super(scope, id);
    const { api } = props;
    this.rule = new xray.CfnSamplingRule(this, 'Rule', {
      samplingRule: {
        // At most 32 characters and unique in the account: a hash of this construct's path,
        // which includes the deployment's root stack.
        ruleName: Names.uniqueResourceName(this, { maxLength: 32 }),
        priority: PRIORITY,
        reservoirSize: API_TRACE_SAMPLING.reservoirSize,
        fixedRate: API_TRACE_SAMPLING.fixedRate,
        // API Gateway names its segments `<API name>/<stage>`: this deployment's stage only.
        serviceName: `${api.restApiName}/${api.deploymentStage.stageName}`,
        serviceType: 'AWS::ApiGateway::Stage',
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: '*',
        version: 1,
      },
    });
  }
}
