/**
 * The recovery job's settings (`RECOVERY`), and the staleness a run goes by
 * (`recoveryStaleAfterMs`: the cloud's value, or the environment's where it sets one).
 */
import { ENV } from '../environment.ts';

/** The recovery job (`amplify/server/recovery.ts`): how often it runs, and when an order counts as stuck. */
export const RECOVERY = {
  scheduleMinutes: 5,
  /**
   * Open orders overdue by longer than this are stuck (the workflow's steps take seconds). The
   * cloud's value; `ENV.recoveryStaleAfterMs` sets another (the local runtime), see `recoveryStaleAfterMs`.
   */
  staleAfterMinutes: 15,
  /** Open orders read per index page (keys only). */
  pageSize: 100,
  /** Time kept back from the function's timeout for the order in hand and publishing metrics. */
  stopBeforeTimeoutSeconds: 20,
  /** New executions the job gives one order (counted on it) before it gives up and says so. */
  maxExecutionsPerOrder: 3,
} as const;

/**
 * How long an open order must be overdue before the recovery job drives it on, in milliseconds:
 * `ENV.recoveryStaleAfterMs` where it is set (the local runtime's `LOCAL_RECOVERY_STALE_AFTER_MS`),
 * else `RECOVERY.staleAfterMinutes` (the cloud sets no variable). Also checks a run's own value
 * (`RecoveryRunDetail`): a whole number; a negative one looks ahead (orders due that much later).
 */
export function recoveryStaleAfterMs(value: unknown = process.env[ENV.recoveryStaleAfterMs]): number {
  if (value === undefined || value === '') return RECOVERY.staleAfterMinutes * 60_000;
  const ms = typeof value === 'string' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) {
    throw new RangeError(`The recovery staleness must be a whole number of milliseconds, not ${JSON.stringify(value)}`);
  }
  return ms;
}
