/**
 * Recovery: finds orders that stopped moving and drives them on.
 * - An order whose workflow never started (its queue message was not sent, or was lost) is put on
 *   the queue again; `order-starter` starts its execution, named after the order.
 * - An order whose execution ended without bringing it to a final state (failed, aborted, timed
 *   out) gets a new execution, `<orderId>-r<n>`; the steps are idempotent, so re-running the
 *   workflow from the start repeats nothing that already happened.
 * Orders with a running execution are left alone: waiting for delivery is not being stuck.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { OrderStore } from './order-store.ts';

export const MAX_RECOVERY_EXECUTIONS = 3;

export interface RecoveryDeps {
  store: OrderStore;
  sfn: SFNClient;
  stateMachineArn: string;
  enqueue: (orderId: string) => Promise<void>;
  /** Orders updated more recently than this are in flight, not stuck. */
  staleAfterMs: number;
  now?: () => Date;
  /** Told about an order the job could not recover this time. */
  onError?: (orderId: string, error: unknown) => void;
}

export interface RecoveryReport {
  examined: number;
  enqueued: string[];
  restarted: string[];
  gaveUp: string[];
  /** Orders the job could not look at this time (an AWS call failed); the next run tries again. */
  failed: string[];
}

export const executionName = (orderId: string, attempt: number) => (attempt === 0 ? orderId : `${orderId}-r${attempt}`);

export async function recoverStuckOrders(deps: RecoveryDeps): Promise<RecoveryReport> {
  const cutoff = new Date((deps.now ?? (() => new Date()))().getTime() - deps.staleAfterMs).toISOString();
  const report: RecoveryReport = { examined: 0, enqueued: [], restarted: [], gaveUp: [], failed: [] };
  for await (const orderId of deps.store.openOrderIdsUpdatedBefore(cutoff)) {
    report.examined += 1;
    try {
      await recoverOrder(deps, orderId, report);
    } catch (error) {
      // One order's failed call must not stop the others; the next run looks at it again.
      report.failed.push(orderId);
      deps.onError?.(orderId, error);
    }
  }
  return report;
}

async function recoverOrder(deps: RecoveryDeps, orderId: string, report: RecoveryReport): Promise<void> {
  const latest = await latestExecution(deps, orderId);
  if (!latest) {
    await deps.enqueue(orderId);
    report.enqueued.push(orderId);
    return;
  }
  if (latest.status === 'RUNNING') return;
  const next = latest.attempt + 1;
  if (next > MAX_RECOVERY_EXECUTIONS) {
    report.gaveUp.push(orderId);
    return;
  }
  await deps.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: deps.stateMachineArn,
      name: executionName(orderId, next),
      input: JSON.stringify({ orderId }),
    }),
  );
  report.restarted.push(orderId);
}

async function latestExecution(deps: RecoveryDeps, orderId: string): Promise<{ attempt: number; status: string } | undefined> {
  const executionPrefix = deps.stateMachineArn.replace(':stateMachine:', ':execution:');
  let latest: { attempt: number; status: string } | undefined;
  for (let attempt = 0; attempt <= MAX_RECOVERY_EXECUTIONS; attempt++) {
    try {
      const { status } = await deps.sfn.send(
        new DescribeExecutionCommand({ executionArn: `${executionPrefix}:${executionName(orderId, attempt)}` }),
      );
      latest = { attempt, status: status ?? 'UNKNOWN' };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) break;
      throw error;
    }
  }
  return latest;
}
