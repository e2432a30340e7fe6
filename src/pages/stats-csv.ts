/**
 * The Dashboard's CSV download of the days (`GET /stats`'s `days`): a header line, then one line per
 * day. Beside the page (not in the first page's bundle with the rest of `src/`).
 */
import type { StatsDay } from '../../amplify/domain/stats-summary.ts';

export function statsCsv(days: readonly StatsDay[]): string {
  // New columns go at the end: a spreadsheet reading the earlier ones by position keeps working.
  const header = 'date,orders,paid,declined,cancelled,refunded,revenue,outOfStock';
  return [header, ...days.map((d) => [d.date, d.orders, d.paid, d.declined, d.cancelled, d.refunded, d.revenue.toFixed(2), d.outOfStock].join(','))].join('\n') + '\n';
}
