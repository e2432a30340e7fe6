/**
 * The `OrderRepository` on the DynamoDB orders table: its writes and reads by id here, its lists
 * in dynamodb-order-lists.ts, the stored item's shape in dynamodb-order-items.ts. Every status
 * change is a conditional update, so a late or duplicated step can never move an order backwards,
 * and repeating a step that already happened is a harmless no-op.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidTransitionError, OrderNotFoundError, PaymentAttemptsExhaustedError, SupersededAttemptError } from '../../domain/errors.ts';
import type { EmailKind, EmailStatus } from '../../domain/notification.ts';
import type { Order, StatusChange } from '../../domain/order.ts';
import { ALLOWED_PREVIOUS, hasReached, isFinal, MAX_PAYMENT_ATTEMPTS, needsCompensation, paymentAttemptOf, SYSTEM_ACTOR, type Actor, type OrderStatus } from '../../domain/order-rules.ts';
import { ANONYMIZED } from '../../domain/privacy.ts';
import type { DueOrdersPage, OrderQuery, OrderRepository, StaffNote, StatusAttributes, TransitionGuard } from '../ports.ts';
import { ORDERS_TABLE } from '../settings.ts';
import { nextStepDueAt, storedItem, toOrder, type StoredOrder } from './dynamodb-order-items.ts';
import { DynamoDbOrderLists, type IndexKey } from './dynamodb-order-lists.ts';

const { partitionKey, customerIndex, openOrdersIndex } = ORDERS_TABLE;

export class DynamoDbOrderRepository implements OrderRepository {
  /** The lists (the read model): their own module. */
  private readonly lists: DynamoDbOrderLists;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.lists = new DynamoDbOrderLists(db, tableName);
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
      const page = await this.lists.queryIndex(customerIndex, guestCustomerId, {}, 100, startKey);
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

  list(query: OrderQuery & { limit: number; position?: unknown }): Promise<{ orders: Order[]; position?: unknown }> {
    return this.lists.list(query);
  }

  findByOrderNumber(orderNumber: string): Promise<Order[]> {
    return this.lists.findByOrderNumber(orderNumber);
  }

  countByStatus(query: Omit<OrderQuery, 'status' | 'customerEmail'>): Promise<Record<OrderStatus, number>> {
    return this.lists.countByStatus(query);
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
