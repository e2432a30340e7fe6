/**
 * A process killed in the middle of one DynamoDB write (tests/integration/local-dynamodb-crash.test.ts):
 * starts the local DynamoDB on `dir`, stores a PENDING order, then changes its status (PENDING to
 * PAYMENT_PROCESSED, due again later: its StatusDateIndex and OpenOrdersDueIndex entries move) and
 * SIGKILLs itself just before LevelDB write number `killAt + 1` of that change (none if the change
 * takes fewer writes: it then prints `done` and exits 0).
 * Usage: node --import tsx tests/helpers/dynamo-kill-child.ts <dir> <killAt> <orderId>
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createRequire } from 'node:module';
import { createDocumentClient, storedItem } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startDynamo } from '../../local/dynamodb/dynamodb.ts';
import { storedOrder } from '../fixtures.ts';

const [dir, killAtArg, orderId] = process.argv.slice(2);
const killAt = Number(killAtArg);

// Every write dynalite makes goes through these methods of its LevelDB (bound when it opens it).
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { Level } = fromDynalite('level') as { Level: { prototype: Record<string, (...args: unknown[]) => unknown> } };
let armed = false;
let writes = 0;
for (const method of ['put', 'del', 'batch']) {
  const original = Level.prototype[method]!;
  Level.prototype[method] = function (this: unknown, ...args: unknown[]) {
    if (armed && ++writes > killAt) process.kill(process.pid, 'SIGKILL');
    return original.apply(this, args);
  };
}

const dynamo = await startDynamo(dir);
const db = createDocumentClient(new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint }));
const at = new Date().toISOString();
await db.send(new PutCommand({ TableName: ORDERS_TABLE.localName, Item: storedItem(storedOrder(at, { orderId })) }));
armed = true;
const { openOrdersIndex } = ORDERS_TABLE;
await db.send(
  new UpdateCommand({
    TableName: ORDERS_TABLE.localName,
    Key: { [ORDERS_TABLE.partitionKey]: orderId },
    UpdateExpression: 'SET #status = :to, #due = :due',
    ExpressionAttributeNames: { '#status': 'status', '#due': openOrdersIndex.sortKey },
    ExpressionAttributeValues: { ':to': 'PAYMENT_PROCESSED', ':due': new Date(Date.now() + 60_000).toISOString() },
  }),
);
armed = false;
console.log(`done after ${writes} writes`);
db.destroy();
await dynamo.stop();
