/**
 * The alarms, by family: on the resources' own metrics (alarms-resources.ts: Lambda errors, the
 * API's 5XX rate, DynamoDB throttles), on the pipeline (alarms-pipeline.ts: failed executions, the
 * order queue's oldest message, the dead-letter queue's depth), on what our functions report
 * (alarms-reported.ts: the recovery job, low stock, failed counter writes and live status events);
 * and the dashboard (dashboard.ts). Alarms notify the alarm topic (e-mail when `ALARM_EMAIL` is
 * set). Every alarm name, and every metric our code publishes, carries the deployment's name:
 * sandboxes and branches share accounts. Thresholds: `ALARMS` (alarm-kit.ts).
 */
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../server/settings/functions.ts';
import { publishedMetric, type AlarmSite } from './alarm-kit.ts';
import { deadLetterAlarm, orderQueueAgeAlarm, workflowFailuresAlarm } from './alarms-pipeline.ts';
import { liveUpdatesFailedAlarm, lowStockAlarm, recoveryFailingAlarm, recoveryGaveUpAlarm, statsCountFailedAlarm } from './alarms-reported.ts';
import { api5xxAlarm, dynamoThrottlesAlarms, lambdaErrorsAlarm, throttleMetricsOf, type MonitoredTable } from './alarms-resources.ts';
import { ordersDashboard } from './dashboard.ts';

export interface MonitoringProps {
  /** Unique per deployment: prefixes alarm names, qualifies the custom metrics' service dimension. */
  readonly deploymentName: string;
  /** Every function, for the summed Lambda errors alarm and the dashboard. */
  readonly functions: lambda.IFunction[];
  /** The recovery job: its function and schedule. */
  readonly recovery: { readonly function: lambda.IFunction; readonly schedule: events.IRule };
  readonly api: apigw.RestApi;
  readonly tables: MonitoredTable[];
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly stateMachine: sfn.StateMachine;
  readonly alarmTopic: sns.ITopic;
}

export class Monitoring extends Construct {
  readonly lambdaErrors: cloudwatch.Alarm;
  readonly api5xx: cloudwatch.Alarm;
  /** One per table, or more where a table's metrics exceed `MAX_METRICS_PER_ALARM`. */
  readonly dynamoThrottles: cloudwatch.Alarm[];
  readonly workflowFailures: cloudwatch.Alarm;
  readonly orderQueueAge: cloudwatch.Alarm;
  readonly deadLetterMessages: cloudwatch.Alarm;
  readonly recoveryGaveUp: cloudwatch.Alarm;
  readonly recoveryFailing: cloudwatch.Alarm;
  readonly lowStock: cloudwatch.Alarm;
  readonly statsCountFailed: cloudwatch.Alarm;
  readonly liveUpdatesFailed: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const site: AlarmSite = { scope: this, deploymentName: props.deploymentName };
    this.lambdaErrors = lambdaErrorsAlarm(site, props.functions);
    this.api5xx = api5xxAlarm(site, props.api);
    this.dynamoThrottles = props.tables.flatMap((monitored) => dynamoThrottlesAlarms(site, monitored));
    this.workflowFailures = workflowFailuresAlarm(site, props.stateMachine);
    this.orderQueueAge = orderQueueAgeAlarm(site, props.queue);
    this.deadLetterMessages = deadLetterAlarm(site, props.deadLetterQueue);
    this.recoveryGaveUp = recoveryGaveUpAlarm(site);
    this.recoveryFailing = recoveryFailingAlarm(site, props.recovery.function);
    this.lowStock = lowStockAlarm(site);
    this.statsCountFailed = statsCountFailedAlarm(site);
    this.liveUpdatesFailed = liveUpdatesFailedAlarm(site);
    const action = new SnsAction(props.alarmTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    // The key metrics on one dashboard, alarms first.
    this.dashboard = ordersDashboard(this, {
      ...props,
      alarms: this.alarms,
      throttleMetrics: props.tables.flatMap((monitored) => throttleMetricsOf(monitored)),
      recoveryMetric: (metricName, statistic) => publishedMetric(site, FUNCTIONS.recoverOrders.name, metricName, statistic),
    });
  }

  get alarms(): cloudwatch.Alarm[] {
    return [
      this.lambdaErrors,
      this.api5xx,
      ...this.dynamoThrottles,
      this.workflowFailures,
      this.orderQueueAge,
      this.deadLetterMessages,
      this.recoveryGaveUp,
      this.recoveryFailing,
      this.lowStock,
      this.statsCountFailed,
      this.liveUpdatesFailed,
    ];
  }
}
