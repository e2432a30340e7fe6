/**
 * The functions: their names (also their Powertools service names), memory, timeouts, tracing and
 * logging, the resource group holding them, and how long their logs are kept. Plain data.
 */

/** The Amplify resource group (nested stack) holding the functions and every custom resource. */
export const RESOURCE_GROUP = 'orders';

/**
 * Each function: its name, which is also its Powertools service name (logs, traces, metrics), and
 * its X-Ray tracing mode. `Active`: Lambda follows the caller's sampling decision and, when there
 * is none, samples by its own fixed rule (the first request each second, then 5%), which at this
 * store's volume records every invocation. `PassThrough`: Lambda records a trace only when the
 * caller's header says sampled. order-starter (fed by the queue) and process-order (called by the
 * workflow, and by the delivery schedules, which send no header) use PassThrough: they are traced
 * only as part of a trace someone upstream sampled, and never start traces of their own. So a
 * workflow execution is traced only when the decision order-starter hands Step Functions says so
 * (`amplify/cloud/tracing.ts`); an order's API requests are traced at 5%.
 */
export const FUNCTIONS = {
  /**
   * Under API Gateway's 29-second integration timeout (`API_INTEGRATION_TIMEOUT_SECONDS`): past it
   * the client has its 504 while the function would still run, and might place the order it was
   * told failed. Ending first, the function's own error is what the client sees.
   */
  appServer: { name: 'app-server', memoryMB: 128, timeoutSeconds: 25, tracing: 'Active' },
  orderStarter: { name: 'order-starter', memoryMB: 128, timeoutSeconds: 30, tracing: 'PassThrough' },
  processOrder: { name: 'process-order', memoryMB: 128, timeoutSeconds: 30, tracing: 'PassThrough' },
  /**
   * Scheduled recovery job. 120 s, well under the schedule interval so runs do not overlap; the
   * job stops starting new work `RECOVERY.stopBeforeTimeoutSeconds` before it, so it always ends
   * (and publishes its metrics) on its own; the next run continues.
   */
  recoverOrders: { name: 'recover-orders', memoryMB: 128, timeoutSeconds: 120, tracing: 'Active' },
} as const;

/** API Gateway REST's limit on waiting for an integration (Lambda proxy), seconds. */
export const API_INTEGRATION_TIMEOUT_SECONDS = 29;

/**
 * How the functions log in AWS (Lambda's logging configuration, set by amplify/cloud/functions.ts):
 *   - JSON, the format Lambda's log-level filtering needs.
 *   - Application logs at INFO and above. Powertools' metrics are log lines without a level, which
 *     Lambda counts as INFO: a stricter level would drop them. The handlers log the happy path's
 *     steps at DEBUG (each step's outcome is on the order and in the metrics), so a successful
 *     order writes no application log line; warnings and errors are always logged.
 *   - Lambda's own lines at WARN: the START and REPORT lines (INFO) it writes for every invocation
 *     are dropped. Lambda's metrics (duration, errors, throttles) do not depend on them.
 * Powertools' logger follows Lambda's application level (AWS_LAMBDA_LOG_LEVEL takes precedence over
 * POWERTOOLS_LOG_LEVEL). The bench's cost run logs at this level; `npm start` at WARN unless
 * POWERTOOLS_LOG_LEVEL says otherwise (a quiet console). To follow each step of a deployed
 * function, set its application log level to DEBUG. What WARN costs: Lambda's REPORT line also
 * carried each invocation's duration, memory used and init time (Lambda's metrics keep duration).
 */
export const FUNCTION_LOGGING = { format: 'JSON', applicationLevel: 'INFO', systemLevel: 'WARN' } as const;

/** Retention of every log group of a deployment (functions, API, workflow). */
export const LOG_RETENTION = '1 month' as const;
