/**
 * An order as the orders table stores it: the order plus attributes kept for the server's own use
 * (never returned), its keys in the open-orders index while it is open, its consistent read by id,
 * and the document client every DynamoDB adapter of the orders table uses.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../../domain/order.ts';
import { isFinal, refundStatusOf } from '../../domain/order-rules.ts';
import type { StaffNote } from '../ports.ts';
import { ORDERS_TABLE } from '../settings/tables.ts';

/** Attributes kept on the item for the server's own use and never returned to clients. */
export interface StoredOrder extends Order {
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

const { partitionKey, openOrdersIndex } = ORDERS_TABLE;

/** The order's stored item, read consistently by id; undefined when there is no such order. */
export async function readStoredOrder(db: DynamoDBDocumentClient, tableName: string, orderId: string): Promise<StoredOrder | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { [partitionKey]: orderId }, ConsistentRead: true }));
  return Item as StoredOrder | undefined;
}

/** The order a client sees: the stored item without the server's attributes. */
export function toOrder(item: Record<string, unknown> | StoredOrder): Order {
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
 * creation, a status that owes a compensation; see `transition`, dynamodb-order-transitions.ts, for the steps that keep it).
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
