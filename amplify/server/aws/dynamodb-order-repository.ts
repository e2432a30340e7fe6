/**
 * The `OrderRepository` on the DynamoDB orders table. Every status change is a conditional update,
 * so a late or duplicated step can never move an order backwards, and repeating a step that
 * already happened is a harmless no-op.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type BatchGetCommandOutput, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidTransitionError, OrderNotFoundError, PaymentAttemptsExhaustedError, SupersededAttemptError } from '../../domain/errors.ts';
import type { EmailKind, EmailStatus } from '../../domain/notification.ts';
import type { Order, StatusChange } from '../../domain/order.ts';
import { ALLOWED_PREVIOUS, hasReached, isFinal, MAX_PAYMENT_ATTEMPTS, needsCompensation, ORDER_STATUSES, paymentAttemptOf, refundStatusOf, SYSTEM_ACTOR, type Actor, type OrderStatus } from '../../domain/order-rules.ts';
import { ANONYMIZED } from '../../domain/privacy.ts';
import { invalidPageToken } from '../page-token.ts';
import type { DueOrdersPage, OrderQuery, OrderRepository, StaffNote, StatusAttributes, TransitionGuard } from '../ports.ts';
import { ORDERS_TABLE } from '../settings.ts';

/** Attributes kept on the item for the server's own use and never returned to clients. */
interface StoredOrder extends Order {
  requestFingerprint?: string;
  openMarker?: string;
  nextStepDueAt?: string;
  /** Times the recovery job drove this order on (`claimRecoveryAttempt`), at most `RECOVERY.maxExecutionsPerOrder`. */
  recoveryAttempts?: number;
  /** Staff's internal note (`staffNote`), read and written only by its own methods. */
  staffNote?: StaffNote;
  /** A guest order's token, as its SHA-256 (`amplify/server/order-token.ts`); the token itself is never stored. */
  orderTokenHash?: string;
}

export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const { partitionKey, customerIndex, openOrdersIndex, statusIndex, orderNumberIndex, customerEmailIndex } = ORDERS_TABLE;

/** Where a list stopped: a key of the index it reads, or for all orders one key per status. */
type IndexKey = Record<string, string>;
/** An entry of the customer or status index: the order's keys (and the projected filter attribute). */
type IndexEntry = { orderId: string; status: OrderStatus; orderDate: string };
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

function toOrder(item: Record<string, unknown> | StoredOrder): Order {
  const { requestFingerprint: _fingerprint, openMarker: _open, nextStepDueAt: _due, recoveryAttempts: _attempts, staffNote: _note, orderTokenHash: _token, emailsSent, ...order } =
    item as StoredOrder;
  // Stored as a string set (an idempotent `ADD`), returned as a sorted list.
  const read: Order = emailsSent === undefined ? order : { ...order, emailsSent: [...(emailsSent as Iterable<string>)].sort() };
  const refundStatus = refundStatusOf(read);
  return refundStatus ? { ...read, refundStatus, refundAmount: read.totalAmount } : read;
}

/**
 * When an open order's next step is due: a shipped order waits for its estimated delivery date, a
 * paid one held for its cancel window for the window's end, every other step follows at once (so it is due from the change that set it: the order's
 * creation, a status that owes a compensation; see `transition` for the steps that keep it).
 */
export function nextStepDueAt(order: Pick<Order, 'status' | 'updatedAt' | 'estimatedDeliveryDate' | 'cancellableUntil'>): string {
  if (order.status === 'SHIPPED' && order.estimatedDeliveryDate) return order.estimatedDeliveryDate;
  // Held for its cancel window: its shipment is due when the window closes.
  if (order.status === 'PAYMENT_PROCESSED' && order.cancellableUntil) return order.cancellableUntil;
  return order.updatedAt;
}

/** The item stored for an order: the order plus, while it is open, its keys in the open-orders index. */
export function storedItem(order: Order, requestFingerprint?: string, orderTokenHash?: string): StoredOrder {
  if (isFinal(order.status)) return { ...order, requestFingerprint, orderTokenHash };
  return {
    ...order,
    requestFingerprint,
    orderTokenHash,
    [openOrdersIndex.partitionKey]: openOrdersIndex.marker,
    [openOrdersIndex.sortKey]: nextStepDueAt(order),
  };
}

