/**
 * Makes each of dynalite's item writes crash-safe with its index entries, as DynamoDB's are: one
 * LevelDB batch (one record in LevelDB's log, all or nothing after a kill) holds the item and the
 * entries of every secondary index it changes.
 *
 * dynalite 4 writes them one by one: `updateIndexes` deletes the old index entries, puts the new
 * ones, and only then does PutItem, UpdateItem or DeleteItem write the item. A process killed
 * between those writes (a laptop losing power, `kill -9`, the restart test's SIGKILL) leaves the
 * item as it was with its old index entries deleted: an order changing status was left PENDING on
 * disk, in no StatusDateIndex partition and not in the OpenOrdersDueIndex, so after the restart
 * staff's list never showed it and the recovery job never drove it on (an order answered 201,
 * "lost" to every reader but a read by id).
 *
 * Here `updateIndexes` only computes the index changes (dynalite's own `getIndexActions`, as
 * before) and keeps them for the item's write that follows it under the item's lock; that write
 * sends them together with the item in one batch. Applied once per process, before dynalite
 * serves (local/dynamodb/dynamodb.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** The parts of dynalite's internals (dynalite/db, version 4) this module relies on. */
interface BatchOp {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}
interface SubDb {
  put(key: string, value: unknown, cb: (err?: Error | null) => void): void;
  del(key: string, cb: (err?: Error | null) => void): void;
  batch(ops: BatchOp[], cb: (err?: Error | null) => void): void;
}
interface Table {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}
interface Store {
  db: { batch(ops: BatchOp[], cb: (err?: Error | null) => void): void };
  getItemDb(tableName: string): SubDb;
  getIndexDb(indexType: string, tableName: string, indexName: string): SubDb;
}
type Item = Record<string, unknown> | null | undefined;
interface IndexAction {
  index: string;
  key: string;
  item?: unknown;
}
interface DynaliteDb {
  updateIndexes(store: Store, table: Table, existingItem: Item, item: Item, cb: (err?: Error | null) => void): void;
  getIndexActions(indexes: unknown[], existingItem: Item, item: Item, table: Table): { puts: IndexAction[]; deletes: IndexAction[] };
  createKey(item: Record<string, unknown>, table: Table): string;
  atomicIndexWrites?: true;
}

const requireHere = createRequire(import.meta.url);
/** The module dynalite's actions call `updateIndexes` through (the same instance: Node's module cache). */
const dynaliteDbPath = path.join(path.dirname(requireHere.resolve('dynalite')), 'db', 'index.js');

/** Each sub-database's key prefix in the main LevelDB, learnt from its own `batch` (no copy of dynalite's naming). */
const prefixes = new WeakMap<SubDb, string>();
function prefixOf(store: Store, subDb: SubDb): string {
  const known = prefixes.get(subDb);
  if (known !== undefined) return known;
  const main = store.db;
  const batch = main.batch;
  let seen: BatchOp[] | undefined;
  main.batch = (ops) => void (seen = ops);
  try {
    subDb.batch([{ type: 'del', key: '' }], () => undefined);
  } finally {
    main.batch = batch;
  }
  const prefix = seen?.length === 1 ? seen[0]!.key : undefined;
  if (typeof prefix !== 'string') throw new Error(`dynalite's storage changed (a sub-database's batch no longer maps to its main database's): see ${import.meta.url}`);
  prefixes.set(subDb, prefix);
  return prefix;
}

/** Per item database, the index changes waiting for the item's own write, by the item's key. */
const pending = new WeakMap<SubDb, Map<string, BatchOp[]>>();

/** The table's item database, its `put` and `del` sending the item's waiting index changes with it. */
function atomicItemDb(store: Store, tableName: string): Map<string, BatchOp[]> {
  const itemDb = store.getItemDb(tableName);
  const waiting = pending.get(itemDb);
  if (waiting) return waiting;
  const ready = new Map<string, BatchOp[]>();
  pending.set(itemDb, ready);
  const prefix = prefixOf(store, itemDb);
  const put = itemDb.put.bind(itemDb);
  const del = itemDb.del.bind(itemDb);
  const withIndexes = (key: string, op: BatchOp, alone: () => void, cb: (err?: Error | null) => void) => {
    const ops = ready.get(key);
    if (!ops) return alone();
    ready.delete(key);
    store.db.batch([...ops, op], cb);
  };
  itemDb.put = (key, value, cb) => withIndexes(key, { type: 'put', key: prefix + key, value }, () => put(key, value, cb), cb);
  itemDb.del = (key, cb) => withIndexes(key, { type: 'del', key: prefix + key }, () => del(key, cb), cb);
  return ready;
}

/** Replaces dynalite's `updateIndexes` (once per process): see the module's comment. */
export function makeDynaliteWritesAtomic(): void {
  const db = requireHere(dynaliteDbPath) as DynaliteDb;
  if (db.atomicIndexWrites) return;
  if (typeof db.updateIndexes !== 'function' || typeof db.getIndexActions !== 'function' || typeof db.createKey !== 'function') {
    throw new Error(`dynalite's db module no longer has updateIndexes, getIndexActions and createKey: see ${import.meta.url}`);
  }
  db.updateIndexes = (store, table, existingItem, item, cb) => {
    if (!existingItem && !item) return cb();
    let ops: BatchOp[];
    try {
      const deletes: BatchOp[] = [];
      const puts: BatchOp[] = [];
      for (const indexType of ['Local', 'Global'] as const) {
        const indexes = table[`${indexType}SecondaryIndexes`] ?? [];
        const actions = db.getIndexActions(indexes, existingItem, item, table);
        const keyOf = (action: IndexAction) => prefixOf(store, store.getIndexDb(indexType, table.TableName, action.index)) + action.key;
        deletes.push(...actions.deletes.map((action) => ({ type: 'del' as const, key: keyOf(action) })));
        puts.push(...actions.puts.map((action) => ({ type: 'put' as const, key: keyOf(action), value: action.item })));
      }
      // As dynalite ordered them: the old entries out, then the new ones in (never the same key: an
      // entry whose key did not change is only put).
      ops = [...deletes, ...puts];
    } catch (error) {
      return cb(error as Error);
    }
    // Every caller writes the item next, under the item's lock (putItem, updateItem, deleteItem).
    if (ops.length > 0) atomicItemDb(store, table.TableName).set(db.createKey((item ?? existingItem)!, table), ops);
    setImmediate(cb);
  };
  db.atomicIndexWrites = true;
}
