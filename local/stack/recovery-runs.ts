/**
 * The recovery job's runs, as the EventBridge rule invokes recover-orders in the cloud: once at
 * start-up, once the late delivery schedules have fired, then every `intervalMs`.
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { RecoveryReport, RecoveryRunDetail } from '../../amplify/server/recovery.ts';
import { FUNCTIONS } from '../../amplify/server/settings/functions.ts';
import { scheduledEvent } from '../lambda/scheduled-event.ts';
import type { Log } from '../shared/http-guard.ts';

/** How long the start-up recovery run waits for the schedules that were late at start. */
const LATE_SCHEDULES_WAIT_MS = 10_000;

export async function startRecoveryRuns(options: {
  runRecovery: (event: ScheduledEvent<RecoveryRunDetail>) => Promise<RecoveryReport>;
  /** Resolves once the schedules that were late at start have fired. */
  lateFired: () => Promise<unknown>;
  intervalMs: number;
  log: Log;
}) {
  const { log } = options;
  // At start-up nothing is in flight (the local queues start empty, no execution runs) once the
  // schedules that came due while the stack was down have run (a late delivery confirms its
  // order, which a recovery would otherwise restart too), so every overdue open order is stuck
  // (staleness 0). A late schedule that keeps failing holds the start-up run back at most
  // `LATE_SCHEDULES_WAIT_MS`.
  await Promise.race([options.lateFired(), new Promise((resolve) => setTimeout(resolve, LATE_SCHEDULES_WAIT_MS).unref())]);
  const recover = (staleAfterMs?: number) =>
    options.runRecovery(scheduledEvent<RecoveryRunDetail>(FUNCTIONS.recoverOrders.name, staleAfterMs === undefined ? {} : { staleAfterMs }));
  const logRecovery = (report: RecoveryReport) => {
    const { enqueued, restarted, gaveUp, failed } = report;
    if (enqueued.length + restarted.length + gaveUp.length + failed.length === 0) return;
    log(
      `Recovery: re-enqueued ${enqueued.length}, restarted ${restarted.length}, gave up on ${gaveUp.length}, could not look at ${failed.length} order(s)`,
    );
  };
  await recover(0).then(logRecovery, (error: Error) => log(`Recovery at start-up failed: ${error.message}`));
  const timer = setInterval(() => {
    recover().then(logRecovery, (error: Error) => log(`Recovery failed: ${error.message}`));
  }, options.intervalMs);
  return { recover, stop: () => clearInterval(timer) };
}