export class DynamoDbOrderRepository implements OrderRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes a new order unless one with its id exists. Returns the stored order and whether this
   * call created it; an existing order is returned with the fingerprint of the request that made it.
   */
  async create(order: Order, requestFingerprint?: string, orderTokenHash?: string): Promise<{ order: Order; created: boolean; fingerprint?: string }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: storedItem(order, requestFingerprint, orderTokenHash),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
        }),
      );
      return { order, created: true, fingerprint: requestFingerprint };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getStored(order.orderId);
      if (!existing) throw error;
      return { order: toOrder(existing), created: false, fingerprint: existing.requestFingerprint };
    }
  }

  async get(orderId: string): Promise<Order | undefined> {
    const item = await this.getStored(orderId);
    return item && toOrder(item);
  }

  async getWithTokenHash(orderId: string): Promise<{ order: Order; orderTokenHash?: string } | undefined> {
    const item = await this.getStored(orderId);
    return item && { order: toOrder(item), orderTokenHash: item.orderTokenHash };
  }

  /**
   * Makes the guest orders of `guestCustomerId` (one e-mail's) the customer's: one CustomerIndex
   * query (nothing to read when there are none), then, per order, an update conditional on it
   * still being that guest's, so two claims never both take it. Returns the orders claimed.
   */
  async claimGuestOrders(guestCustomerId: string, customerId: string, at: string): Promise<string[]> {
    const claimed: string[] = [];
    let startKey: IndexKey | undefined;
    do {
      const page = await this.queryIndex(customerIndex, guestCustomerId, {}, 100, startKey);
      for (const { orderId } of page.items) {
        try {
          await this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { [partitionKey]: orderId },
              UpdateExpression: 'SET #customer = :customer, claimedDate = :at',
              ConditionExpression: '#customer = :guest',
              ExpressionAttributeNames: { '#customer': customerIndex.partitionKey },
              ExpressionAttributeValues: { ':customer': customerId, ':guest': guestCustomerId, ':at': at },
            }),
          );
          claimed.push(orderId);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      startKey = page.lastKey;
    } while (startKey);
    return claimed;
  }

  async require(orderId: string): Promise<Order> {
    const order = await this.get(orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    return order;
  }

  private async getStored(orderId: string): Promise<StoredOrder | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [partitionKey]: orderId }, ConsistentRead: true }),
    );
    return Item as StoredOrder | undefined;
  }

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
    const orders = await Promise.all(Items.map((item) => this.get(String(item[partitionKey]))));
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

  private async queryIndex(
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

  /**
   * Moves an order to `to` and sets `attributes`, only from a status allowed just before `to`.
   * When the order already reached `to` (a retried or duplicated step) the stored order is
   * returned unchanged; any other refusal is an `InvalidTransitionError`.
   */
  async transition(orderId: string, to: OrderStatus, attributes: StatusAttributes = {}, actor: Actor = SYSTEM_ACTOR, guard?: TransitionGuard): Promise<{ order: Order; changed: boolean }> {
    const names: Record<string, string> = { '#pk': partitionKey, '#status': 'status', '#updatedAt': 'updatedAt', '#history': 'history' };
    const now = new Date().toISOString();
    const change: StatusChange = { status: to, at: now, actor: actor.sub === undefined ? { type: actor.type } : { type: actor.type, sub: actor.sub } };
    const values: Record<string, unknown> = { ':to': to, ':now': now, ':change': [change], ':none': [] };
    // The history grows only with the conditional update that changes the status: a repeated step adds nothing.
    const sets = ['#status = :to', '#updatedAt = :now', '#history = list_append(if_not_exists(#history, :none), :change)'];
    Object.entries(attributes).forEach(([key, value], i) => {
      if (value === undefined) return;
      names[`#a${i}`] = key;
      values[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    });
    const previous = ALLOWED_PREVIOUS[to];
    // No status leads here by a plain transition (PENDING: only `create` and `retryPayment`).
    if (previous.length === 0) throw new InvalidTransitionError(orderId, (await this.require(orderId)).status, to);
    previous.forEach((status, i) => (values[`:from${i}`] = status));
    const fromList = previous.map((_, i) => `:from${i}`).join(', ');
    // A final status takes the order out of the open-orders index. A status that still owes a
    // compensation (refund, e-mail) stays in it, due at once, until `recordCompensation` closes it;
    // a shipped order becomes due at its delivery date, a paid one held for its cancel window when the
    // window closes. The workflow's intermediate steps keep the
    // due date the order had (its creation, or the recovery job's last restart): they follow within
    // seconds, and moving the index's sort key costs two index writes each time.
    let update = `SET ${sets.join(', ')}`;
    if (isFinal(to) && !needsCompensation(to)) {
      names['#open'] = openOrdersIndex.partitionKey;
      names['#due'] = openOrdersIndex.sortKey;
      update = `SET ${sets.join(', ')} REMOVE #open, #due`;
    } else if (to === 'SHIPPED' || needsCompensation(to) || (to === 'PAYMENT_PROCESSED' && attributes.cancellableUntil)) {
      // The marker too: a delivered order being refunded had left the index.
      names['#open'] = openOrdersIndex.partitionKey;
      names['#due'] = openOrdersIndex.sortKey;
      values[':open'] = openOrdersIndex.marker;
      values[':due'] = nextStepDueAt({ status: to, updatedAt: now, estimatedDeliveryDate: attributes.estimatedDeliveryDate, cancellableUntil: attributes.cancellableUntil });
      update = `SET ${[...sets, '#open = :open', '#due = :due'].join(', ')}`;
      // A return starts the order's recovery budget afresh: attempts spent on its shipment are not its refund's.
      if (to === 'REFUNDED') {
        names['#recoveries'] = 'recoveryAttempts';
        update += ' REMOVE #recoveries';
      }
    }
    // A payment's answer applies to its own attempt only (the first attempt: no count stored yet).
    let attemptCondition = '';
    if (guard) {
      names['#attempts'] = 'paymentAttempts';
      values[':attempt'] = guard.paymentAttempt;
      attemptCondition = guard.paymentAttempt > 1 ? ' AND #attempts = :attempt' : ' AND (attribute_not_exists(#attempts) OR #attempts = :attempt)';
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: orderId },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(#pk) AND #status IN (${fromList})${attemptCondition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { order: toOrder(Attributes!), changed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.require(orderId);
      if (guard && paymentAttemptOf(current) !== guard.paymentAttempt) throw new SupersededAttemptError(orderId, guard.paymentAttempt, paymentAttemptOf(current));
      if (hasReached(current.status, to)) return { order: current, changed: false };
      throw new InvalidTransitionError(orderId, current.status, to);
    }
  }

  /**
   * One page (at most `limit`) of the open orders whose next step was due before `cutoff`
   * (ISO-8601), most overdue first, from the sparse open-orders index.
   */
  async openOrdersDueBefore(cutoff: string, limit: number, startKey?: Record<string, unknown>): Promise<DueOrdersPage> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: openOrdersIndex.name,
        KeyConditionExpression: '#open = :open AND #due < :cutoff',
        ExpressionAttributeNames: { '#open': openOrdersIndex.partitionKey, '#due': openOrdersIndex.sortKey },
        ExpressionAttributeValues: { ':open': openOrdersIndex.marker, ':cutoff': cutoff },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { orderIds: (page.Items ?? []).map((item) => item[partitionKey] as string), nextKey: page.LastEvaluatedKey };
  }

  async staffNote(orderId: string): Promise<StaffNote | undefined> {
    const item = await this.getStored(orderId);
    if (!item) throw new OrderNotFoundError(orderId);
    return item.staffNote;
  }

  /** Sets the note on an existing order only; the order's status and everything else stay as they are. */
  async saveStaffNote(orderId: string, note: StaffNote): Promise<StaffNote> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: orderId },
          UpdateExpression: 'SET #note = :note',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey, '#note': 'staffNote' },
          ExpressionAttributeValues: { ':note': note },
        }),
      );
      return note;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new OrderNotFoundError(orderId);
      throw error;
    }
  }

  /**
   * A declined order paid again: PAYMENT_FAILED -> PENDING with the payment method chosen now, the
   * next `paymentAttempts`, its failure reason gone and its recovery budget afresh, back in the
   * open-orders index (due now), in
   * one conditional update: only while declined and with attempts left (`MAX_PAYMENT_ATTEMPTS`).
   * Asked again once it is on its way (PENDING or past it on the happy path): the order unchanged.
   */
  async retryPayment(orderId: string, paymentMethod: string, actor: Actor): Promise<{ order: Order; changed: boolean }> {
    const now = new Date().toISOString();
    const change: StatusChange = { status: 'PENDING', at: now, actor: actor.sub === undefined ? { type: actor.type } : { type: actor.type, sub: actor.sub } };
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: orderId },
          UpdateExpression:
            'SET #status = :pending, #updatedAt = :now, #method = :method, #attempts = if_not_exists(#attempts, :one) + :one, ' +
            '#history = list_append(if_not_exists(#history, :none), :change), #open = :open, #due = :now REMOVE #reason, #recoveries',
          ConditionExpression: 'attribute_exists(#pk) AND #status = :failed AND (attribute_not_exists(#attempts) OR #attempts < :max)',
          ExpressionAttributeNames: {
            '#pk': partitionKey,
            '#status': 'status',
            '#updatedAt': 'updatedAt',
            '#method': 'paymentMethod',
            '#attempts': 'paymentAttempts',
            '#history': 'history',
            '#open': openOrdersIndex.partitionKey,
            '#due': openOrdersIndex.sortKey,
            '#reason': 'failureReason',
            '#recoveries': 'recoveryAttempts',
          },
          ExpressionAttributeValues: {
            ':pending': 'PENDING',
            ':failed': 'PAYMENT_FAILED',
            ':now': now,
            ':method': paymentMethod,
            ':one': 1,
            ':max': MAX_PAYMENT_ATTEMPTS,
            ':none': [],
            ':change': [change],
            ':open': openOrdersIndex.marker,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { order: toOrder(Attributes!), changed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.require(orderId);
      if (hasReached(current.status, 'PENDING')) return { order: current, changed: false };
      if (current.status === 'PAYMENT_FAILED') throw new PaymentAttemptsExhaustedError(orderId, paymentAttemptOf(current));
      throw new InvalidTransitionError(orderId, current.status, 'PENDING');
    }
  }

  /**
   * Records a charge the payment provider made for an order that was cancelled while the charge
   * was in flight (it lost the race to the cancel): the compensation then refunds it. The first
   * charge recorded wins; only a cancelled order takes one this way.
   */
  async recordLateCharge(orderId: string, transactionId: string, paymentDate: string): Promise<Order> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: orderId },
        UpdateExpression: 'SET transactionId = if_not_exists(transactionId, :txn), paymentDate = if_not_exists(paymentDate, :date)',
        ConditionExpression: 'attribute_exists(#pk) AND #status = :cancelled',
        ExpressionAttributeNames: { '#pk': partitionKey, '#status': 'status' },
        ExpressionAttributeValues: { ':txn': transactionId, ':date': paymentDate, ':cancelled': 'CANCELLED' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toOrder(Attributes!);
  }

  /** Records the refund of an order's charge; the first refund recorded wins (a repeat changes nothing). */
  async recordRefund(orderId: string, refundId: string, refundDate: string): Promise<Order> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: orderId },
        UpdateExpression: 'SET refundId = if_not_exists(refundId, :id), refundDate = if_not_exists(refundDate, :date)',
        ConditionExpression: 'attribute_exists(#pk) AND attribute_exists(transactionId)',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':id': refundId, ':date': refundDate },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toOrder(Attributes!);
  }

  /**
   * Closes a compensation: records when its e-mail went out and takes the order out of the
   * open-orders index (nothing is owed any more). The first date recorded wins.
   */
  async recordCompensation(orderId: string, sentAt: string): Promise<Order> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: orderId },
        UpdateExpression: 'SET compensationSentDate = if_not_exists(compensationSentDate, :sentAt) REMOVE #open, #due',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#open': openOrdersIndex.partitionKey, '#due': openOrdersIndex.sortKey },
        ExpressionAttributeValues: { ':sentAt': sentAt },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toOrder(Attributes!);
  }

  /** Records a sent e-mail of `kind` (a string set: a repeat changes nothing); the shipped one also sets `notificationSentDate`. */
  async recordEmailSent(orderId: string, kind: EmailKind, sentAt: string): Promise<Order> {
    const shipped = kind === 'order-shipped';
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: orderId },
        UpdateExpression: `ADD emailsSent :kind${shipped ? ' SET notificationSentDate = if_not_exists(notificationSentDate, :sentAt)' : ''}`,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':kind': new Set([kind]), ...(shipped ? { ':sentAt': sentAt } : {}) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toOrder(Attributes!);
  }

  /** Records SES's bounce or complaint on the order; an unknown order id is ignored (undefined). */
  async recordEmailStatus(orderId: string, status: EmailStatus): Promise<Order | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: orderId },
          UpdateExpression: 'SET emailStatus = if_not_exists(emailStatus, :status)',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':status': status },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toOrder(Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Replaces the order's personal data (conditional on its customer); repeated, it changes nothing. */
  async anonymize(orderId: string, customerId: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: orderId },
        UpdateExpression:
          'SET customerName = :name, customerEmail = :email, shippingAddress.street = :street, shippingAddress.city = :city, ' +
          'shippingAddress.#state = :state, shippingAddress.zipCode = :zip, anonymizedDate = if_not_exists(anonymizedDate, :at)',
        ConditionExpression: 'attribute_exists(#pk) AND customerId = :customer',
        ExpressionAttributeNames: { '#pk': partitionKey, '#state': 'state' },
        ExpressionAttributeValues: {
          ':name': ANONYMIZED.customerName,
          ':email': ANONYMIZED.customerEmail,
          ':street': ANONYMIZED.street,
          ':city': ANONYMIZED.city,
          ':state': ANONYMIZED.state,
          ':zip': ANONYMIZED.zipCode,
          ':customer': customerId,
          ':at': at,
        },
      }),
    );
  }

  /**
   * Claims one recovery attempt for an open order: counts it on the order (at most `maxAttempts`)
   * and makes the order due again from `now`, so the next run looks at it only after the staleness
   * has passed once more (longer than an Express execution can run). Conditional, so two runs
   * cannot both claim the same attempt. Returns the order and the attempt number, `exhausted`
   * when the order used up its attempts, `closed` when it is no longer open, `moving` when it
   * changed since `unchangedSince` (its workflow is still at work).
   */
  async claimRecoveryAttempt(
    orderId: string,
    maxAttempts: number,
    now: string,
    unchangedSince?: string,
  ): Promise<{ order: Order; attempt: number } | 'exhausted' | 'closed' | 'moving'> {
    const names: Record<string, string> = { '#attempts': 'recoveryAttempts', '#open': openOrdersIndex.partitionKey, '#due': openOrdersIndex.sortKey };
    const values: Record<string, unknown> = { ':zero': 0, ':one': 1, ':max': maxAttempts, ':now': now };
    let condition = 'attribute_exists(#open) AND (attribute_not_exists(#attempts) OR #attempts < :max)';
    if (unchangedSince !== undefined) {
      // Overdue is not enough: the payment keeps the due date the order was created with, so an
      // order can be overdue while its execution is still moving it. Its last change says so.
      names['#updatedAt'] = 'updatedAt';
      values[':unchangedSince'] = unchangedSince;
      condition += ' AND #updatedAt < :unchangedSince';
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: orderId },
          UpdateExpression: 'SET #attempts = if_not_exists(#attempts, :zero) + :one, #due = :now',
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { order: toOrder(Attributes!), attempt: (Attributes as StoredOrder).recoveryAttempts! };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.getStored(orderId);
      if (!current?.[openOrdersIndex.partitionKey as 'openMarker']) return 'closed';
      if ((current.recoveryAttempts ?? 0) >= maxAttempts) return 'exhausted';
      return 'moving';
    }
  }
}
