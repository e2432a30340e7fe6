/**
 * What is recorded on an order beside its status: a charge that lost the race to a cancel, its
 * refund, a compensation closed, the e-mails sent and SES's reports on them, staff's note. Each is
 * one update of an existing order, and the first value recorded wins; but the note, which each save replaces.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { OrderNotFoundError } from '../../domain/errors.ts';
import type { EmailKind, EmailStatus } from '../../domain/notification.ts';
import type { Order } from '../../domain/order.ts';
import type { StaffNote } from '../ports.ts';
import { ORDERS_TABLE } from '../settings/tables.ts';
import { readStoredOrder, toOrder } from './dynamodb-order-items.ts';

const { partitionKey, openOrdersIndex } = ORDERS_TABLE;

export class DynamoDbOrderRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One update of the order `orderId`, its condition included, answered with the order as it is after it. */
  private async update(
    orderId: string,
    input: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<Order> {
    const { Attributes } = await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: { [partitionKey]: orderId }, ...input, ReturnValues: 'ALL_NEW' }));
    return toOrder(Attributes!);
  }

  /**
   * Records a charge the payment provider made for an order that was cancelled while the charge
   * was in flight (it lost the race to the cancel): the compensation then refunds it. The first
   * charge recorded wins; only a cancelled order takes one this way.
   */
  async recordLateCharge(orderId: string, transactionId: string, paymentDate: string): Promise<Order> {
    return this.update(orderId, {
      UpdateExpression: 'SET transactionId = if_not_exists(transactionId, :txn), paymentDate = if_not_exists(paymentDate, :date)',
      ConditionExpression: 'attribute_exists(#pk) AND #status = :cancelled',
      ExpressionAttributeNames: { '#pk': partitionKey, '#status': 'status' },
      ExpressionAttributeValues: { ':txn': transactionId, ':date': paymentDate, ':cancelled': 'CANCELLED' },
    });
  }

  /** Records the refund of an order's charge; the first refund recorded wins (a repeat changes nothing). */
  async recordRefund(orderId: string, refundId: string, refundDate: string): Promise<Order> {
    return this.update(orderId, {
      UpdateExpression: 'SET refundId = if_not_exists(refundId, :id), refundDate = if_not_exists(refundDate, :date)',
      ConditionExpression: 'attribute_exists(#pk) AND attribute_exists(transactionId)',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':id': refundId, ':date': refundDate },
    });
  }

  /**
   * Closes a compensation: records when its e-mail went out and takes the order out of the
   * open-orders index (nothing is owed any more). The first date recorded wins.
   */
  async recordCompensation(orderId: string, sentAt: string): Promise<Order> {
    return this.update(orderId, {
      UpdateExpression: 'SET compensationSentDate = if_not_exists(compensationSentDate, :sentAt) REMOVE #open, #due',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': partitionKey, '#open': openOrdersIndex.partitionKey, '#due': openOrdersIndex.sortKey },
      ExpressionAttributeValues: { ':sentAt': sentAt },
    });
  }

  /** Records a sent e-mail of `kind` (a string set: a repeat changes nothing); the shipped one also sets `notificationSentDate`. */
  async recordEmailSent(orderId: string, kind: EmailKind, sentAt: string): Promise<Order> {
    const shipped = kind === 'order-shipped';
    return this.update(orderId, {
      UpdateExpression: `ADD emailsSent :kind${shipped ? ' SET notificationSentDate = if_not_exists(notificationSentDate, :sentAt)' : ''}`,
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':kind': new Set([kind]), ...(shipped ? { ':sentAt': sentAt } : {}) },
    });
  }

  /** Records SES's bounce or complaint on the order; an unknown order id is ignored (undefined). */
  async recordEmailStatus(orderId: string, status: EmailStatus): Promise<Order | undefined> {
    try {
      // Awaited here, so a refused condition (no such order) is caught below.
      return await this.update(orderId, {
        UpdateExpression: 'SET emailStatus = if_not_exists(emailStatus, :status)',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':status': status },
      });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async staffNote(orderId: string): Promise<StaffNote | undefined> {
    const item = await readStoredOrder(this.db, this.tableName, orderId);
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
}
