/**
 * The orders table. Every status change is a conditional update, so a late or duplicated step can
 * never move an order backwards, and repeating a step that already happened is a harmless no-op.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidTransitionError, OrderNotFoundError, ValidationError } from './errors.ts';
import type { Order } from './order.ts';
import { ALLOWED_PREVIOUS, hasReached, isFinal, type OrderStatus } from './order-rules.ts';
import { ORDERS_TABLE } from './resources.ts';

/** Attributes kept on the item for the server's own use and never returned to clients. */
interface StoredOrder extends Order {
  requestFingerprint?: string;
  openMarker?: string;
  nextStepDueAt?: string;
}

export interface OrderPage {
  orders: Order[];
  nextToken?: string;
}

export type StatusAttributes = Partial<Omit<Order, 'orderId' | 'status' | 'updatedAt'>>;

export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const { partitionKey, customerIndex, openOrdersIndex } = ORDERS_TABLE;

// Pagination tokens are the table's LastEvaluatedKey, base64url-encoded. A decoded token must have
// exactly the key attributes of the page it continues, as short strings, so a tampered token is a
// 400, never a DynamoDB error. (Checked by hand: no zod in the functions that only use the store.)
/** Each key attribute a token may hold, with its longest value (ids: 64; an ISO-8601 date: 40). */
const KEY_LIMITS: Record<string, number> = { [partitionKey]: 64, [customerIndex.partitionKey]: 64, [customerIndex.sortKey]: 40 };
const SCAN_KEY = [partitionKey];
const INDEX_KEY = [partitionKey, customerIndex.partitionKey, customerIndex.sortKey];

export function encodePageToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodePageToken(token: string, customerId: string | undefined): Record<string, string> {
  const invalid = new ValidationError('Invalid pagination token', [{ path: 'nextToken', message: 'Not a token this API issued' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid;
  const key = parsed as Record<string, unknown>;
  const expected = customerId ? INDEX_KEY : SCAN_KEY;
  const wellFormed =
    Object.keys(key).length === expected.length &&
    expected.every((name) => {
      const value = key[name];
      return typeof value === 'string' && value.length >= 1 && value.length <= KEY_LIMITS[name]!;
    });
  if (!wellFormed) throw invalid;
  if (customerId && key[customerIndex.partitionKey] !== customerId) throw invalid;
  return key as Record<string, string>;
}

function toOrder(item: Record<string, unknown> | StoredOrder): Order {
  const { requestFingerprint: _fingerprint, openMarker: _open, nextStepDueAt: _due, ...order } = item as StoredOrder;
  return order;
}

/**
 * When an open order's next step is due: a shipped order waits for its estimated delivery date,
 * every other step follows at once (so it is due from its last change).
 */
export function nextStepDueAt(order: Pick<Order, 'status' | 'updatedAt' | 'estimatedDeliveryDate'>): string {
  return order.status === 'SHIPPED' && order.estimatedDeliveryDate ? order.estimatedDeliveryDate : order.updatedAt;
}

/** The item stored for an order: the order plus, while it is open, its keys in the open-orders index. */
export function storedItem(order: Order, requestFingerprint?: string): StoredOrder {
  if (isFinal(order.status)) return { ...order, requestFingerprint };
  return {
    ...order,
    requestFingerprint,
    [openOrdersIndex.partitionKey]: openOrdersIndex.marker,
    [openOrdersIndex.sortKey]: nextStepDueAt(order),
  };
}

/** A page of open orders overdue before a cutoff, and where the next page starts. */
export interface DueOrdersPage {
  orderIds: string[];
  nextKey?: Record<string, unknown>;
}

export class OrderStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes a new order unless one with its id exists. Returns the stored order and whether this
   * call created it; an existing order is returned with the fingerprint of the request that made it.
   */
  async create(order: Order, requestFingerprint?: string): Promise<{ order: Order; created: boolean; fingerprint?: string }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: storedItem(order, requestFingerprint),
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

  /** One customer's orders newest first (CustomerIndex), or all orders (Scan) when no customer is given. */
  async list(options: { customerId?: string; limit: number; nextToken?: string }): Promise<OrderPage> {
    const { customerId, limit } = options;
    const startKey = options.nextToken ? decodePageToken(options.nextToken, customerId) : undefined;
    const output = customerId
      ? await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: customerIndex.name,
            KeyConditionExpression: '#customerId = :customerId',
            ExpressionAttributeNames: { '#customerId': customerIndex.partitionKey },
            ExpressionAttributeValues: { ':customerId': customerId },
            ScanIndexForward: false,
            Limit: limit,
            ExclusiveStartKey: startKey,
          }),
        )
      : await this.db.send(new ScanCommand({ TableName: this.tableName, Limit: limit, ExclusiveStartKey: startKey }));
    return {
      orders: (output.Items ?? []).map(toOrder),
      nextToken: output.LastEvaluatedKey ? encodePageToken(output.LastEvaluatedKey) : undefined,
    };
  }

  /**
   * Moves an order to `to` and sets `attributes`, only from a status allowed just before `to`.
   * When the order already reached `to` (a retried or duplicated step) the stored order is
   * returned unchanged; any other refusal is an `InvalidTransitionError`.
   */
  async transition(orderId: string, to: OrderStatus, attributes: StatusAttributes = {}): Promise<{ order: Order; changed: boolean }> {
    const names: Record<string, string> = { '#pk': partitionKey, '#status': 'status', '#updatedAt': 'updatedAt' };
    const now = new Date().toISOString();
    const values: Record<string, unknown> = { ':to': to, ':now': now };
    const sets = ['#status = :to', '#updatedAt = :now'];
    Object.entries(attributes).forEach(([key, value], i) => {
      if (value === undefined) return;
      names[`#a${i}`] = key;
      values[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    });
    const previous = ALLOWED_PREVIOUS[to];
    previous.forEach((status, i) => (values[`:from${i}`] = status));
    const fromList = previous.map((_, i) => `:from${i}`).join(', ');
    // A final status takes the order out of the open-orders index; any other moves its due date.
    names['#due'] = openOrdersIndex.sortKey;
    let update: string;
    if (isFinal(to)) {
      names['#open'] = openOrdersIndex.partitionKey;
      update = `SET ${sets.join(', ')} REMOVE #open, #due`;
    } else {
      values[':due'] = nextStepDueAt({ status: to, updatedAt: now, estimatedDeliveryDate: attributes.estimatedDeliveryDate });
      update = `SET ${[...sets, '#due = :due'].join(', ')}`;
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [partitionKey]: orderId },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(#pk) AND #status IN (${fromList})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { order: toOrder(Attributes!), changed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.require(orderId);
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

  /** Records when the confirmation e-mail went out; the first date recorded wins. */
  async recordNotificationSent(orderId: string, sentAt: string): Promise<Order> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: orderId },
        UpdateExpression: 'SET notificationSentDate = if_not_exists(notificationSentDate, :sentAt)',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':sentAt': sentAt },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toOrder(Attributes!);
  }
}
