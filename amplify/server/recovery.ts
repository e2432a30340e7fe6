/**
 * Recovery: finds orders that stopped moving and drives them on.
 * - An order whose workflow never started (its queue message was not sent, or was lost) is put on
 *   the queue again; `order-starter` starts its execution, named after the order.
 * - An order whose execution ended without bringing it to a final state (failed, aborted, timed
 *   out) gets a new execution, `<orderId>-r<n>`; the steps are idempotent, so re-running the
 *   workflow from the start repeats nothing that already happened.
 * Orders with a running execution are left alone. The job finds its work through the open-orders
 * index, sorted by when each order's next step is due (`nextStepDueAt`): an order waiting for its
 * delivery date is not due, so it is never looked at; only orders overdue by `staleAfterMs` are.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { OrderRepository } from './ports.ts';

export const MAX_RECOVERY_EXECUTIONS = 3;

export interface RecoveryDeps {
  store: OrderRepository;
  sfn: SFNClient;
  stateMachineArn: string;
  enqueue: (orderId: string) => Promise<void>;
  /** Orders overdue (past their next step's due time) by more than this are stuck, not in flight. */
  staleAfterMs: number;
  /** Open orders read per index page. */
  pageSize: number;
  /** Epoch ms after which the run starts no new order (the function's timeout minus a margin). */
  deadline?: number;
  now?: () => Date;
  /** Told about an order the job could not recover this time. */
  onError?: (orderId: string, error: unknown) => void;
}

export interface RecoveryReport {
  examined: number;
  /** Index pages read. */
  pages: number;
  enqueued: string[];
  restarted: string[];
  gaveUp: string[];
  /** Orders the job could not look at this time (an AWS call failed); the next run tries again. */
  failed: string[];
  /** The run reached its deadline with overdue orders left; the next run continues. */
  stoppedEarly: boolean;
}

export const emptyRecoveryReport = (): RecoveryReport => ({
  examined: 0,
  pages: 0,
  enqueued: [],
  restarted: [],
  gaveUp: [],
  failed: [],
  stoppedEarly: false,
});

export const executionName = (orderId: string, attempt: number) => (attempt === 0 ? orderId : `${orderId}-r${attempt}`);

/**
 * One run: reads the overdue open orders page by page, most overdue first, and drives each on,
 * until none is left or the deadline passes. `report` is filled in as the run goes, so a caller
 * can publish what was done even if the run is cut short by an error.
 */
export async function recoverStuckOrders(deps: RecoveryDeps, report: RecoveryReport = emptyRecoveryReport()): Promise<RecoveryReport> {
  const clock = deps.now ?? (() => new Date());
  const cutoff = new Date(clock().getTime() - deps.staleAfterMs).toISOString();
  const outOfTime = () => deps.deadline !== undefined && clock().getTime() >= deps.deadline;
  let startKey: Record<string, unknown> | undefined;
  do {
    if (outOfTime()) {
      report.stoppedEarly = true;
      break;
    }
    const page = await deps.store.openOrdersDueBefore(cutoff, deps.pageSize, startKey);
    report.pages += 1;
    for (const orderId of page.orderIds) {
      if (outOfTime()) {
        report.stoppedEarly = true;
        return report;
      }
      report.examined += 1;
      try {
        await recoverOrder(deps, orderId, report);
      } catch (error) {
        // One order's failed call must not stop the others; the next run looks at it again.
        report.failed.push(orderId);
        deps.onError?.(orderId, error);
      }
    }
    startKey = page.nextKey;
  } while (startKey);
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
