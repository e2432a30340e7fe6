/** A real local DynamoDB (dynalite, LevelDB on disk) with the tables of `resources.ts`. */
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE } from '../amplify/domain/resources.ts';

/** The table definitions, as CreateTable input, built from the shared names and keys. */
export const LOCAL_TABLES: CreateTableCommandInput[] = [
  {
    TableName: ORDERS_TABLE.localName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: ORDERS_TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: ORDERS_TABLE.customerIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: ORDERS_TABLE.customerIndex.sortKey, AttributeType: 'S' },
      { AttributeName: ORDERS_TABLE.openOrdersIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: ORDERS_TABLE.openOrdersIndex.sortKey, AttributeType: 'S' },
      { AttributeName: ORDERS_TABLE.statusIndex.partitionKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: ORDERS_TABLE.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: ORDERS_TABLE.customerIndex.name,
        KeySchema: [
          { AttributeName: ORDERS_TABLE.customerIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: ORDERS_TABLE.customerIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: ORDERS_TABLE.openOrdersIndex.name,
        KeySchema: [
          { AttributeName: ORDERS_TABLE.openOrdersIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: ORDERS_TABLE.openOrdersIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: ORDERS_TABLE.statusIndex.name,
        KeySchema: [
          { AttributeName: ORDERS_TABLE.statusIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: ORDERS_TABLE.statusIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  },
  {
    TableName: IDEMPOTENCY_TABLE.localName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
  },
];

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite keeping its data under `dir` (or in memory without one) and creates missing tables. */
export async function startDynamo(dir: string | undefined, port = 0): Promise<LocalDynamo> {
  const server = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  for (const table of LOCAL_TABLES) {
    if (!TableNames.includes(table.TableName!)) await client.send(new CreateTableCommand(table));
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
