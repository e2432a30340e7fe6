/**
 * `GET /stats?from=YYYY-MM-DD&to=YYYY-MM-DD`: the shop's figures per day for staff (issue 27),
 * summed from the per-day counters (one Query over the range's day keys; the orders are never read).
 * Days are the shop's (`SHOP_TIME_ZONE`); at most `STATS_MAX_DAYS` a request.
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';
import { ROUTES } from '../../../domain/api.ts';
import { findProduct } from '../../../domain/catalog.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { daysBetween, STATS_MAX_DAYS, summarizeStats } from '../../../domain/stats-summary.ts';
import { closedObject } from '../../../domain/validation.ts';
import type { StatsStore } from '../../../server/ports.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { ApiError, json, parseWith } from '../http.ts';
import { restEvent, routerPath, signedInCaller } from '../request.ts';

const DAY_MESSAGE = 'Required: a date YYYY-MM-DD';
/** A calendar day that exists (`2026-02-30` does not). */
const day = v.pipe(
  v.string(DAY_MESSAGE),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, DAY_MESSAGE),
  v.check((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'Not a calendar day'),
);

export const statsQuerySchema = closedObject({ from: day, to: day });

/** The range of a request: both days valid, `to` not before `from`, at most `STATS_MAX_DAYS` days. */
export function parseStatsQuery(query: unknown): { from: string; to: string } {
  const { from, to } = parseWith(statsQuerySchema, query ?? {}, 'query parameters');
  if (to < from) throw new ValidationError('Invalid query parameters', [{ path: 'to', message: 'Must not be before from' }]);
  if (daysBetween(from, to).length > STATS_MAX_DAYS) {
    throw new ValidationError('Invalid query parameters', [{ path: 'to', message: `The range is at most ${STATS_MAX_DAYS} days (a year)` }]);
  }
  return { from, to };
}

export interface StatsRouteDeps {
  stats: Pick<StatsStore, 'days'>;
  confirmStaff: StaffConfirmation;
  logger: Logger;
}

export function statsRoutes({ stats, confirmStaff, logger }: StatsRouteDeps): Router {
  const router = new Router();
  router.get(routerPath(ROUTES.stats), async (ctx) => {
    const caller = await signedInCaller(ctx, confirmStaff);
    if (!caller.isStaff) throw new ApiError(403, 'The shop figures are for staff only', [{ path: 'stats', message: 'Staff only' }]);
    const { from, to } = parseStatsQuery(restEvent(ctx).queryStringParameters);
    logger.info('Staff stats', { staffSub: caller.sub, from, to });
    return json(200, summarizeStats(from, to, await stats.days(from, to), (productId) => findProduct(productId)?.name));
  });
  return router;
}
