/**
 * The alarms (Lambda errors, API 5XX rate, DynamoDB throttles, failed executions), two on the order
 * queue (its oldest message's age, the dead-letter queue's depth), two on the recovery job, and a
 * dashboard with the key metrics. Alarms notify the alarm topic (e-mail when `ALARM_EMAIL` is set).
 * Every alarm name, and every metric our code publishes, carries the deployment's name: sandboxes
 * and branches share accounts. The dashboard's name is account-global (not per region): it carries
 * the region too.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STOCK } from '../domain/inventory.ts';
import { FUNCTIONS, METRICS, metricsNamespace, metricsServiceName } from '../server/settings.ts';


/** Alarm thresholds and periods. */
export const ALARMS = {
  lambdaErrors: { threshold: 10, periodMinutes: 5 },
  api5xxPercent: { threshold: 5, periodMinutes: 5 },
  dynamoThrottles: { threshold: 0, periodMinutes: 5 },
  /** Executions that failed, timed out (Express stops at 5 minutes) or were aborted. */
  workflowFailures: { threshold: 3, periodMinutes: 10 },
  /**
   * Seconds. A healthy queue is emptied within seconds: a message 15 minutes old means order-starter
   * is not consuming (stalled, throttled, or failing every batch), and orders are waiting to start.
   * SQS leaves a message out of this metric once it has been received three times, so a single
   * message that keeps failing is not seen here: it reaches the dead-letter queue after
   * `ORDER_QUEUE.maxReceiveCount` receives, and that queue's alarm.
   */
  orderQueueAgeSeconds: { threshold: 900, periodMinutes: 5 },
  deadLetterMessages: { threshold: 0, periodMinutes: 5 },
  /** Any order the recovery job gave up on (it reports them on every run until someone acts). */
  recoveryGaveUp: { threshold: 0, periodMinutes: 10 },
  /** The recovery job failing on most runs (about three runs in 15 minutes): no order is healed. */
  recoveryFailing: { threshold: 1, periodMinutes: 15 },
  /**
   * Products at or under the low-stock threshold (`STOCK.lowStockThreshold`, amplify/domain/inventory.ts),
   * as the recovery job counts them every run: more than `threshold` in the period tells staff to restock
   * (the recover-orders log and the `StockAvailable` metric per product name which). 0: any low product.
   */
  lowStock: { threshold: 0, periodMinutes: 15 },
  /**
   * Live status events that could not be published (AppSync Events unreachable, throttled, or the
   * publish right gone): customers' pages fall back to reading and slow polling, so a few are
   * tolerated; more than this in the period means live updates are broken.
   */
  liveUpdatesFailed: { threshold: 10, periodMinutes: 5 },
} as const;

/** The Powertools metrics `recover-orders` publishes on every run (zeros included). */
export const RECOVERY_METRICS = Object.values(METRICS.recovery);

/** CloudWatch's limit on the metrics one metric-math alarm evaluates. */
export const MAX_METRICS_PER_ALARM = 10;

/** A table and the global secondary indexes whose throttles count too. */
export interface MonitoredTable {
  /** Names its throttle alarm: `dynamodb-throttles-<label>`. */
  readonly label: string;
  readonly table: dynamodb.ITable;
  readonly indexes: readonly string[];
}

/** `items` in consecutive groups of at most `size`. */
const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

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

const minutes = (n: number) => Duration.minutes(n);
/** Metric ids in math expressions must start with a lower-case letter. */
const usingMetrics = (prefix: string, metrics: cloudwatch.IMetric[]) =>
  Object.fromEntries(metrics.map((m, i) => [`${prefix}${i}`, m]));
/**
 * The sum of several metrics, each missing datapoint counted as 0: in metric math `a + b` has no
 * value where either has none (a function not invoked in the window, a table never throttled),
 * which would hide the others' errors.
 */
