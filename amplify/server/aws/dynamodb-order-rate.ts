/**
 * `OrderRateLimiter` on the DynamoDB idempotency table: one counter item per account and minute
 * (`order-rate#<sha256(sub)>#<minute>`), raised by a conditional update that refuses to pass the
 * limit, so every Lambda instance counts against the same number. The item expires (TTL) a few
 * minutes after its minute; locally (dynalite, no TTL) old minutes simply stay.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { OrderRateLimiter, RateVerdict } from '../ports.ts';
import { IDEMPOTENCY_TABLE } from '../settings/tables.ts';
import { ORDER_RATE } from '../settings/api.ts';

export class DynamoDbOrderRateLimiter implements OrderRateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Orders per account per minute; 0 turns the limit off. */
    readonly limit: number,
  ) {}

  async admit(sub: string, now = new Date()): Promise<RateVerdict> {
    if (this.limit <= 0) return { allowed: true };
    const minute = Math.floor(now.getTime() / 60_000);
    const id = `${ORDER_RATE.idPrefix}${createHash('sha256').update(sub).digest('hex')}#${minute}`;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [IDEMPOTENCY_TABLE.partitionKey]: id },
          UpdateExpression: 'ADD #count :one SET #expires = if_not_exists(#expires, :expires)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'orders', '#expires': IDEMPOTENCY_TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':one': 1, ':limit': this.limit, ':expires': (minute + 1) * 60 + ORDER_RATE.keepSeconds },
        }),
      );
      return { allowed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((minute + 1) * 60_000 - now.getTime()) / 1000)) };
    }
  }
}
