/**
 * What every alarm shares: the thresholds and periods (`ALARMS`), the options (named after the
 * deployment, notifying above the threshold, quiet without data), metrics our code publishes, and
 * sums of metrics in metric math.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { metricsNamespace, metricsServiceName } from '../server/environment.ts';

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

/** Where alarms are made: the construct they belong to, and the deployment whose name they carry. */
export interface AlarmSite {
  readonly scope: Construct;
  /** Unique per deployment: prefixes alarm names, qualifies the custom metrics' service dimension. */
  readonly deploymentName: string;
}

export const minutes = (n: number) => Duration.minutes(n);
export const sum = cloudwatch.Stats.SUM;

/** Metric ids in math expressions must start with a lower-case letter. */
export const usingMetrics = (prefix: string, metrics: cloudwatch.IMetric[]) =>
  Object.fromEntries(metrics.map((m, i) => [`${prefix}${i}`, m]));

/**
 * The sum of several metrics, each missing datapoint counted as 0: in metric math `a + b` has no
 * value where either has none (a function not invoked in the window, a table never throttled),
 * which would hide the others' errors.
 */
export const sumOf = (prefix: string, metrics: cloudwatch.IMetric[]) =>
  Object.keys(usingMetrics(prefix, metrics))
    .map((id) => `FILL(${id}, 0)`)
    .join(' + ');

/** Every alarm's options: named after the deployment, one period, above the threshold, quiet without data. */
export function alarmOptions(site: AlarmSite, name: string, threshold: number, alarmDescription: string): cloudwatch.CreateAlarmOptions {
  return {
    alarmName: `${site.deploymentName}-${name}`,
    alarmDescription,
    threshold,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}

/** A metric our code publishes (Powertools), from one function's service. */
export function publishedMetric(site: AlarmSite, functionName: string, metricName: string, statistic: string, period?: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricsNamespace(site.deploymentName),
    metricName,
    dimensionsMap: { service: metricsServiceName(functionName, site.deploymentName) },
    statistic,
    period,
  });
}
