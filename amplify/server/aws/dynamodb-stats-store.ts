/**
 * The per-day counters in the stats table (`STATS_TABLE`): one `UpdateItem ... ADD` per status
 * change, one Query per range of days.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { checkTimeZone, DEFAULT_TIME_ZONE, type DayDelta, type StoredDay } from '../../domain/stats.ts';
import type { StatsStore } from '../ports.ts';
import { STATS_TABLE } from '../settings/tables.ts';
import { ENV, requireEnv } from '../environment.ts';

const { partitionKey, sortKey, dayPartitionPrefix } = STATS_TABLE;

export class DynamoDbStatsStore implements StatsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly timeZone: string,
  ) {}

  private get partition() {
    return `${dayPartitionPrefix}${this.timeZone}`;
  }

  async add({ day, counts }: DayDelta): Promise<void> {
    const entries = Object.entries(counts).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: this.partition, [sortKey]: day },
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])),
      }),
    );
  }

  async days(from: string, to: string): Promise<StoredDay[]> {
    const days: StoredDay[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #day BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': partitionKey, '#day': sortKey },
          ExpressionAttributeValues: { ':pk': this.partition, ':from': from, ':to': to },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { [partitionKey]: _pk, [sortKey]: day, ...counts } = item;
        days.push({ day: day as string, counts: counts as Record<string, number> });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return days;
  }
}

/** The stats store of a function: the table and the shop's time zone from its environment. */
export function statsStoreFromEnv(db: DynamoDBDocumentClient): DynamoDbStatsStore {
  const timeZone = checkTimeZone(process.env[ENV.shopTimeZone] || DEFAULT_TIME_ZONE);
  return new DynamoDbStatsStore(db, requireEnv(ENV.statsTable), timeZone);
}
