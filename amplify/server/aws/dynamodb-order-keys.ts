/**
 * `OrderKeys` on the DynamoDB idempotency table: Idempotency-Keys of `POST /orders`, scoped to the caller. The first request with a key records,
 * in the idempotency table, the random order id it is about to create and the request's
 * fingerprint; a repeated or concurrent request with the same key finds that record and lands on
 * the same order. The record's id hashes the caller's `sub` with the key: another customer using
 * the same key gets their own record (no squatting), and an order id cannot be computed from
 * anything a stranger knows.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { OrderKeyRecord, OrderKeys } from '../ports.ts';
import { IDEMPOTENCY_TABLE } from '../settings/tables.ts';
import { ORDER_KEYS } from '../settings/api.ts';

export function orderKeyRecordId(callerSub: string, idempotencyKey: string): string {
  return ORDER_KEYS.idPrefix + createHash('sha256').update(`${callerSub}\n${idempotencyKey}`).digest('hex');
}

export class DynamoDbOrderKeys implements OrderKeys {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records `candidate` for the caller's key unless the key is already recorded; returns the
   * record that holds (the candidate, or the earlier one).
   */
  async claim(callerSub: string, idempotencyKey: string, candidate: OrderKeyRecord): Promise<OrderKeyRecord> {
    const id = orderKeyRecordId(callerSub, idempotencyKey);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [IDEMPOTENCY_TABLE.partitionKey]: id,
            ...candidate,
            // Epoch seconds, as DynamoDB's TTL reads it.
            [IDEMPOTENCY_TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) + ORDER_KEYS.expiresAfterSeconds,
          },
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': IDEMPOTENCY_TABLE.partitionKey },
        }),
      );
      return candidate;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { [IDEMPOTENCY_TABLE.partitionKey]: id }, ConsistentRead: true }),
      );
      if (!Item) throw error;
      return { orderId: String(Item.orderId), fingerprint: String(Item.fingerprint) };
    }
  }
}
