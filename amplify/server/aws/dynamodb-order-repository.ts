/**
 * The `OrderRepository` on the DynamoDB orders table: its creation and reads by id here, the rest
 * in the modules it delegates to: status changes (dynamodb-order-transitions.ts), what is recorded
 * beside the status (dynamodb-order-records.ts), the customers' claims and anonymization
 * (dynamodb-order-customers.ts), the recovery job's queries and claims (dynamodb-order-recovery.ts),
 * the lists (dynamodb-order-lists.ts); the stored item's shape in dynamodb-order-items.ts.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { OrderNotFoundError } from '../../domain/errors.ts';
import type { EmailKind, EmailStatus } from '../../domain/notification.ts';
import type { Order } from '../../domain/order.ts';
import type { Actor, OrderStatus } from '../../domain/order-rules.ts';
import type { DueOrdersPage, OrderQuery, OrderRepository, StaffNote, StatusAttributes, TransitionGuard } from '../ports.ts';
import { ORDERS_TABLE } from '../settings/tables.ts';
import { DynamoDbOrderCustomers } from './dynamodb-order-customers.ts';
import { readStoredOrder, storedItem, toOrder } from './dynamodb-order-items.ts';
import { DynamoDbOrderLists } from './dynamodb-order-lists.ts';
import { DynamoDbOrderRecords } from './dynamodb-order-records.ts';
import { DynamoDbOrderRecovery } from './dynamodb-order-recovery.ts';
import { DynamoDbOrderTransitions } from './dynamodb-order-transitions.ts';

const { partitionKey } = ORDERS_TABLE;

export class DynamoDbOrderRepository implements OrderRepository {
  private readonly lists: DynamoDbOrderLists;
  private readonly transitions: DynamoDbOrderTransitions;
  private readonly records: DynamoDbOrderRecords;
  private readonly customers: DynamoDbOrderCustomers;
  private readonly recovery: DynamoDbOrderRecovery;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.lists = new DynamoDbOrderLists(db, tableName);
    this.transitions = new DynamoDbOrderTransitions(db, tableName, this);
    this.records = new DynamoDbOrderRecords(db, tableName);
    this.customers = new DynamoDbOrderCustomers(db, tableName, this.lists);
    this.recovery = new DynamoDbOrderRecovery(db, tableName);
  }

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
      const existing = await readStoredOrder(this.db, this.tableName, order.orderId);
      if (!existing) throw error;
      return { order: toOrder(existing), created: false, fingerprint: existing.requestFingerprint };
    }
  }

  async get(orderId: string): Promise<Order | undefined> {
    const item = await readStoredOrder(this.db, this.tableName, orderId);
    return item && toOrder(item);
  }

  async getWithTokenHash(orderId: string): Promise<{ order: Order; orderTokenHash?: string } | undefined> {
    const item = await readStoredOrder(this.db, this.tableName, orderId);
    return item && { order: toOrder(item), orderTokenHash: item.orderTokenHash };
  }

  async require(orderId: string): Promise<Order> {
    const order = await this.get(orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    return order;
  }

  list(query: OrderQuery & { limit: number; position?: unknown }): Promise<{ orders: Order[]; position?: unknown }> {
    return this.lists.list(query);
  }

  findByOrderNumber(orderNumber: string): Promise<Order[]> {
    return this.lists.findByOrderNumber(orderNumber);
  }

  countByStatus(query: Omit<OrderQuery, 'status' | 'customerEmail'>): Promise<Record<OrderStatus, number>> {
    return this.lists.countByStatus(query);
  }

  transition(orderId: string, to: OrderStatus, attributes?: StatusAttributes, actor?: Actor, guard?: TransitionGuard): Promise<{ order: Order; changed: boolean }> {
    return this.transitions.transition(orderId, to, attributes, actor, guard);
  }

  retryPayment(orderId: string, paymentMethod: string, actor: Actor): Promise<{ order: Order; changed: boolean }> {
    return this.transitions.retryPayment(orderId, paymentMethod, actor);
  }

  recordLateCharge(orderId: string, transactionId: string, paymentDate: string): Promise<Order> {
    return this.records.recordLateCharge(orderId, transactionId, paymentDate);
  }

  recordRefund(orderId: string, refundId: string, refundDate: string): Promise<Order> {
    return this.records.recordRefund(orderId, refundId, refundDate);
  }

  recordCompensation(orderId: string, sentAt: string): Promise<Order> {
    return this.records.recordCompensation(orderId, sentAt);
  }

  recordEmailSent(orderId: string, kind: EmailKind, sentAt: string): Promise<Order> {
    return this.records.recordEmailSent(orderId, kind, sentAt);
  }

  recordEmailStatus(orderId: string, status: EmailStatus): Promise<Order | undefined> {
    return this.records.recordEmailStatus(orderId, status);
  }

  staffNote(orderId: string): Promise<StaffNote | undefined> {
    return this.records.staffNote(orderId);
  }

  saveStaffNote(orderId: string, note: StaffNote): Promise<StaffNote> {
    return this.records.saveStaffNote(orderId, note);
  }

  claimGuestOrders(guestCustomerId: string, customerId: string, at: string): Promise<string[]> {
    return this.customers.claimGuestOrders(guestCustomerId, customerId, at);
  }

  anonymize(orderId: string, customerId: string, at: string): Promise<void> {
    return this.customers.anonymize(orderId, customerId, at);
  }

  openOrdersDueBefore(cutoff: string, limit: number, startKey?: Record<string, unknown>): Promise<DueOrdersPage> {
    return this.recovery.openOrdersDueBefore(cutoff, limit, startKey);
  }

  claimRecoveryAttempt(orderId: string, maxAttempts: number, now: string, unchangedSince?: string): Promise<{ order: Order; attempt: number } | 'exhausted' | 'closed' | 'moving'> {
    return this.recovery.claimRecoveryAttempt(orderId, maxAttempts, now, unchangedSince);
  }
}