const sumOf = (prefix: string, metrics: cloudwatch.IMetric[]) =>
  Object.keys(usingMetrics(prefix, metrics))
    .map((id) => `FILL(${id}, 0)`)
    .join(' + ');

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
  readonly liveUpdatesFailed: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const sum = cloudwatch.Stats.SUM;
    const alarmName = (name: string) => `${props.deploymentName}-${name}`;
    /** Every alarm's options: named after the deployment, one period, above the threshold, quiet without data. */
    const alarm = (name: string, threshold: number, alarmDescription: string): cloudwatch.CreateAlarmOptions => ({
      alarmName: alarmName(name),
      alarmDescription,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Lambda errors > 10 in 5 minutes, summed over every function (the recovery job included).
    const errorMetrics = props.functions.map((fn) =>
      fn.metricErrors({ period: minutes(ALARMS.lambdaErrors.periodMinutes), statistic: sum }),
    );
    this.lambdaErrors = new cloudwatch.MathExpression({
      expression: sumOf('e', errorMetrics),
      usingMetrics: usingMetrics('e', errorMetrics),
      period: minutes(ALARMS.lambdaErrors.periodMinutes),
      label: 'Lambda errors (all functions)',
    }).createAlarm(this, 'LambdaErrorsAlarm', alarm('lambda-errors', ALARMS.lambdaErrors.threshold, `Lambda errors > ${ALARMS.lambdaErrors.threshold} in ${ALARMS.lambdaErrors.periodMinutes} minutes`));

    // API 5XX > 5% of requests in 5 minutes.
    const apiPeriod = minutes(ALARMS.api5xxPercent.periodMinutes);
    this.api5xx = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.api.metricServerError({ period: apiPeriod, statistic: sum }),
        requests: props.api.metricCount({ period: apiPeriod, statistic: sum }),
      },
      period: apiPeriod,
      label: 'API 5XX rate (%)',
    }).createAlarm(this, 'Api5xxAlarm', alarm('api-5xx-rate', ALARMS.api5xxPercent.threshold, `API 5XX > ${ALARMS.api5xxPercent.threshold}% of requests in ${ALARMS.api5xxPercent.periodMinutes} minutes`));

    // DynamoDB throttles > 0: reads and writes of each table and of each of its global secondary
    // indexes (an index's throttles are its own metric, with the index as a second dimension). A
    // metric-math alarm evaluates at most 10 metrics: one alarm per table, split further if needed.
    const throttlePeriod = minutes(ALARMS.dynamoThrottles.periodMinutes);
    const throttleMetricsOf = ({ table, indexes }: MonitoredTable) =>
      [{}, ...indexes.map((index) => ({ GlobalSecondaryIndexName: index }))].flatMap((indexDimension) =>
        ['ReadThrottleEvents', 'WriteThrottleEvents'].map(
          (metricName) =>
            new cloudwatch.Metric({
              namespace: 'AWS/DynamoDB',
              metricName,
              dimensionsMap: { TableName: table.tableName, ...indexDimension },
              period: throttlePeriod,
              statistic: sum,
            }),
        ),
      );
    const throttleMetrics = props.tables.flatMap(throttleMetricsOf);
    this.dynamoThrottles = props.tables.flatMap((monitored) => {
      const groups = chunks(throttleMetricsOf(monitored), MAX_METRICS_PER_ALARM);
      return groups.map((metrics, i) => {
        const name = `dynamodb-throttles-${monitored.label}${groups.length > 1 ? `-${i + 1}` : ''}`;
        return new cloudwatch.MathExpression({
          expression: sumOf('t', metrics),
          usingMetrics: usingMetrics('t', metrics),
          period: throttlePeriod,
          label: `DynamoDB throttle events (${monitored.label})`,
        }).createAlarm(this, `DynamoThrottlesAlarm-${name}`, alarm(name, ALARMS.dynamoThrottles.threshold, `DynamoDB throttles > ${ALARMS.dynamoThrottles.threshold} on the ${monitored.label} table or its indexes`));
      });
    });

    // Step Functions executions failed, timed out or aborted > 3 in 10 minutes.
    const workflowPeriod = minutes(ALARMS.workflowFailures.periodMinutes);
    const workflowEnds = [
      props.stateMachine.metricFailed({ period: workflowPeriod, statistic: sum }),
      props.stateMachine.metricTimedOut({ period: workflowPeriod, statistic: sum }),
      props.stateMachine.metricAborted({ period: workflowPeriod, statistic: sum }),
    ];
    this.workflowFailures = new cloudwatch.MathExpression({
      expression: sumOf('w', workflowEnds),
      usingMetrics: usingMetrics('w', workflowEnds),
      period: workflowPeriod,
      label: 'Executions failed, timed out or aborted',
    }).createAlarm(this, 'WorkflowFailuresAlarm', alarm('workflow-failures', ALARMS.workflowFailures.threshold, `Step Functions executions failed, timed out or aborted > ${ALARMS.workflowFailures.threshold} in ${ALARMS.workflowFailures.periodMinutes} minutes`));

    // Orders waiting to start: the order queue's oldest message.
    this.orderQueueAge = props.queue
      .metricApproximateAgeOfOldestMessage({
        period: minutes(ALARMS.orderQueueAgeSeconds.periodMinutes),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'OrderQueueAgeAlarm', alarm('order-queue-age', ALARMS.orderQueueAgeSeconds.threshold, `The order queue's oldest message is older than ${ALARMS.orderQueueAgeSeconds.threshold} s: orders are not starting`));

    // Any message in the dead-letter queue is an order that never started its workflow.
    this.deadLetterMessages = props.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({
        period: minutes(ALARMS.deadLetterMessages.periodMinutes),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'DeadLetterQueueAlarm', alarm('dead-letter-queue', ALARMS.deadLetterMessages.threshold, 'Order messages in the dead-letter queue'));

    // The recovery job: orders it could not heal, and the job itself failing (one error every
    // five minutes would never reach the summed Lambda errors alarm).
    const recoveryMetric = (metricName: string, statistic: string, period?: Duration) =>
      new cloudwatch.Metric({
        namespace: metricsNamespace(props.deploymentName),
        metricName,
        dimensionsMap: { service: metricsServiceName(FUNCTIONS.recoverOrders.name, props.deploymentName) },
        statistic,
        period,
      });
    this.recoveryGaveUp = recoveryMetric(
      METRICS.recovery.gaveUp,
      cloudwatch.Stats.MAXIMUM,
      minutes(ALARMS.recoveryGaveUp.periodMinutes),
    ).createAlarm(this, 'RecoveryGaveUpAlarm', alarm('recovery-gave-up', ALARMS.recoveryGaveUp.threshold, 'Orders still stuck after every recovery attempt: see the recover-orders logs ("gaveUp") and docs/cloud.md, "Recovery job"'));
    this.recoveryFailing = props.recovery.function
      .metricErrors({ period: minutes(ALARMS.recoveryFailing.periodMinutes), statistic: sum })
      .createAlarm(this, 'RecoveryFailingAlarm', alarm('recovery-failing', ALARMS.recoveryFailing.threshold, `The recovery job failed more than ${ALARMS.recoveryFailing.threshold} time(s) in ${ALARMS.recoveryFailing.periodMinutes} minutes`));
    this.lowStock = recoveryMetric(METRICS.stock.lowStockProducts, cloudwatch.Stats.MAXIMUM, minutes(ALARMS.lowStock.periodMinutes)).createAlarm(
      this,
      'LowStockAlarm',
      alarm('low-stock', ALARMS.lowStock.threshold, `More than ${ALARMS.lowStock.threshold} product(s) at or under ${STOCK.lowStockThreshold} units: restock (the Inventory page, or PUT /products/{productId}/stock)`),
    );

    // Live order status: publishes lost by app-server and process-order together.
    const liveFailures = [FUNCTIONS.appServer.name, FUNCTIONS.processOrder.name].map(
      (name) =>
        new cloudwatch.Metric({
          namespace: metricsNamespace(props.deploymentName),
          metricName: METRICS.liveUpdates.publishFailed,
          dimensionsMap: { service: metricsServiceName(name, props.deploymentName) },
          statistic: sum,
          period: minutes(ALARMS.liveUpdatesFailed.periodMinutes),
        }),
    );
    this.liveUpdatesFailed = new cloudwatch.MathExpression({
      expression: sumOf('l', liveFailures),
      usingMetrics: usingMetrics('l', liveFailures),
      period: minutes(ALARMS.liveUpdatesFailed.periodMinutes),
      label: 'Live status events not published',
    }).createAlarm(this, 'LiveUpdatesFailedAlarm', alarm('live-updates-failed', ALARMS.liveUpdatesFailed.threshold, `More than ${ALARMS.liveUpdatesFailed.threshold} live order status events not published in ${ALARMS.liveUpdatesFailed.periodMinutes} minutes: see the app-server and process-order logs ("Live update not published") and docs/live-updates.md`));

    const alarms = this.alarms;
    const action = new SnsAction(props.alarmTopic);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }

    const fnMetric = (make: (fn: lambda.IFunction) => cloudwatch.IMetric) => props.functions.map(make);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Dashboard names are global to the account (every region): the region is part of it.
      dashboardName: `${props.deploymentName}-${Aws.REGION}-orders`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 3 })],
        [
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
            left: fnMetric((fn) => fn.metricErrors({ statistic: sum })),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Lambda invocations',
            left: fnMetric((fn) => fn.metricInvocations({ statistic: sum })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda duration (p99)',
            left: fnMetric((fn) => fn.metricDuration({ statistic: 'p99' })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda throttles',
            left: fnMetric((fn) => fn.metricThrottles({ statistic: sum })),
            width: 8,
          }),
        ],
        [
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
            right: throttleMetrics,
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Recovery job (orders per run)',
            left: RECOVERY_METRICS.map((name) => recoveryMetric(name, sum)),
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
        ],
      ],
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
      this.liveUpdatesFailed,
    ];
  }
}
