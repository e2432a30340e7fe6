/**
 * The orders' status changes (`OrderRepository.transition` and `retryPayment`): each one conditional
 * update, so a late or duplicated step never moves an order backwards and a step repeated is a no-op.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidTransitionError, PaymentAttemptsExhaustedError, SupersededAttemptError } from '../../domain/errors.ts';
import type { Order, StatusChange } from '../../domain/order.ts';
import { ALLOWED_PREVIOUS, hasReached, isFinal, MAX_PAYMENT_ATTEMPTS, needsCompensation, paymentAttemptOf, SYSTEM_ACTOR, type Actor, type OrderStatus } from '../../domain/order-rules.ts';
import type { OrderRepository, StatusAttributes, TransitionGuard } from '../ports.ts';
import { ORDERS_TABLE } from '../settings/tables.ts';
import { nextStepDueAt, toOrder } from './dynamodb-order-items.ts';

const { partitionKey, openOrdersIndex } = ORDERS_TABLE;

/** The entry a status change appends to the order's history. */
function statusChange(status: OrderStatus, at: string, actor: Actor): StatusChange {
  return { status, at, actor: actor.sub === undefined ? { type: actor.type } : { type: actor.type, sub: actor.sub } };
}

/** What a move to `to` does to the order's entry in the open-orders index: the update's extra clauses. */
interface IndexChange {
  set: string[];
  remove: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * A final status takes the order out of the open-orders index. A status that still owes a
 * compensation (refund, e-mail) stays in it, due at once, until `recordCompensation` closes it;
 * a shipped order becomes due at its delivery date, a paid one held for its cancel window when the
 * window closes. The workflow's intermediate steps keep the due date the order had (its creation,
 * or the recovery job's last restart): they follow within seconds, and moving the index's sort key
 * costs two index writes each time.
 */
function openOrdersIndexChange(to: OrderStatus, attributes: StatusAttributes, now: string): IndexChange {
  const keys = { '#open': openOrdersIndex.partitionKey, '#due': openOrdersIndex.sortKey };
  if (isFinal(to) && !needsCompensation(to)) return { set: [], remove: ['#open', '#due'], names: keys, values: {} };
  if (to === 'SHIPPED' || needsCompensation(to) || (to === 'PAYMENT_PROCESSED' && attributes.cancellableUntil)) {
    // The marker too: a delivered order being refunded had left the index.
    const values = {
      ':open': openOrdersIndex.marker,
      ':due': nextStepDueAt({ status: to, updatedAt: now, estimatedDeliveryDate: attributes.estimatedDeliveryDate, cancellableUntil: attributes.cancellableUntil }),
    };
    const set = ['#open = :open', '#due = :due'];
    // A return starts the order's recovery budget afresh: attempts spent on its shipment are not its refund's.
    if (to === 'REFUNDED') return { set, remove: ['#recoveries'], names: { ...keys, '#recoveries': 'recoveryAttempts' }, values };
    return { set, remove: [], names: keys, values };
  }
  return { set: [], remove: [], names: {}, values: {} };
}

export class DynamoDbOrderTransitions {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Reads the order as it is now, after a refused update. */
    private readonly orders: Pick<OrderRepository, 'require'>,
  ) {}

  /**
   * Moves an order to `to` and sets `attributes`, only from a status allowed just before `to`.
   * When the order already reached `to` (a retried or duplicated step) the stored order is
   * returned unchanged; any other refusal is an `InvalidTransitionError`.
   */
  async transition(orderId: string, to: OrderStatus, attributes: StatusAttributes = {}, actor: Actor = SYSTEM_ACTOR, guard?: TransitionGuard): Promise<{ order: Order; changed: boolean }> {
    const now = new Date().toISOString();
    const names: Record<string, string> = { '#pk': partitionKey, '#status': 'status', '#updatedAt': 'updatedAt', '#history': 'history' };
    const values: Record<string, unknown> = { ':to': to, ':now': now, ':change': [statusChange(to, now, actor)], ':none': [] };
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
    if (previous.length === 0) throw new InvalidTransitionError(orderId, (await this.orders.require(orderId)).status, to);
    previous.forEach((status, i) => (values[`:from${i}`] = status));
    const fromList = previous.map((_, i) => `:from${i}`).join(', ');
    const index = openOrdersIndexChange(to, attributes, now);
    Object.assign(names, index.names);
    Object.assign(values, index.values);
    const update = `SET ${[...sets, ...index.set].join(', ')}${index.remove.length > 0 ? ` REMOVE ${index.remove.join(', ')}` : ''}`;
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
      const current = await this.orders.require(orderId);
      if (guard && paymentAttemptOf(current) !== guard.paymentAttempt) throw new SupersededAttemptError(orderId, guard.paymentAttempt, paymentAttemptOf(current));
      if (hasReached(current.status, to)) return { order: current, changed: false };
      throw new InvalidTransitionError(orderId, current.status, to);
    }
  }

  /**
   * A declined order paid again: PAYMENT_FAILED -> PENDING with the payment method chosen now, the
   * next `paymentAttempts`, its failure reason gone and its recovery budget afresh, back in the
   * open-orders index (due now), in one conditional update: only while declined and with attempts
   * left (`MAX_PAYMENT_ATTEMPTS`). Asked again once it is on its way (PENDING or past it on the
   * happy path): the order unchanged.
   */
  async retryPayment(orderId: string, paymentMethod: string, actor: Actor): Promise<{ order: Order; changed: boolean }> {
    const now = new Date().toISOString();
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
            ':change': [statusChange('PENDING', now, actor)],
            ':open': openOrdersIndex.marker,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { order: toOrder(Attributes!), changed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.orders.require(orderId);
      if (hasReached(current.status, 'PENDING')) return { order: current, changed: false };
      if (current.status === 'PAYMENT_FAILED') throw new PaymentAttemptsExhaustedError(orderId, paymentAttemptOf(current));
      throw new InvalidTransitionError(orderId, current.status, 'PENDING');
    }
  }
}
