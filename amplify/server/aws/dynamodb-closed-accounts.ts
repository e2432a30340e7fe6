/**
 * `ClosedAccounts` on the DynamoDB idempotency table: one item per deleted account
 * (`closed-account#<sha256(sub)>`), expiring (TTL) once no token of the account can still be valid.
 * TTL deletes within days, not on the second, so the read also compares the expiry itself.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { ClosedAccounts } from '../ports.ts';
import { CLOSED_ACCOUNTS } from '../settings/api.ts';
import { IDEMPOTENCY_TABLE } from '../settings/tables.ts';

const idOf = (sub: string) => `${CLOSED_ACCOUNTS.idPrefix}${createHash('sha256').update(sub).digest('hex')}`;

export class DynamoDbClosedAccounts implements ClosedAccounts {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async close(sub: string, at: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [IDEMPOTENCY_TABLE.partitionKey]: idOf(sub), [IDEMPOTENCY_TABLE.ttlAttribute]: Math.floor(at.getTime() / 1000) + CLOSED_ACCOUNTS.keepSeconds },
      }),
    );
  }

  async isClosed(sub: string, now = new Date()): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { [IDEMPOTENCY_TABLE.partitionKey]: idOf(sub) }, ConsistentRead: true }));
    const expires = Item?.[IDEMPOTENCY_TABLE.ttlAttribute];
    return typeof expires === 'number' && expires * 1000 > now.getTime();
  }
}
