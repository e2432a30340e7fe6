/**
 * The alarms on AWS's own metrics of the resources: Lambda errors summed over every function, the
 * API's 5XX rate, DynamoDB throttles of each table and its indexes.
 */
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { alarmOptions, ALARMS, MAX_METRICS_PER_ALARM, minutes, sum, sumOf, usingMetrics, type AlarmSite } from './alarm-kit.ts';

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

/** Lambda errors > 10 in 5 minutes, summed over every function (the recovery job included). */
export function lambdaErrorsAlarm(site: AlarmSite, functions: lambda.IFunction[]): cloudwatch.Alarm {
  const errorMetrics = functions.map((fn) => fn.metricErrors({ period: minutes(ALARMS.lambdaErrors.periodMinutes), statistic: sum }));
  return new cloudwatch.MathExpression({
    expression: sumOf('e', errorMetrics),
    usingMetrics: usingMetrics('e', errorMetrics),
    period: minutes(ALARMS.lambdaErrors.periodMinutes),
    label: 'Lambda errors (all functions)',
  }).createAlarm(site.scope, 'LambdaErrorsAlarm', alarmOptions(site, 'lambda-errors', ALARMS.lambdaErrors.threshold, `Lambda errors > ${ALARMS.lambdaErrors.threshold} in ${ALARMS.lambdaErrors.periodMinutes} minutes`));
}

/** API 5XX > 5% of requests in 5 minutes. */
export function api5xxAlarm(site: AlarmSite, api: apigw.RestApi): cloudwatch.Alarm {
  const apiPeriod = minutes(ALARMS.api5xxPercent.periodMinutes);
  return new cloudwatch.MathExpression({
    expression: 'IF(requests > 0, 100 * errors / requests, 0)',
    usingMetrics: {
      errors: api.metricServerError({ period: apiPeriod, statistic: sum }),
      requests: api.metricCount({ period: apiPeriod, statistic: sum }),
    },
    period: apiPeriod,
    label: 'API 5XX rate (%)',
  }).createAlarm(site.scope, 'Api5xxAlarm', alarmOptions(site, 'api-5xx-rate', ALARMS.api5xxPercent.threshold, `API 5XX > ${ALARMS.api5xxPercent.threshold}% of requests in ${ALARMS.api5xxPercent.periodMinutes} minutes`));
}

/**
 * DynamoDB throttles > 0: reads and writes of each table and of each of its global secondary
 * indexes (an index's throttles are its own metric, with the index as a second dimension). A
 * metric-math alarm evaluates at most 10 metrics: one alarm per table, split further if needed.
 */
export function throttleMetricsOf({ table, indexes }: MonitoredTable): cloudwatch.Metric[] {
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

export function dynamoThrottlesAlarms(site: AlarmSite, monitored: MonitoredTable): cloudwatch.Alarm[] {
  const groups = chunks(throttleMetricsOf(monitored), MAX_METRICS_PER_ALARM);
  return groups.map((metrics, i) => {
    const name = `dynamodb-throttles-${monitored.label}${groups.length > 1 ? `-${i + 1}` : ''}`;
    return new cloudwatch.MathExpression({
      expression: sumOf('t', metrics),
      usingMetrics: usingMetrics('t', metrics),
      period: minutes(ALARMS.dynamoThrottles.periodMinutes),
      label: `DynamoDB throttle events (${monitored.label})`,
    }).createAlarm(site.scope, `DynamoThrottlesAlarm-${name}`, alarmOptions(site, name, ALARMS.dynamoThrottles.threshold, `DynamoDB throttles > ${ALARMS.dynamoThrottles.threshold} on the ${monitored.label} table or its indexes`));
  });
}
