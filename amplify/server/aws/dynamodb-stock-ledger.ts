/**
 * The `StockLedger` on the DynamoDB stock table (`STOCK_TABLE`). One stock item per product; each
 * reserve, release and sale is a single conditional UpdateItem that moves a count and adds or
 * removes the order's entry in the item's `reservations` map together, so it is atomic without
 * transactions (dynalite has none) and idempotent: a repeat fails its condition and changes nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { StockMovedError, type StockChange, type StockHistoryEntry, type StockLevel } from '../../domain/inventory.ts';
import type { OpenReservation, ReserveLineResult, StockLedger } from '../ports.ts';
import { STOCK_TABLE } from '../settings/tables.ts';

const { partitionKey, sortKey, stockEntry, historyPrefix } = STOCK_TABLE;

interface StockItem {
  productId: string;
  available: number;
  sold?: number;
  reservations?: Record<string, { qty: number; at: string }>;
  updatedAt?: string;
}

/** A staff change that would take `available` below 0 (409). */
export class StockBelowZeroError extends Error {
  override readonly name = 'StockBelowZeroError';
  constructor(
    readonly productId: string,
    readonly available: number,
  ) {
    super(`Product ${productId} has ${available} available: the change would take it below 0`);
  }
}

const BATCH_GET_LIMIT = 100;
const BATCH_GET_RETRIES = 4;

export function levelOf(item: StockItem): StockLevel {
  const reservations = Object.values(item.reservations ?? {});
  return {
    productId: item.productId,
    available: item.available,
    reserved: reservations.reduce((sum, r) => sum + r.qty, 0),
    sold: item.sold ?? 0,
    openReservations: reservations.length,
  };
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoDbStockLedger implements StockLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(productId: string) {
    return { [partitionKey]: productId, [sortKey]: stockEntry };
  }

  private async items(productIds: readonly string[], consistent = true): Promise<StockItem[]> {
    const found: StockItem[] = [];
    for (let i = 0; i < productIds.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = [...new Set(productIds.slice(i, i + BATCH_GET_LIMIT))].map((id) => this.key(id));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > BATCH_GET_RETRIES) throw new Error(`BatchGetItem left ${keys.length} stock items unread`);
        const out: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: consistent } } }));
        found.push(...((out.Responses?.[this.tableName] ?? []) as StockItem[]));
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async levels(productIds: readonly string[], { consistent = true }: { consistent?: boolean } = {}): Promise<Map<string, StockLevel>> {
    return new Map((await this.items(productIds, consistent)).map((item) => [item.productId, levelOf(item)]));
  }

  async reserve(productId: string, reservationKey: string, qty: number, at: string): Promise<ReserveLineResult> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(productId),
          UpdateExpression: 'SET reservations.#res = :res ADD available :minus',
          ConditionExpression: 'attribute_exists(available) AND attribute_not_exists(reservations.#res) AND available >= :qty',
          ExpressionAttributeNames: { '#res': reservationKey },
          ExpressionAttributeValues: { ':res': { qty, at }, ':minus': -qty, ':qty': qty },
        }),
      );
      return { outcome: 'reserved' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Tell a repeat (the reservation is there) from a shortage.
      const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.key(productId), ConsistentRead: true }));
      const item = Item as StockItem | undefined;
      if (!item) return { outcome: 'unrecorded' };
      if (item.reservations?.[reservationKey]) return { outcome: 'already' };
      return { outcome: 'short', available: Math.max(0, item.available ?? 0) };
    }
  }

  /** Removes the reservation and adds its units to `counter`, only while the reservation is held. */
  private async settle(productId: string, reservationKey: string, qty: number, counter: 'available' | 'sold'): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(productId),
          UpdateExpression: 'REMOVE reservations.#res ADD #counter :qty',
          ConditionExpression: 'attribute_exists(reservations.#res)',
          ExpressionAttributeNames: { '#res': reservationKey, '#counter': counter },
          ExpressionAttributeValues: { ':qty': qty },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false; // already released or sold (or never taken)
      throw error;
    }
  }

  release(productId: string, reservationKey: string, qty: number): Promise<boolean> {
    return this.settle(productId, reservationKey, qty, 'available');
  }

  sell(productId: string, reservationKey: string, qty: number): Promise<boolean> {
    return this.settle(productId, reservationKey, qty, 'sold');
  }

  async openReservations(productIds: readonly string[]): Promise<OpenReservation[]> {
    return (await this.items(productIds)).flatMap((item) =>
      Object.entries(item.reservations ?? {}).map(([reservationKey, { qty, at }]) => ({ productId: item.productId, reservationKey, qty, at })),
    );
  }

  async holds(productIds: readonly string[], reservationKey: string): Promise<boolean> {
    const wanted = new Set(productIds);
    const holding = (await this.items([...wanted])).filter((item) => item.reservations?.[reservationKey] !== undefined);
    return holding.length === wanted.size;
  }

  async seed(productId: string, available: number, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(productId), available, sold: 0, reservations: {}, updatedAt: at },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async change(productId: string, change: StockChange, by: string, at: string): Promise<{ level: StockLevel; entry: StockHistoryEntry }> {
    const setOthers = 'sold = if_not_exists(sold, :zero), reservations = if_not_exists(reservations, :empty), updatedAt = :at';
    const values = { ':zero': 0, ':empty': {}, ':at': at };
    let item: StockItem;
    let before: number;
    try {
      if ('available' in change) {
        const out = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(productId),
            UpdateExpression: `SET available = :n, ${setOthers}`,
            // Only over what the staff member saw, when they said (the route seeds a missing item first).
            ConditionExpression: change.expected === undefined ? undefined : 'available = :expected',
            ExpressionAttributeValues: { ...values, ':n': change.available, ...(change.expected === undefined ? {} : { ':expected': change.expected }) },
            ReturnValues: 'ALL_OLD',
          }),
        );
        const old = out.Attributes as StockItem | undefined;
        before = old?.available ?? 0;
        item = { productId, available: change.available, sold: old?.sold ?? 0, reservations: old?.reservations ?? {} };
      } else {
        const out = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(productId),
            UpdateExpression: `SET available = if_not_exists(available, :zero) + :delta, ${setOthers}`,
            // Never below 0: a removal needs that many available now (the route seeds a missing item first).
            ConditionExpression: change.delta < 0 ? 'available >= :need' : undefined,
            ExpressionAttributeValues: { ...values, ':delta': change.delta, ...(change.delta < 0 ? { ':need': -change.delta } : {}) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        item = out.Attributes as StockItem;
        before = item.available - change.delta;
      }
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const now = (await this.levels([productId])).get(productId)?.available ?? 0;
      if ('available' in change) throw new StockMovedError(productId, change.expected ?? change.available, now);
      throw new StockBelowZeroError(productId, now);
    }
    // The history entry follows the change (no transaction): a crash between them loses the entry, never the count.
    const entry: StockHistoryEntry = { at, by, reason: change.reason, before, after: item.available };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { [partitionKey]: productId, [sortKey]: `${historyPrefix}${at}#${randomUUID().slice(0, 8)}`, ...entry } }));
    return { level: levelOf(item), entry };
  }

  async history(productId: string, limit: number): Promise<StockHistoryEntry[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: { ':pk': productId, ':prefix': historyPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(({ at, by, reason, before, after }) => ({ at, by, reason, before, after }) as StockHistoryEntry);
  }
}
