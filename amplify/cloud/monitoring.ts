/**
 * The alarms, one method per family: Lambda errors, the API's 5XX rate, DynamoDB throttles, failed
 * executions, the order queue (its oldest message's age, the dead-letter queue's depth), the
 * recovery job (orders given up, the job failing), low stock and failed counter writes; and the
 * dashboard (dashboard.ts). Alarms notify the alarm topic (e-mail when `ALARM_EMAIL` is set). Every
 * alarm name, and every metric our code publishes, carries the deployment's name: sandboxes and
 * branches share accounts.
 */
import { Duration } from 'aws-cdk-lib';
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
import { ordersDashboard } from './dashboard.ts';
import { FUNCTIONS } from '../server/settings.ts';
import { METRICS, metricsNamespace, metricsServiceName } from '../server/environment.ts';


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
   * A per-day counter write that failed (`StatsCountFailed`, from app-server and process-order): any
   * one leaves a day's shop figures short until `npm run reconcile:stats` / `backfill:stats` repair it.
   */
  statsCountFailed: { threshold: 0, periodMinutes: 5 },
  /**
   * Live status events that could not be published (AppSync Events unreachable, throttled, or the
   * publish right gone): customers' pages fall back to reading and slow polling, so a few are
   * tolerated; more than this in the period means live updates are broken.
   */
  liveUpdatesFailed: { threshold: 10, periodMinutes: 5 },
} as const;

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
const sum = cloudwatch.Stats.SUM;
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
  readonly statsCountFailed: cloudwatch.Alarm;
  readonly liveUpdatesFailed: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  private readonly props: MonitoringProps;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    this.lambdaErrors = this.lambdaErrorsAlarm();
    this.api5xx = this.api5xxAlarm();
    this.dynamoThrottles = props.tables.flatMap((monitored) => this.dynamoThrottlesAlarms(monitored));
    this.workflowFailures = this.workflowFailuresAlarm();
    this.orderQueueAge = this.orderQueueAgeAlarm();
    this.deadLetterMessages = this.deadLetterAlarm();
    this.recoveryGaveUp = this.recoveryGaveUpAlarm();
    this.recoveryFailing = this.recoveryFailingAlarm();
    this.lowStock = this.lowStockAlarm();
    this.statsCountFailed = this.statsCountFailedAlarm();
    this.liveUpdatesFailed = this.liveUpdatesFailedAlarm();
    const action = new SnsAction(props.alarmTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.dashboard = this.createDashboard();
  }

  /** Every alarm's options: named after the deployment, one period, above the threshold, quiet without data. */
  private options(name: string, threshold: number, alarmDescription: string): cloudwatch.CreateAlarmOptions {
    return {
      alarmName: `${this.props.deploymentName}-${name}`,
      alarmDescription,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
  }

  /** A metric our code publishes (Powertools), from one function's service. */
  private published(functionName: string, metricName: string, statistic: string, period?: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: metricsNamespace(this.props.deploymentName),
      metricName,
      dimensionsMap: { service: metricsServiceName(functionName, this.props.deploymentName) },
      statistic,
      period,
    });
  }

  /** Lambda errors > 10 in 5 minutes, summed over every function (the recovery job included). */
  private lambdaErrorsAlarm(): cloudwatch.Alarm {
    const errorMetrics = this.props.functions.map((fn) =>
      fn.metricErrors({ period: minutes(ALARMS.lambdaErrors.periodMinutes), statistic: sum }),
    );
    return new cloudwatch.MathExpression({
      expression: sumOf('e', errorMetrics),
      usingMetrics: usingMetrics('e', errorMetrics),
      period: minutes(ALARMS.lambdaErrors.periodMinutes),
      label: 'Lambda errors (all functions)',
    }).createAlarm(this, 'LambdaErrorsAlarm', this.options('lambda-errors', ALARMS.lambdaErrors.threshold, `Lambda errors > ${ALARMS.lambdaErrors.threshold} in ${ALARMS.lambdaErrors.periodMinutes} minutes`));
  }

  /** API 5XX > 5% of requests in 5 minutes. */
  private api5xxAlarm(): cloudwatch.Alarm {
    const apiPeriod = minutes(ALARMS.api5xxPercent.periodMinutes);
    return new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: this.props.api.metricServerError({ period: apiPeriod, statistic: sum }),
        requests: this.props.api.metricCount({ period: apiPeriod, statistic: sum }),
      },
      period: apiPeriod,
      label: 'API 5XX rate (%)',
    }).createAlarm(this, 'Api5xxAlarm', this.options('api-5xx-rate', ALARMS.api5xxPercent.threshold, `API 5XX > ${ALARMS.api5xxPercent.threshold}% of requests in ${ALARMS.api5xxPercent.periodMinutes} minutes`));
  }

  /**
   * DynamoDB throttles > 0: reads and writes of each table and of each of its global secondary
   * indexes (an index's throttles are its own metric, with the index as a second dimension). A
   * metric-math alarm evaluates at most 10 metrics: one alarm per table, split further if needed.
   */
  private throttleMetricsOf({ table, indexes }: MonitoredTable): cloudwatch.Metric[] {
    return [{}, ...indexes.map((index) => ({ GlobalSecondaryIndexName: index }))].flatMap((indexDimension) =>
      ['ReadThrottleEvents', 'WriteThrottleEvents'].map(
        (metricName) =>
          new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName,
            dimensionsMap: { TableName: table.tableName, ...indexDimension },
            period: minutes(ALARMS.dynamoThrottles.periodMinutes),
            statistic: sum,
          }),
      ),
    );
  }

  private dynamoThrottlesAlarms(monitored: MonitoredTable): cloudwatch.Alarm[] {
    const groups = chunks(this.throttleMetricsOf(monitored), MAX_METRICS_PER_ALARM);
    return groups.map((metrics, i) => {
      const name = `dynamodb-throttles-${monitored.label}${groups.length > 1 ? `-${i + 1}` : ''}`;
      return new cloudwatch.MathExpression({
        expression: sumOf('t', metrics),
        usingMetrics: usingMetrics('t', metrics),
        period: minutes(ALARMS.dynamoThrottles.periodMinutes),
        label: `DynamoDB throttle events (${monitored.label})`,
      }).createAlarm(this, `DynamoThrottlesAlarm-${name}`, this.options(name, ALARMS.dynamoThrottles.threshold, `DynamoDB throttles > ${ALARMS.dynamoThrottles.threshold} on the ${monitored.label} table or its indexes`));
    });
  }

  /** Step Functions executions failed, timed out or aborted > 3 in 10 minutes. */
  private workflowFailuresAlarm(): cloudwatch.Alarm {
    const workflowPeriod = minutes(ALARMS.workflowFailures.periodMinutes);
    const workflowEnds = [
      this.props.stateMachine.metricFailed({ period: workflowPeriod, statistic: sum }),
      this.props.stateMachine.metricTimedOut({ period: workflowPeriod, statistic: sum }),
      this.props.stateMachine.metricAborted({ period: workflowPeriod, statistic: sum }),
    ];
    return new cloudwatch.MathExpression({
      expression: sumOf('w', workflowEnds),
      usingMetrics: usingMetrics('w', workflowEnds),
      period: workflowPeriod,
      label: 'Executions failed, timed out or aborted',
    }).createAlarm(this, 'WorkflowFailuresAlarm', this.options('workflow-failures', ALARMS.workflowFailures.threshold, `Step Functions executions failed, timed out or aborted > ${ALARMS.workflowFailures.threshold} in ${ALARMS.workflowFailures.periodMinutes} minutes`));
  }

  /** Orders waiting to start: the order queue's oldest message. */
  private orderQueueAgeAlarm(): cloudwatch.Alarm {
    return this.props.queue
      .metricApproximateAgeOfOldestMessage({
        period: minutes(ALARMS.orderQueueAgeSeconds.periodMinutes),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'OrderQueueAgeAlarm', this.options('order-queue-age', ALARMS.orderQueueAgeSeconds.threshold, `The order queue's oldest message is older than ${ALARMS.orderQueueAgeSeconds.threshold} s: orders are not starting`));
  }

  /** Any message in the dead-letter queue is an order that never started its workflow. */
  private deadLetterAlarm(): cloudwatch.Alarm {
    return this.props.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({
        period: minutes(ALARMS.deadLetterMessages.periodMinutes),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, 'DeadLetterQueueAlarm', this.options('dead-letter-queue', ALARMS.deadLetterMessages.threshold, 'Order messages in the dead-letter queue'));
  }

  /** Orders the recovery job could not heal. */
  private recoveryGaveUpAlarm(): cloudwatch.Alarm {
    return this.published(FUNCTIONS.recoverOrders.name, METRICS.recovery.gaveUp, cloudwatch.Stats.MAXIMUM, minutes(ALARMS.recoveryGaveUp.periodMinutes)).createAlarm(
      this,
      'RecoveryGaveUpAlarm',
      this.options('recovery-gave-up', ALARMS.recoveryGaveUp.threshold, 'Orders still stuck after every recovery attempt: see the recover-orders logs ("gaveUp") and docs/cloud.md, "Recovery job"'),
    );
  }

  /** The recovery job itself failing (one error every five minutes would never reach the summed Lambda errors alarm). */
  private recoveryFailingAlarm(): cloudwatch.Alarm {
    return this.props.recovery.function
      .metricErrors({ period: minutes(ALARMS.recoveryFailing.periodMinutes), statistic: sum })
      .createAlarm(this, 'RecoveryFailingAlarm', this.options('recovery-failing', ALARMS.recoveryFailing.threshold, `The recovery job failed more than ${ALARMS.recoveryFailing.threshold} time(s) in ${ALARMS.recoveryFailing.periodMinutes} minutes`));
  }

  /** Products at or under the low-stock threshold, as the recovery job counts them every run. */
  private lowStockAlarm(): cloudwatch.Alarm {
    return this.published(FUNCTIONS.recoverOrders.name, METRICS.stock.lowStockProducts, cloudwatch.Stats.MAXIMUM, minutes(ALARMS.lowStock.periodMinutes)).createAlarm(
      this,
      'LowStockAlarm',
      this.options('low-stock', ALARMS.lowStock.threshold, `More than ${ALARMS.lowStock.threshold} product(s) at or under ${STOCK.lowStockThreshold} units: restock (the Inventory page, or PUT /products/{productId}/stock)`),
    );
  }

  /** A metric app-server and process-order both publish, summed (each missing datapoint 0). */
  private summedOverOrderFunctions(metricName: string, periodMinutes: number, label: string, idPrefix: string): cloudwatch.MathExpression {
    const metrics = [FUNCTIONS.appServer.name, FUNCTIONS.processOrder.name].map((name) => this.published(name, metricName, sum, minutes(periodMinutes)));
    return new cloudwatch.MathExpression({ expression: sumOf(idPrefix, metrics), usingMetrics: usingMetrics(idPrefix, metrics), period: minutes(periodMinutes), label });
  }

  /** The shop's figures (issue 27): a counter write that failed in either function that counts. */
  private statsCountFailedAlarm(): cloudwatch.Alarm {
    return this.summedOverOrderFunctions(METRICS.stats.countFailed, ALARMS.statsCountFailed.periodMinutes, 'Shop figures: counter writes failed', 's').createAlarm(
      this,
      'StatsCountFailedAlarm',
      this.options('stats-count-failed', ALARMS.statsCountFailed.threshold, 'A per-day counter write failed ("Stats count failed" in the app-server or process-order logs): a day of GET /stats is short. Run npm run reconcile:stats, then backfill:stats (docs/cloud.md, "Shop figures")'),
    );
  }

  /** Live order status (issue 26): events app-server and process-order could not publish. */
  private liveUpdatesFailedAlarm(): cloudwatch.Alarm {
    return this.summedOverOrderFunctions(METRICS.liveUpdates.publishFailed, ALARMS.liveUpdatesFailed.periodMinutes, 'Live status events not published', 'l').createAlarm(
      this,
      'LiveUpdatesFailedAlarm',
      this.options('live-updates-failed', ALARMS.liveUpdatesFailed.threshold, `More than ${ALARMS.liveUpdatesFailed.threshold} live order status events not published in ${ALARMS.liveUpdatesFailed.periodMinutes} minutes: see the app-server and process-order logs ("Live update not published") and docs/live-updates.md`),
    );
  }

  /** The key metrics on one dashboard (dashboard.ts), alarms first. */
  private createDashboard(): cloudwatch.Dashboard {
    return ordersDashboard(this, {
      ...this.props,
      alarms: this.alarms,
      throttleMetrics: this.props.tables.flatMap((monitored) => this.throttleMetricsOf(monitored)),
      recoveryMetric: (metricName, statistic) => this.published(FUNCTIONS.recoverOrders.name, metricName, statistic),
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
