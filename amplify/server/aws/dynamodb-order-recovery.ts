/**
 * The recovery job's side of the orders table: the open orders overdue, from the sparse
 * open-orders index, and the claim of one recovery attempt on an order (counted on it).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../../domain/order.ts';
import type { DueOrdersPage } from '../ports.ts';
import { ORDERS_TABLE } from '../settings/tables.ts';
import { readStoredOrder, toOrder, type StoredOrder } from './dynamodb-order-items.ts';

const { partitionKey, openOrdersIndex } = ORDERS_TABLE;

export class DynamoDbOrderRecovery {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
      const current = await readStoredOrder(this.db, this.tableName, orderId);
      if (!current?.[openOrdersIndex.partitionKey as 'openMarker']) return 'closed';
      if ((current.recoveryAttempts ?? 0) >= maxAttempts) return 'exhausted';
      return 'moving';
    }
  }
}
