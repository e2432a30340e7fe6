/**
 * The order lists (the read model behind `OrderRepository.list`, `findByOrderNumber` and
 * `countByStatus`): pages of orders newest first from the table's indexes, never a Scan, each
 * order read by id; positions checked so a hand-made page token is a 400, never a DynamoDB error.
 */
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../../domain/order.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order-rules.ts';
import { invalidPageToken } from '../page-token.ts';
import type { OrderQuery } from '../ports.ts';
import { ORDERS_TABLE } from '../settings/tables.ts';
import { toOrder, type StoredOrder } from './dynamodb-order-items.ts';

const { partitionKey, customerIndex, statusIndex, orderNumberIndex, customerEmailIndex } = ORDERS_TABLE;

/** Where a list stopped: a key of the index it reads, or for all orders one key per status. */
export type IndexKey = Record<string, string>;
/** An entry of the customer or status index: the order's keys (and the projected filter attribute). */
export type IndexEntry = { orderId: string; status: OrderStatus; orderDate: string };
const BATCH_GET_LIMIT = 100;
const BATCH_GET_RETRIES = 4;

/** BatchGetItem kept leaving orders unprocessed (throttling): the list fails rather than come back short. */
export class OrdersUnreadError extends Error {
  override readonly name = 'OrdersUnreadError';
  constructor(unread: number, retries: number) {
    super(`BatchGetItem left ${unread} orders unread after ${retries} retries`);
  }
}

/**
 * The orders of a status-filtered list that still have that status: the index's entry says what
 * the status was when the index was written, the order read by id says what it is now.
 */
const withStatus = (orders: Order[], status: OrderStatus | undefined) => (status === undefined ? orders : orders.filter((order) => order.status === status));
type MergedPosition = Partial<Record<OrderStatus, IndexKey | 'done'>>;

// A position must have exactly the key attributes of the index it continues, as short strings, so
// a hand-made token is a 400, never a DynamoDB error. (Checked by hand, with no schema
// library: order-starter and process-order bundle this module and stay small.)
/** Each key attribute a position may hold, with its longest value (ids: 64; an ISO-8601 date: 40). */
const KEY_LIMITS: Record<string, number> = {
  [partitionKey]: 64,
  [customerIndex.partitionKey]: 64,
  [customerIndex.sortKey]: 40,
  [statusIndex.partitionKey]: 40,
  [customerEmailIndex.partitionKey]: 254,
};
const CUSTOMER_KEY = [partitionKey, customerIndex.partitionKey, customerIndex.sortKey];
const EMAIL_KEY = [partitionKey, customerEmailIndex.partitionKey, customerEmailIndex.sortKey];
const STATUS_KEY = [partitionKey, statusIndex.partitionKey, statusIndex.sortKey];

function checkedKey(value: unknown, names: string[], fixed: Record<string, string>): IndexKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidPageToken();
  const key = value as Record<string, unknown>;
  const wellFormed =
    Object.keys(key).length === names.length &&
    names.every((name) => typeof key[name] === 'string' && key[name].length >= 1 && key[name].length <= KEY_LIMITS[name]!) &&
    Object.entries(fixed).every(([name, expected]) => key[name] === expected);
  if (!wellFormed) throw invalidPageToken();
  return key as IndexKey;
}

function checkedMergedPosition(value: unknown): MergedPosition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidPageToken();
  const position: MergedPosition = {};
  for (const [status, key] of Object.entries(value)) {
    if (!(ORDER_STATUSES as readonly string[]).includes(status)) throw invalidPageToken();
    position[status as OrderStatus] = key === 'done' ? 'done' : checkedKey(key, STATUS_KEY, { [statusIndex.partitionKey]: status });
  }
  return position;
}

/** `#sk BETWEEN ...` (or one side) for the date bounds of a query. */
function dateCondition(query: OrderQuery, sortKey: string, names: Record<string, string>, values: Record<string, unknown>): string {
  names['#date'] = sortKey;
  if (query.from) values[':from'] = query.from;
  if (query.to) values[':to'] = query.to;
  if (query.from && query.to) return ' AND #date BETWEEN :from AND :to';
  if (query.from) return ' AND #date >= :from';
  if (query.to) return ' AND #date <= :to';
  delete names['#date'];
  return '';
}

