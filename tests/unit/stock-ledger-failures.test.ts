/**
 * The DynamoDB stock ledger when DynamoDB fails (a stand-in client, no local service): only a
 * failed condition means "already released or sold", "already seeded", "short" or "moved"; any
 * other failure (throttling, a 5xx) is thrown, so the step or the recovery job retries it instead of
 * taking units as given back, sold or reserved when they were not.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { StockMovedError } from '../../amplify/domain/inventory.ts';
import { DynamoDbStockLedger, StockBelowZeroError } from '../../amplify/server/aws/dynamodb-stock-ledger.ts';

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException' });

/** A ledger whose writes (Update, Put) fail with `writeError`; reads answer `item`. */
function ledger(writeError: () => Error, item?: Record<string, unknown>) {
  const sent: string[] = [];
  const db = {
    send: async (command: { constructor: { name: string } }) => {
      const name = command.constructor.name;
      sent.push(name);
      if (name === 'UpdateCommand' || name === 'PutCommand') throw writeError();
      if (name === 'GetCommand') return { Item: item };
      if (name === 'BatchGetCommand') return { Responses: { stock: item ? [item] : [] } };
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { stock: new DynamoDbStockLedger(db, 'stock'), sent };
}

describe('the stock ledger when a write fails', () => {
  it('release and sell: false only when the reservation is not held; any other failure is thrown', async () => {
    expect(await ledger(conditionFailed).stock.release('p1', 'o:1', 2)).toBe(false);
    expect(await ledger(conditionFailed).stock.sell('p1', 'o:1', 2)).toBe(false);
    await expect(ledger(throttled).stock.release('p1', 'o:1', 2)).rejects.toThrow(/throughput/);
    await expect(ledger(throttled).stock.sell('p1', 'o:1', 2)).rejects.toThrow(/throughput/);
  });

  it('seed: false only when the product already has stock; any other failure is thrown', async () => {
    expect(await ledger(conditionFailed).stock.seed('p1', 10, '2026-12-01T10:00:00.000Z')).toBe(false);
    await expect(ledger(throttled).stock.seed('p1', 10, '2026-12-01T10:00:00.000Z')).rejects.toThrow(/throughput/);
  });

  it('reserve: a failed condition is read to tell a repeat from a shortage; any other failure is thrown without reading', async () => {
    const failing = ledger(throttled);
    await expect(failing.stock.reserve('p1', 'o:1', 1, '2026-12-01T10:00:00.000Z')).rejects.toThrow(/throughput/);
    expect(failing.sent).toEqual(['UpdateCommand']);
    expect(await ledger(conditionFailed, { pk: 'p1', available: 3, reservations: { 'o:1': { qty: 1, at: 'x' } } }).stock.reserve('p1', 'o:1', 1, 'now')).toEqual({ outcome: 'already' });
    expect(await ledger(conditionFailed, { pk: 'p1', available: -2, reservations: { 'o:2': { qty: 1, at: 'x' } } }).stock.reserve('p1', 'o:1', 5, 'now')).toEqual({ outcome: 'short', available: 0 });
    expect(await ledger(conditionFailed, { pk: 'p1', available: 3 }).stock.reserve('p1', 'o:1', 5, 'now')).toEqual({ outcome: 'short', available: 3 });
    expect(await ledger(conditionFailed, { pk: 'p1' }).stock.reserve('p1', 'o:1', 5, 'now')).toEqual({ outcome: 'short', available: 0 });
    expect(await ledger(conditionFailed).stock.reserve('p1', 'o:1', 5, 'now')).toEqual({ outcome: 'unrecorded' });
  });

  it('a staff change: a failed condition is the stock that moved or would go below 0; any other failure is thrown as it is', async () => {
    await expect(ledger(throttled).stock.change('p1', { delta: -5, reason: 'x' }, 'staff@example.com', 'now')).rejects.toThrow(/throughput/);
    await expect(ledger(throttled).stock.change('p1', { available: 5, expected: 3, reason: 'x' }, 'staff@example.com', 'now')).rejects.toThrow(/throughput/);
    const below = await ledger(conditionFailed).stock.change('p1', { delta: -5, reason: 'x' }, 'staff@example.com', 'now').catch((e: unknown) => e as Error);
    expect(below).toBeInstanceOf(StockBelowZeroError);
    expect(below).toMatchObject({ name: 'StockBelowZeroError', message: 'Product p1 has 0 available: the change would take it below 0' });
    await expect(ledger(conditionFailed).stock.change('p1', { available: 5, expected: 3, reason: 'x' }, 'staff@example.com', 'now')).rejects.toBeInstanceOf(StockMovedError);
  });
});
