/**
 * `npm run backfill:stats`: builds the per-day counters (issue 27) from the orders once (a Scan of
 * the orders table), for a shop that upgrades or a day whose counting failed. Idempotent: each day's
 * item is replaced with what the orders say (scripts/stats-lib.ts).
 *
 *   ORDERS_TABLE_NAME=... STATS_TABLE_NAME=... [SHOP_TIME_ZONE=Europe/Madrid] npm run backfill:stats -- [--before YYYY-MM-DD]
 *   AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:<port>   a local DynamoDB (the local stack's names are the defaults)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { checkTimeZone, DEFAULT_TIME_ZONE } from '../amplify/domain/stats.ts';
import { createDocumentClient } from '../amplify/server/aws/dynamodb-order-repository.ts';
import { ENV, ORDERS_TABLE, STATS_TABLE } from '../amplify/server/settings.ts';
import { backfillStats } from './stats-lib.ts';

const { values } = parseArgs({ options: { before: { type: 'string' } } });
if (values.before !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.before)) {
  console.error('--before must be a day YYYY-MM-DD');
  process.exit(2);
}
const timeZone = checkTimeZone(process.env[ENV.shopTimeZone] || DEFAULT_TIME_ZONE);
const client = new DynamoDBClient({});
const result = await backfillStats(
  createDocumentClient(client),
  { orders: process.env[ENV.ordersTable] || ORDERS_TABLE.localName, stats: process.env[ENV.statsTable] || STATS_TABLE.localName },
  timeZone,
  values.before,
);
console.log(`Backfilled ${result.days} days (${timeZone}) from ${result.orders} orders`);
client.destroy();
