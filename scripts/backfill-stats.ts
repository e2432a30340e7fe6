/**
 * `npm run backfill:stats`: builds the per-day counters (issue 27) from the orders once (a Scan of
 * the orders table), for a shop that upgrades or a day whose counting failed. Idempotent: each day's
 * item is replaced with what the orders say (scripts/stats-lib.ts).
 *
 *   ORDERS_TABLE_NAME=... STATS_TABLE_NAME=... [SHOP_TIME_ZONE=Europe/Madrid] npm run backfill:stats -- [--before YYYY-MM-DD]
 *   npm run backfill:stats -- --data-dir .local          the data of a stopped `npm start`
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkTimeZone, DEFAULT_TIME_ZONE } from '../amplify/domain/stats.ts';
import { createDocumentClient } from '../amplify/server/aws/dynamodb-order-items.ts';
import { ORDERS_TABLE, STATS_TABLE } from '../amplify/server/settings/tables.ts';
import { ENV } from '../amplify/server/environment.ts';
import { LOCAL_AWS } from '../local/shared/aws.ts';
import { startDynamo } from '../local/dynamodb/dynamodb.ts';
import { backfillStats } from './stats-lib.ts';

const { values } = parseArgs({ options: { before: { type: 'string' }, 'data-dir': { type: 'string' } } });
if (values.before !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.before)) {
  console.error('--before must be a day YYYY-MM-DD');
  process.exit(2);
}
const timeZone = checkTimeZone(process.env[ENV.shopTimeZone] || DEFAULT_TIME_ZONE);
// A stopped `npm start`'s data folder (dynalite on it), or the AWS account of the environment.
const dynamoDir = values['data-dir'] ? path.join(path.resolve(values['data-dir']), 'dynamodb') : undefined;
if (dynamoDir && !existsSync(dynamoDir)) {
  console.error(`No local data in ${dynamoDir}; run \`npm start\` first, or pass another --data-dir`);
  process.exit(2);
}
const local = dynamoDir ? await startDynamo(dynamoDir) : undefined;
const client = new DynamoDBClient(local ? { ...LOCAL_AWS, endpoint: local.endpoint } : {});
const result = await backfillStats(
  createDocumentClient(client),
  { orders: process.env[ENV.ordersTable] || ORDERS_TABLE.localName, stats: process.env[ENV.statsTable] || STATS_TABLE.localName },
  timeZone,
  values.before,
);
console.log(`Backfilled ${result.days} days (${timeZone}) from ${result.orders} orders`);
client.destroy();
await local?.stop();