export class DynamoDbOrderLists {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Orders newest first, `limit` at a time, from an index, never a Scan: one customer's
   * (CustomerIndex, or CustomerEmailIndex by e-mail; a status as filter), one status's (StatusDateIndex), or every order (the
   * StatusDateIndex partitions merged by date). `position` continues a page this method returned.
   */
  async list(query: OrderQuery & { limit: number; position?: unknown }): Promise<{ orders: Order[]; position?: unknown }> {
    const { limit } = query;
    if (query.customerId !== undefined) {
      const start = query.position === undefined ? undefined : checkedKey(query.position, CUSTOMER_KEY, { [customerIndex.partitionKey]: query.customerId });
      const page = await this.queryIndex(customerIndex, query.customerId, query, limit, start, query.status);
      return { orders: withStatus(await this.readOrders(page.items), query.status), position: page.lastKey };
    }
    if (query.customerEmail !== undefined) {
      const start = query.position === undefined ? undefined : checkedKey(query.position, EMAIL_KEY, { [customerEmailIndex.partitionKey]: query.customerEmail });
      // Keys only: the status is filtered on the orders read (a page may hold fewer than `limit`).
      const page = await this.queryIndex(customerEmailIndex, query.customerEmail, query, limit, start);
      return { orders: withStatus(await this.readOrders(page.items), query.status), position: page.lastKey };
    }
    if (query.status !== undefined) {
      const start = query.position === undefined ? undefined : checkedKey(query.position, STATUS_KEY, { [statusIndex.partitionKey]: query.status });
      const page = await this.queryIndex(statusIndex, query.status, query, limit, start);
      return { orders: withStatus(await this.readOrders(page.items), query.status), position: page.lastKey };
    }
    return this.listAllStatuses(query, limit, query.position === undefined ? {} : checkedMergedPosition(query.position));
  }

  /**
   * The orders carrying a short order number (one, almost always: numbers are 60 random bits of
   * the id), read by id from the keys-only OrderNumberIndex.
   */
  async findByOrderNumber(orderNumber: string): Promise<Order[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: orderNumberIndex.name,
        KeyConditionExpression: '#number = :number',
        ExpressionAttributeNames: { '#number': orderNumberIndex.partitionKey },
        ExpressionAttributeValues: { ':number': orderNumber },
      }),
    );
    const orders = await Promise.all(Items.map((item) => this.getOrder(String(item[partitionKey]))));
    return orders.filter((order): order is Order => order !== undefined);
  }

  /** How many orders each status holds (one customer's, or all), within the query's dates. */
  async countByStatus(query: Omit<OrderQuery, 'status' | 'customerEmail'>): Promise<Record<OrderStatus, number>> {
    const counts = await Promise.all(
      ORDER_STATUSES.map(async (status) => {
        let count = 0;
        let startKey: IndexKey | undefined;
        do {
          const names: Record<string, string> = { '#pk': statusIndex.partitionKey };
          const values: Record<string, unknown> = { ':pk': status };
          const condition = `#pk = :pk${dateCondition(query, statusIndex.sortKey, names, values)}`;
          if (query.customerId !== undefined) {
            names['#customer'] = customerIndex.partitionKey;
            values[':customer'] = query.customerId;
          }
          const output = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: statusIndex.name,
              KeyConditionExpression: condition,
              FilterExpression: query.customerId !== undefined ? '#customer = :customer' : undefined,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
              Select: 'COUNT',
              ExclusiveStartKey: startKey,
            }),
          );
          count += output.Count ?? 0;
          startKey = output.LastEvaluatedKey as IndexKey | undefined;
        } while (startKey);
        return [status, count] as const;
      }),
    );
    return Object.fromEntries(counts) as Record<OrderStatus, number>;
  }

  /** One page of an index's entries for one partition, newest first, within the query's dates. */
  async queryIndex(
    index: { name: string; partitionKey: string; sortKey: string },
    partition: string,
    query: OrderQuery,
    limit: number,
    startKey: IndexKey | undefined,
    statusFilter?: OrderStatus,
  ): Promise<{ items: IndexEntry[]; lastKey?: IndexKey }> {
    const names: Record<string, string> = { '#pk': index.partitionKey };
    const values: Record<string, unknown> = { ':pk': partition };
    const condition = `#pk = :pk${dateCondition(query, index.sortKey, names, values)}`;
    if (statusFilter) {
      names['#status'] = 'status';
      values[':status'] = statusFilter;
    }
    const output = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: condition,
        FilterExpression: statusFilter ? '#status = :status' : undefined,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: (output.Items ?? []) as IndexEntry[], lastKey: output.LastEvaluatedKey as IndexKey | undefined };
  }

  /**
   * The orders of index entries, in the entries' order, read by id: the list indexes hold keys and
   * a filter attribute only (see `ORDERS_TABLE`). BatchGetItem takes at most 100 keys (a page is at
   * most `API_LIMITS.maxPageSize`, 100) and may leave some unprocessed under load: those are asked
   * again, a few times, then the list fails (a 5xx the client retries) rather than come back short.
   */
  private async readOrders(entries: IndexEntry[]): Promise<Order[]> {
    const found = new Map<string, StoredOrder>();
    const ids = [...new Set(entries.map((entry) => entry.orderId))];
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + BATCH_GET_LIMIT).map((id) => ({ [partitionKey]: id }));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > BATCH_GET_RETRIES) throw new OrdersUnreadError(keys.length, BATCH_GET_RETRIES);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const output: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        for (const item of output.Responses?.[this.tableName] ?? []) found.set(String(item[partitionKey]), item as StoredOrder);
        keys = output.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    // In the entries' order, each order once (one that changed status between two partitions'
    // queries can be in both); an order deleted between the query and the read is left out.
    return ids.flatMap((id) => {
      const item = found.get(id);
      return item ? [toOrder(item)] : [];
    });
  }

  /**
   * Every order newest first: up to `limit` from each status's partition, merged by date; each
   * status keeps its own position, advanced past the orders this page took.
   * An order that changes status between two pages moves to another partition, so it may be
   * listed twice or not at all in that walk (a list of a moving pipeline; the counts are exact
   * at the time of the first page).
   */
  private async listAllStatuses(query: OrderQuery, limit: number, position: MergedPosition): Promise<{ orders: Order[]; position?: unknown }> {
    const open = ORDER_STATUSES.filter((status) => position[status] !== 'done');
    const pages = await Promise.all(
      open.map(async (status) => {
        const start = position[status];
        // Stryker disable next-line ConditionalExpression,StringLiteral: `open` leaves out the statuses marked 'done', so `start` is never 'done' here (the test narrows the type)
        const page = await this.queryIndex(statusIndex, status, query, limit, start === 'done' ? undefined : start);
        return { status, ...page, taken: 0 };
      }),
    );
    const orders: IndexEntry[] = [];
    while (orders.length < limit) {
      let newest: (typeof pages)[number] | undefined;
      for (const page of pages) {
        const head = page.items[page.taken];
        // Stryker disable next-line EqualityOperator: `>=` only orders two orders of the same date differently; both lists are newest first, and each status's position follows what it took
        if (head && (!newest || head.orderDate > newest.items[newest.taken]!.orderDate)) newest = page;
      }
      if (!newest) break;
      orders.push(newest.items[newest.taken++]!);
    }
    const next: MergedPosition = { ...position };
    for (const page of pages) {
      const exhausted = page.taken === page.items.length && page.lastKey === undefined;
      if (exhausted) next[page.status] = 'done';
      else if (page.taken > 0) {
        const last = page.items[page.taken - 1]!;
        next[page.status] = { [partitionKey]: last.orderId, [statusIndex.partitionKey]: last.status, [statusIndex.sortKey]: last.orderDate };
      }
    }
    const more = ORDER_STATUSES.some((status) => next[status] !== 'done');
    return { orders: await this.readOrders(orders), position: more ? next : undefined };
  }

  private async getOrder(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { [partitionKey]: orderId }, ConsistentRead: true }));
    return Item && toOrder(Item);
  }
}
