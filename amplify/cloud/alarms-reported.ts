/**
 * The alarms on what our functions report: the recovery job (orders given up, the job failing, low
 * stock as it counts it), and failed writes of app-server and process-order (the shop's counters,
 * live status events).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { STOCK } from '../domain/inventory.ts';
import { METRICS } from '../server/environment.ts';
import { FUNCTIONS } from '../server/settings/functions.ts';
import { alarmOptions, ALARMS, minutes, publishedMetric, sum, sumOf, usingMetrics, type AlarmSite } from './alarm-kit.ts';

/** Orders the recovery job could not heal. */
export function recoveryGaveUpAlarm(site: AlarmSite): cloudwatch.Alarm {
  return publishedMetric(site, FUNCTIONS.recoverOrders.name, METRICS.recovery.gaveUp, cloudwatch.Stats.MAXIMUM, minutes(ALARMS.recoveryGaveUp.periodMinutes)).createAlarm(
    site.scope,
    'RecoveryGaveUpAlarm',
    alarmOptions(site, 'recovery-gave-up', ALARMS.recoveryGaveUp.threshold, 'Orders still stuck after every recovery attempt: see the recover-orders logs ("gaveUp") and docs/cloud.md, "Recovery job"'),
  );
}

/** The recovery job itself failing (one error every five minutes would never reach the summed Lambda errors alarm). */
export function recoveryFailingAlarm(site: AlarmSite, recoveryFunction: lambda.IFunction): cloudwatch.Alarm {
  return recoveryFunction
    .metricErrors({ period: minutes(ALARMS.recoveryFailing.periodMinutes), statistic: sum })
    .createAlarm(site.scope, 'RecoveryFailingAlarm', alarmOptions(site, 'recovery-failing', ALARMS.recoveryFailing.threshold, `The recovery job failed more than ${ALARMS.recoveryFailing.threshold} time(s) in ${ALARMS.recoveryFailing.periodMinutes} minutes`));
}

/** Products at or under the low-stock threshold, as the recovery job counts them every run. */
export function lowStockAlarm(site: AlarmSite): cloudwatch.Alarm {
  return publishedMetric(site, FUNCTIONS.recoverOrders.name, METRICS.stock.lowStockProducts, cloudwatch.Stats.MAXIMUM, minutes(ALARMS.lowStock.periodMinutes)).createAlarm(
    site.scope,
    'LowStockAlarm',
    alarmOptions(site, 'low-stock', ALARMS.lowStock.threshold, `More than ${ALARMS.lowStock.threshold} product(s) at or under ${STOCK.lowStockThreshold} units: restock (the Inventory page, or PUT /products/{productId}/stock)`),
  );
}

/** A metric app-server and process-order both publish, summed (each missing datapoint 0). */
function summedOverOrderFunctions(site: AlarmSite, metricName: string, periodMinutes: number, label: string, idPrefix: string): cloudwatch.MathExpression {
  const metrics = [FUNCTIONS.appServer.name, FUNCTIONS.processOrder.name].map((name) => publishedMetric(site, name, metricName, sum, minutes(periodMinutes)));
  return new cloudwatch.MathExpression({ expression: sumOf(idPrefix, metrics), usingMetrics: usingMetrics(idPrefix, metrics), period: minutes(periodMinutes), label });
}

/** The shop's figures (issue 27): a counter write that failed in either function that counts. */
export function statsCountFailedAlarm(site: AlarmSite): cloudwatch.Alarm {
  return summedOverOrderFunctions(site, METRICS.stats.countFailed, ALARMS.statsCountFailed.periodMinutes, 'Shop figures: counter writes failed', 's').createAlarm(
    site.scope,
    'StatsCountFailedAlarm',
    alarmOptions(site, 'stats-count-failed', ALARMS.statsCountFailed.threshold, 'A per-day counter write failed ("Stats count failed" in the app-server or process-order logs): a day of GET /stats is short. Run npm run reconcile:stats, then backfill:stats (docs/cloud.md, "Shop figures")'),
  );
}

/** Live order status (issue 26): events app-server and process-order could not publish. */
export function liveUpdatesFailedAlarm(site: AlarmSite): cloudwatch.Alarm {
  return summedOverOrderFunctions(site, METRICS.liveUpdates.publishFailed, ALARMS.liveUpdatesFailed.periodMinutes, 'Live status events not published', 'l').createAlarm(
    site.scope,
    'LiveUpdatesFailedAlarm',
    alarmOptions(site, 'live-updates-failed', ALARMS.liveUpdatesFailed.threshold, `More than ${ALARMS.liveUpdatesFailed.threshold} live order status events not published in ${ALARMS.liveUpdatesFailed.periodMinutes} minutes: see the app-server and process-order logs ("Live update not published") and docs/live-updates.md`),
  );
}
