/**
 * `npm run reconcile:stats`: checks that the per-day counters (issue 27) give, day by day, what the
 * orders' histories give (scripts/stats-lib.ts `statsMismatches`), over every day an order was
 * placed or changed. Exits 1 on any mismatch, 2 on a usage or read error.
 *
 *   npm run reconcile:stats -- [--data-dir .local]   the data of a stopped `npm start`
 *   (SHOP_TIME_ZONE as the stack counted with; UTC unless set)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Order } from '../amplify/domain/order.ts';
import { checkTimeZone, dayOf, DEFAULT_TIME_ZONE } from '../amplify/domain/stats.ts';
import { summarizeStats } from '../amplify/domain/stats-summary.ts';
import { findProduct } from '../amplify/domain/catalog.ts';
import { createDocumentClient } from '../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbStatsStore } from '../amplify/server/aws/dynamodb-stats-store.ts';
import { ORDERS_TABLE, STATS_TABLE } from '../amplify/server/settings/tables.ts';
import { ENV } from '../amplify/server/environment.ts';
import { LOCAL_AWS } from '../local/shared/aws.ts';
import { startDynamo } from '../local/dynamodb/dynamodb.ts';
import { scanTable } from './reconcile-lib.ts';
import { statsMismatches } from './stats-lib.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
  const dynamoDir = path.join(path.resolve(values['data-dir'] ?? process.env.LOCAL_DATA_DIR ?? '.local'), 'dynamodb');
  if (!existsSync(dynamoDir)) {
    console.error(`No local data in ${dynamoDir}; run \`npm start\` first, or pass --data-dir`);
    return 2;
  }
  const timeZone = checkTimeZone(process.env[ENV.shopTimeZone] || DEFAULT_TIME_ZONE);
  const dynamo = await startDynamo(dynamoDir);
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  try {
    const orders = await scanTable<Order>(dynamo.endpoint, ORDERS_TABLE.localName);
    const days = orders.flatMap((o) => [o.orderDate, ...(o.history ?? []).map((c) => c.at)]).map((at) => dayOf(at, timeZone)).sort();
    if (days.length === 0) {
      console.log('No orders: nothing to reconcile. OK');
      return 0;
    }
    const [from, to] = [days[0]!, days.at(-1)!];
    const store = new DynamoDbStatsStore(createDocumentClient(client), STATS_TABLE.localName, timeZone);
    // One GET /stats answer per year of days at most, as the API would give them.
    const problems: string[] = [];
    for (let start = from; start <= to; ) {
      const end = new Date(Math.min(Date.parse(`${start}T00:00:00Z`) + 365 * 86_400_000, Date.parse(`${to}T00:00:00Z`))).toISOString().slice(0, 10);
      const stats = summarizeStats(start, end, await store.days(start, end), (id) => findProduct(id)?.name);
      problems.push(...statsMismatches(stats, orders, timeZone));
      start = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
    console.log(`Shop figures of ${orders.length} orders, ${from} to ${to} (${timeZone}) against the orders:`);
    for (const problem of problems) console.log(`  ${problem}`);
    console.log(problems.length === 0 ? 'OK' : 'MISMATCHES FOUND (npm run backfill:stats rebuilds the days from the orders)');
    return problems.length === 0 ? 0 : 1;
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`Reconciliation of the shop figures failed: ${(error as Error).message}`);
  return 2;
});
