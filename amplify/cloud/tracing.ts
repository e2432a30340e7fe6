/**
 * X-Ray sampling for the store. Without rules, X-Ray's default (the first request each second,
 * then 5%) records every request of a store this size (~0.1 API requests and ~0.04 workflow
 * executions a second at 100,000 orders a month): $5 per million traces, once the largest line of
 * the cost model after the API itself.
 *
 * Two places start traces, each sampled by the account's rules, so each gets a rule matched to
 * this deployment only (rules are account-wide):
 *   - API Gateway decides for each request and passes the decision on (app-server, its SDK calls).
 *   - Step Functions decides for each execution and passes the decision on to process-order. The
 *     workflow is started by order-starter, which starts no traces of its own (PassThrough, see
 *     `FUNCTIONS` in amplify/server/settings.ts): when Step Functions follows the unsampled header
 *     order-starter passes, fewer executions are traced; when it samples by this rule, 5% are.
 *     The cost model counts the larger of the two.
 * The functions themselves never start traces (PassThrough), except app-server (behind the API)
 * and the recovery job (a few runs an hour).
 *
 * A 5% share keeps every kind of request represented; failures stay findable in the logs, which
 * carry the request id (and the trace id when one was recorded). The bench reads `reservoirSize`
 * and `fixedRate` from this file (bench/cloud-config.ts), so the cost model prices what is deployed.
 */
import { Names } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';

/** No reservoir (a guaranteed request a second would be every request here), 5% of requests. */
export const TRACE_SAMPLING = { reservoirSize: 0, fixedRate: 0.05 } as const;

/** Ahead of X-Ray's default rule (priority 10000); other rules of the account may rank above. */
const PRIORITY = 1000;

export class TraceSampling extends Construct {
  readonly apiRule: xray.CfnSamplingRule;
  readonly workflowRule: xray.CfnSamplingRule;

  constructor(scope: Construct, id: string, props: { api: apigw.RestApi; stateMachine: sfn.StateMachine }) {
    super(scope, id);
    const { api, stateMachine } = props;
    // API Gateway names its segments `<API name>/<stage>`: this deployment's stage only.
    this.apiRule = this.rule('Api', `${api.restApiName}/${api.deploymentStage.stageName}`, 'AWS::ApiGateway::Stage');
    // Step Functions names its segments after the state machine.
    this.workflowRule = this.rule('Workflow', stateMachine.stateMachineName, 'AWS::StepFunctions::StateMachine');
  }

  private rule(id: string, serviceName: string, serviceType: string): xray.CfnSamplingRule {
    const scope = new Construct(this, id);
    return new xray.CfnSamplingRule(scope, 'Rule', {
      samplingRule: {
        // At most 32 characters and unique in the account: a hash of this construct's path, which
        // includes the deployment's root stack.
        ruleName: Names.uniqueResourceName(scope, { maxLength: 32 }),
        priority: PRIORITY,
        reservoirSize: TRACE_SAMPLING.reservoirSize,
        fixedRate: TRACE_SAMPLING.fixedRate,
        serviceName,
        serviceType,
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: '*',
        version: 1,
      },
    });
  }
}
