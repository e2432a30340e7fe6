/**
 * The local DynamoDB (dynalite on LevelDB) survives a kill in the middle of a write as DynamoDB
 * would: an item and its index entries change together or not at all. dynalite writes them one by
 * one (the old index entries out, the new ones in, then the item), and a process killed in between
 * left an order at its old status in no status partition of StatusDateIndex and out of
 * OpenOrdersDueIndex: staff's list never showed it and recovery never drove it on (the restart
 * test's lost order). local/dynamodb/dynalite-atomic-writes.ts writes each item with its entries in one batch.
 *
 * A child process (tests/helpers/dynamo-kill-child.ts) changes an order's status and SIGKILLs
 * itself before its k-th LevelDB write, for every k until the change completes; after each, the
 * data is opened again and the order's index entries must match its item.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startDynamo } from '../../local/dynamodb/dynamodb.ts';

/** More kill points than dynalite's unbatched status change takes writes (2 deletes, 5 puts, the item). */
const MAX_KILL_POINTS = 12;

async function indexEntriesOf(dir: string, orderId: string) {
  const dynamo = await startDynamo(dir);
  const db = createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint }));
  try {
    const { Item } = await db.send(new GetCommand({ TableName: ORDERS_TABLE.localName, Key: { [ORDERS_TABLE.partitionKey]: orderId }, ConsistentRead: true }));
    const entries = async (indexName: string) =>
      ((await db.send(new ScanCommand({ TableName: ORDERS_TABLE.localName, IndexName: indexName }))).Items ?? []).filter((entry) => entry[ORDERS_TABLE.partitionKey] === orderId);
    return {
      item: Item && { status: Item.status, due: Item[ORDERS_TABLE.openOrdersIndex.sortKey] },
      statusEntries: (await entries(ORDERS_TABLE.statusIndex.name)).map((entry) => entry.status),
      openEntries: (await entries(ORDERS_TABLE.openOrdersIndex.name)).map((entry) => entry[ORDERS_TABLE.openOrdersIndex.sortKey]),
      customerEntries: (await entries(ORDERS_TABLE.customerIndex.name)).map((entry) => entry.status),
    };
  } finally {
    db.destroy();
    await dynamo.stop();
  }
}

it('an item and its index entries change together, wherever a kill cuts the write short', { timeout: 300_000 }, async () => {
  const seen = new Set<string>();
  for (let killAt = 0; killAt <= MAX_KILL_POINTS; killAt++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'dynamo-crash-'));
    try {
      const orderId = randomUUID();
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'tests/helpers/dynamo-kill-child.ts', dir, String(killAt), orderId], { encoding: 'utf8', timeout: 60_000 });
      const completed = child.status === 0;
      expect(completed || child.signal === 'SIGKILL', `child: ${child.status} ${child.signal} ${child.stderr}`).toBe(true);
      const found = await indexEntriesOf(dir, orderId);
      // Stored (the put before the change completed), at the old status or the new one, and in the
      // indexes exactly as its item says: one status partition, its due date, its customer's entry.
      expect(found.item, `kill before write ${killAt + 1}`).toBeDefined();
      expect({ killAt, statusEntries: found.statusEntries, openEntries: found.openEntries, customerEntries: found.customerEntries }).toEqual({
        killAt,
        statusEntries: [found.item!.status],
        openEntries: [found.item!.due],
        customerEntries: [found.item!.status],
      });
      seen.add(found.item!.status as string);
      if (completed) break;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The kills fell before the change (the old status) and the last run completed it (the new one).
  expect([...seen].sort()).toEqual(['PAYMENT_PROCESSED', 'PENDING']);
});
