/**
 * Recovery: finds orders that stopped moving and drives them on, through the ports (the order
 * repository, the order queue, the workflow starter); `recover-orders` runs it with the AWS adapters.
 * - An order still PENDING at its first recovery (its queue message may never have been sent, or
 *   was lost) is put on the queue again; `order-starter` starts its execution.
 * - Any other overdue open order gets a new execution, its recovery attempt n (on Step Functions
 *   named `<orderId>-r<n>`, see `aws/sfn-workflow-starter.ts`): the steps are idempotent,
 *   so re-running the workflow from the start repeats nothing that already happened. A SHIPPED
 *   order overdue past its delivery date lost its delivery schedule (it fired and failed, or was
 *   never created): the new execution's ScheduleDelivery step creates it again.
 * The workflow is Express: there is no DescribeExecution to ask whether an execution still runs,
 * and none needed: an Express execution ends within `STATE_MACHINE.maxDurationMinutes`, and the
 * job only drives on orders untouched for longer (`staleAfterMs`): overdue in the index, and not
 * changed since (the claim's condition on `updatedAt`: the payment keeps the order's due date, so
 * an overdue order may still be moving), so none of them has one running.
 * Each recovery is counted on the order (`claimRecoveryAttempt`, conditional, at most
 * `RECOVERY.maxExecutionsPerOrder`), which also makes the order due again from now: it is looked at again
 * only after another `staleAfterMs`, when the execution just started has long ended.
 * The job finds its work through the open-orders index, sorted by when each order's next step is
 * due (`nextStepDueAt`): an order waiting for its delivery date is not due, so it is never looked at.
 */
import type { OrderQueue, OrderRepository, WorkflowStarter } from './ports.ts';
import { RECOVERY } from './settings/recovery.ts';

/**
 * What one run may be told beside its schedule (the EventBridge event's `detail`): an operator or
 * the local runtime can ask for another staleness than the setting's, e.g. 0 at the local stack's
 * start-up, when nothing can be running.
 */
export interface RecoveryRunDetail {
  staleAfterMs?: number;
}

export interface RecoveryDeps {
  store: OrderRepository;
  /** Starts a recovery execution (`attempt` n of the order). */
  workflow: WorkflowStarter;
  /** The queue `order-starter` reads: a PENDING order's first recovery goes back on it. */
  queue: OrderQueue;
  /**
   * Orders overdue (past their next step's due time) by more than this are stuck, not in flight.
   * At least an Express execution's maximum duration, so that none of them can still be running
   * (0 only where nothing can be running: the local stack at start-up).
   */
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
        await recoverOrder(deps, orderId, report, clock(), cutoff);
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

async function recoverOrder(deps: RecoveryDeps, orderId: string, report: RecoveryReport, now: Date, cutoff: string): Promise<void> {
  const claim = await deps.store.claimRecoveryAttempt(orderId, RECOVERY.maxExecutionsPerOrder, now.toISOString(), cutoff);
  if (claim === 'closed') return; // reached a final status since the index was read
  if (claim === 'moving') return; // changed within staleAfterMs: its execution is still at work
  if (claim === 'exhausted') {
    report.gaveUp.push(orderId);
    return;
  }
  const { order, attempt } = claim;
  if (order.status === 'PENDING' && attempt === 1) {
    await deps.queue.enqueue(orderId);
    report.enqueued.push(orderId);
    return;
  }
  await deps.workflow.start(orderId, attempt);
  report.restarted.push(orderId);
}
