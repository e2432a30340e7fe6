/**
 * The deployment's CloudWatch dashboard: the alarms, then the API, the functions, the pipeline
 * (queue, workflow, tables) and the recovery job. Its name is global to the account (every
 * region): it carries the region. Built by `Monitoring` (monitoring.ts).
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { METRICS } from '../server/environment.ts';

const sum = cloudwatch.Stats.SUM;

/** The Powertools metrics `recover-orders` publishes on every run (zeros included). */
const RECOVERY_METRICS = Object.values(METRICS.recovery);

export interface DashboardProps {
  readonly deploymentName: string;
  readonly functions: lambda.IFunction[];
  readonly recovery: { readonly function: lambda.IFunction; readonly schedule: events.IRule };
  readonly api: apigw.RestApi;
  readonly tables: readonly { readonly table: dynamodb.ITable }[];
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly stateMachine: sfn.StateMachine;
  readonly alarms: cloudwatch.IAlarm[];
  /** Every table's and index's throttle metrics (the alarms' own). */
  readonly throttleMetrics: cloudwatch.IMetric[];
  /** A metric the recovery job publishes. */
  readonly recoveryMetric: (metricName: string, statistic: string) => cloudwatch.IMetric;
}

export function ordersDashboard(scope: Construct, props: DashboardProps): cloudwatch.Dashboard {
  return new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: `${props.deploymentName}-${Aws.REGION}-orders`,
    defaultInterval: Duration.hours(3),
    widgets: [[new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 })], apiRow(props), functionsRow(props), pipelineRow(props), recoveryRow(props)],
  });
}

const fnMetric = (props: DashboardProps, make: (fn: lambda.IFunction) => cloudwatch.IMetric) => props.functions.map(make);

function apiRow(props: DashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'API requests and errors',
      left: [props.api.metricCount({ statistic: sum })],
      right: [props.api.metricClientError({ statistic: sum }), props.api.metricServerError({ statistic: sum })],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'API latency (p50, p99)',
      left: [props.api.metricLatency({ statistic: 'p50' }), props.api.metricLatency({ statistic: 'p99' })],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Lambda errors',
      left: fnMetric(props, (fn) => fn.metricErrors({ statistic: sum })),
      width: 8,
    }),
  ];
}

function functionsRow(props: DashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'Lambda invocations',
      left: fnMetric(props, (fn) => fn.metricInvocations({ statistic: sum })),
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Lambda duration (p99)',
      left: fnMetric(props, (fn) => fn.metricDuration({ statistic: 'p99' })),
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Lambda throttles',
      left: fnMetric(props, (fn) => fn.metricThrottles({ statistic: sum })),
      width: 8,
    }),
  ];
}

function pipelineRow(props: DashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'Order queue',
      left: [
        props.queue.metricApproximateNumberOfMessagesVisible(),
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'Dead-letter queue' }),
      ],
      right: [props.queue.metricApproximateAgeOfOldestMessage()],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Workflow executions',
      left: [
        props.stateMachine.metricStarted({ statistic: sum }),
        props.stateMachine.metricSucceeded({ statistic: sum }),
        props.stateMachine.metricFailed({ statistic: sum }),
        props.stateMachine.metricTimedOut({ statistic: sum }),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'DynamoDB consumed capacity and throttles',
      left: props.tables.flatMap(({ table: t }) => [
        t.metricConsumedReadCapacityUnits({ statistic: sum }),
        t.metricConsumedWriteCapacityUnits({ statistic: sum }),
      ]),
      right: props.throttleMetrics,
      width: 8,
    }),
  ];
}

function recoveryRow(props: DashboardProps): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'Recovery job (orders per run)',
      left: RECOVERY_METRICS.map((name) => props.recoveryMetric(name, sum)),
      right: [
        props.recovery.function.metricErrors({ statistic: sum, label: 'Job errors' }),
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: props.recovery.schedule.ruleName },
          statistic: sum,
          label: 'Schedule failed invocations',
        }),
      ],
      width: 8,
    }),
  ];
}
