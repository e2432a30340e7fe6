/** A real local DynamoDB (dynalite, LevelDB on disk) with the tables of `amplify/server/settings/tables.ts`. */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, ORDERS_TABLE_INDEXES, STATS_TABLE, STOCK_TABLE, type OrdersTableIndex } from '../../amplify/server/settings/tables.ts';
import { makeDynaliteWritesAtomic } from './dynalite-atomic-writes.ts';
import { answerClientErrors, containRequestErrors, guardAwsEndpoint, type Log } from '../shared/http-guard.ts';

/** An index as CreateTable takes it, from its definition in `ORDERS_TABLE_INDEXES`. */
function globalSecondaryIndex(index: OrdersTableIndex) {
  const { projection: p } = index;
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      ...('sortKey' in index ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    Projection: p.type === 'INCLUDE' ? { ProjectionType: p.type, NonKeyAttributes: [...p.attributes] } : { ProjectionType: p.type },
  };
}

/** Every attribute a key of the table or of one of its indexes names, once. */
const ordersKeyAttributes = [
  ...new Set([ORDERS_TABLE.partitionKey, ...ORDERS_TABLE_INDEXES.flatMap((index) => ('sortKey' in index ? [index.partitionKey, index.sortKey] : [index.partitionKey]))]),
];

/** A table with a string partition and sort key and no index (the stock and the stats tables). */
function keyedTable(table: { localName: string; partitionKey: string; sortKey: string }): CreateTableCommandInput {
  return {
    TableName: table.localName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: table.partitionKey, AttributeType: 'S' },
      { AttributeName: table.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: table.partitionKey, KeyType: 'HASH' },
      { AttributeName: table.sortKey, KeyType: 'RANGE' },
    ],
  };
}

/** The table definitions, as CreateTable input, built from the shared names and keys. */
export const LOCAL_TABLES: CreateTableCommandInput[] = [
  {
    TableName: ORDERS_TABLE.localName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ordersKeyAttributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: ORDERS_TABLE.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: ORDERS_TABLE_INDEXES.map(globalSecondaryIndex),
  },
  {
    TableName: IDEMPOTENCY_TABLE.localName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
  },
  keyedTable(STOCK_TABLE),
  keyedTable(STATS_TABLE),
];

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts dynalite keeping its data under `dir` (or in memory without one) and creates missing
 * tables. It listens on 127.0.0.1 only, behind a guard that refuses browsers (dynalite itself
 * answers any origin's CORS preflight) and foreign Host headers.
 */
export async function startDynamo(dir: string | undefined, port = 0, log: Log = () => undefined): Promise<LocalDynamo> {
  // An item and its index entries in one write, so a kill never leaves an item out of its indexes.
  makeDynaliteWritesAtomic();
  const server = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  containRequestErrors(server, 'DynamoDB', log);
  guardAwsEndpoint(server, 'DynamoDB', log);
  answerClientErrors(server, 'DynamoDB', log);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  try {
    for (const table of LOCAL_TABLES) {
      if (!TableNames.includes(table.TableName!)) {
        await client.send(new CreateTableCommand(table));
        continue;
      }
      // dynalite cannot add an index to an existing table: data kept from an older layout is refused
      // with a clear message rather than failing later on a missing index.
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table.TableName }));
      const have = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort();
      const want = (table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort();
      if (have.join() !== want.join()) {
        throw new Error(
          `Local table ${table.TableName} in ${dir} has indexes [${have.join(', ')}], this version needs [${want.join(', ')}]: delete that folder (local data only) and start again`,
        );
      }
    }
  } catch (error) {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  client.destroy();
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
