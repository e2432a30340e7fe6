/**
 * The per-day counters (issue 27) kept where an order's status changes: the order repository,
 * wrapped. Every status change is a conditional update that exactly one caller wins (`created`,
 * `changed`); that caller, and only it, adds the change's counts to its day. A step run twice, a
 * duplicated start, a recovery restart or a repeated API request all meet `changed: false` and
 * count nothing. No idempotency record is needed (two writes each): one counter update per change.
 *
 * The one gap, as with any two writes without a transaction: a process that dies between the
 * order's update and the counter's leaves that change uncounted (the retry sees `changed: false`).
 * A failed counter write is logged (`Stats count failed`, ERROR) and counted (metric
 * `StatsCountFailed`, the `stats-count-failed` alarm) and does not fail the step or the request:
 * the order's change stands. `npm run reconcile:stats` (`statsMismatches` of
 * scripts/stats-lib.ts) finds such a day and `npm run backfill:stats` rebuilds it from the orders' histories.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Order } from '../domain/order.ts';
import { changeCounts } from '../domain/stats.ts';
import type { OrderRepository, StatsStore } from './ports.ts';
import { METRICS } from './environment.ts';

export interface CountingLog {
  error(message: string, fields: Record<string, unknown>): void;
}

/**
 * `orders` with `create` and `transition` counting the change they made (and nothing else changed);
 * a failed count goes to `log` and to `metrics` (`StatsCountFailed`, published with the invocation's metrics).
 */
export function countingOrders<R extends OrderRepository>(orders: R, stats: StatsStore, log: CountingLog, metrics: Pick<Metrics, 'addMetric'>): R {
  const count = async (order: Order) => {
    const index = (order.history?.length ?? 0) - 1;
    const delta = changeCounts(order, index, stats.timeZone);
    if (!delta) return;
    try {
      await stats.add(delta);
    } catch (error) {
      log.error('Stats count failed', { orderId: order.orderId, status: order.history?.[index]?.status, delta, error });
      metrics.addMetric(METRICS.stats.countFailed, MetricUnit.Count, 1);
    }
  };
  const create: OrderRepository['create'] = async (...args) => {
    const result = await orders.create(...args);
    if (result.created) await count(result.order);
    return result;
  };
  const transition: OrderRepository['transition'] = async (...args) => {
    const result = await orders.transition(...args);
    if (result.changed) await count(result.order);
    return result;
  };
  return new Proxy(orders, {
    get(target, property, receiver) {
      if (property === 'create') return create;
      if (property === 'transition') return transition;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
