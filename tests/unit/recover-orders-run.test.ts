/**
 * recover-orders' run beyond the orders (tests/unit/recover-orders.test.ts has those): the stock's
 * part (products seeded, reservations of stuck orders released or sold, the low-stock figures), what
 * a run logs and publishes for it, a stock failure kept out of the orders' recovery, and the
 * invocation's edges (no remaining time given, no detail). The stock ledger and the order
 * repository are spied on at their classes; the handler is imported inside each test (`load`) so
 * that StrykerJS sees its module-level wiring run inside a test.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CATALOG } from '../../amplify/domain/catalog.ts';
import { STOCK, type StockLevel } from '../../amplify/domain/inventory.ts';
import type { Order } from '../../amplify/domain/order.ts';
import type { OpenReservation } from '../../amplify/server/ports.ts';
import { RECOVERY } from '../../amplify/server/settings/recovery.ts';
import { HANDLER_ENV, lambdaContext, scheduledEvent } from './events.ts';
import { captureLogs } from './logs.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
let logs: ReturnType<typeof captureLogs>;

const PRODUCTS = CATALOG.map((product) => product.productId);
const [NEW_PRODUCT, LOW_PRODUCT, OTHER_PRODUCT] = PRODUCTS as [string, string, string];
const ABANDONED = '11111111-1111-4111-8111-111111111111';
const DELIVERED = '22222222-2222-4222-8222-222222222222';
const RECENT = '33333333-3333-4333-8333-333333333333';
const level = (productId: string, available: number): StockLevel => ({ productId, available, reserved: 0, sold: 0, openReservations: 0 });

interface Spies {
  levels: ReturnType<typeof vi.fn>;
  seed: ReturnType<typeof vi.fn>;
  openReservations: ReturnType<typeof vi.fn>;
  release: ReturnType<typeof vi.fn>;
  sell: ReturnType<typeof vi.fn>;
  get: ReturnType<typeof vi.fn>;
  openOrdersDueBefore: ReturnType<typeof vi.fn>;
}

/**
 * The handler as Lambda loads it, with the stock ledger's and the repository's methods it calls
 * replaced (by default: every product stocked, none low, no reservation, no overdue order).
 */
async function load(): Promise<{ handler: (event: ScheduledEvent, context: Context) => Promise<object>; spies: Spies }> {
  vi.resetModules();
  const { DynamoDbStockLedger } = await import('../../amplify/server/aws/dynamodb-stock-ledger.ts');
  const { DynamoDbOrderRepository } = await import('../../amplify/server/aws/dynamodb-order-repository.ts');
  const spies: Spies = {
    levels: vi.fn(async (ids: string[]) => new Map(ids.map((id) => [id, level(id, 100)]))),
    seed: vi.fn(async () => true),
    openReservations: vi.fn(async () => []),
    release: vi.fn(async () => true),
    sell: vi.fn(async () => true),
    get: vi.fn(async () => undefined),
    openOrdersDueBefore: vi.fn(async () => ({ orderIds: [], nextKey: undefined })),
  };
  for (const name of ['levels', 'seed', 'openReservations', 'release', 'sell'] as const) {
    vi.spyOn(DynamoDbStockLedger.prototype, name).mockImplementation(spies[name] as never);
  }
  for (const name of ['get', 'openOrdersDueBefore'] as const) {
    vi.spyOn(DynamoDbOrderRepository.prototype, name).mockImplementation(spies[name] as never);
  }
  const { handler } = await import('../../amplify/functions/recover-orders/handler.ts');
  return { handler: handler as never, spies };
}

/** Every metric the run adds: [name, value], and the single metrics as [dimension, value, name, value]. */
function captureMetrics() {
  const added: [string, number][] = [];
  const singles: [string, string, string, number][] = [];
  vi.spyOn(Metrics.prototype, 'addMetric').mockImplementation(function (this: Metrics, name: string, _unit: string, value: number) {
    added.push([name, value]);
    return this;
  } as never);
  vi.spyOn(Metrics.prototype, 'singleMetric').mockImplementation(() => {
    const dimensions: [string, string][] = [];
    return {
      addDimension: (name: string, value: string) => void dimensions.push([name, value]),
      addMetric: (name: string, _unit: string, value: number) => void singles.push([...dimensions[0]!, name, value]),
    } as never;
  });
  return { added, singles };
}

const extraOf = (message: string) => logs.lines.find((line) => line.message === message)?.extra[0];

beforeEach(() => {
  for (const [name, value] of Object.entries(HANDLER_ENV)) vi.stubEnv(name, value);
  [ddb, sfn, sqs].forEach((mock) => mock.reset());
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});
afterAll(() => [ddb, sfn, sqs].forEach((mock) => mock.restore()));

describe("recover-orders' stock part", () => {
  it('seeds the products without stock, settles the reservations of stuck orders (not recent ones), and publishes the low-stock figures', async () => {
    const { handler, spies } = await load();
    const metrics = captureMetrics();
    const now = Date.now();
    const stale = new Date(now - (RECOVERY.staleAfterMinutes + 5) * 60_000).toISOString();
    const recent = new Date(now - (RECOVERY.staleAfterMinutes - 5) * 60_000).toISOString();
    // Before seeding: NEW_PRODUCT has no stock item. After: LOW_PRODUCT is at 2 units.
    spies.levels
      .mockResolvedValueOnce(new Map(PRODUCTS.filter((id) => id !== NEW_PRODUCT).map((id) => [id, level(id, 100)])))
      .mockResolvedValueOnce(new Map(PRODUCTS.map((id) => [id, level(id, id === LOW_PRODUCT ? 2 : 100)])));
    const reservations: OpenReservation[] = [
      // Its order was never stored: released.
      { productId: OTHER_PRODUCT, reservationKey: `${ABANDONED}:1`, qty: 1, at: stale },
      // Its order was delivered but the sale was never written: sold.
      { productId: LOW_PRODUCT, reservationKey: `${DELIVERED}:1`, qty: 2, at: stale },
      // Taken within the staleness: its order may still be at work, left alone.
      { productId: OTHER_PRODUCT, reservationKey: `${RECENT}:1`, qty: 1, at: recent },
    ];
    spies.openReservations.mockResolvedValue(reservations);
    spies.get.mockImplementation(async (orderId: string) => (orderId === DELIVERED ? ({ orderId, status: 'DELIVERED' } as Order) : undefined));

    await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));

    // Seeded: only the product without a stock item, with the seed's units; every catalog product looked at.
    expect(spies.levels.mock.calls[0]![0]).toEqual(PRODUCTS);
    expect(spies.seed.mock.calls.map((call) => call.slice(0, 2))).toEqual([[NEW_PRODUCT, STOCK.seedUnits]]);
    expect(spies.openReservations).toHaveBeenCalledWith(PRODUCTS);
    expect(spies.release.mock.calls).toEqual([[OTHER_PRODUCT, `${ABANDONED}:1`, 1]]);
    expect(spies.sell.mock.calls).toEqual([[LOW_PRODUCT, `${DELIVERED}:1`, 2]]);

    expect(metrics.added.slice(0, 2)).toEqual([
      ['ReservationsSettled', 2],
      ['LowStockProducts', 1],
    ]);
    expect(metrics.singles).toEqual([['productId', LOW_PRODUCT, 'StockAvailable', 2]]);
    expect(extraOf('Stock seeded')).toEqual({ products: [NEW_PRODUCT] });
    expect(logs.lines.find((line) => line.message === 'Stock seeded')?.level).toBe('info');
    expect(extraOf('Reservations of orders that stopped moving settled')).toEqual({ released: 1, sold: 1 });
    expect(logs.messages('warn')).toEqual(['Reservations of orders that stopped moving settled']);
    expect(extraOf('Recovery run')).toMatchObject({ stock: { seeded: 1, released: 1, sold: 1, lowStock: [LOW_PRODUCT] } });
  });

  it('with nothing to seed, settle or report: no log line about it, zeros published', async () => {
    const { handler } = await load();
    const metrics = captureMetrics();
    await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));
    expect(logs.messages('info')).toEqual(['Recovery run']);
    expect(logs.messages('warn')).toEqual([]);
    expect(metrics.added.slice(0, 2)).toEqual([
      ['ReservationsSettled', 0],
      ['LowStockProducts', 0],
    ]);
    expect(metrics.singles).toEqual([]);
    expect(extraOf('Recovery run')).toMatchObject({ stock: { seeded: 0, released: 0, sold: 0, lowStock: [] } });
  });

  it('only sold reservations count as settled too (released + sold)', async () => {
    const { handler, spies } = await load();
    const metrics = captureMetrics();
    const stale = new Date(Date.now() - (RECOVERY.staleAfterMinutes + 5) * 60_000).toISOString();
    spies.openReservations.mockResolvedValue([{ productId: LOW_PRODUCT, reservationKey: `${DELIVERED}:1`, qty: 2, at: stale }]);
    spies.get.mockResolvedValue({ orderId: DELIVERED, status: 'DELIVERED' } as Order);
    await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));
    expect(metrics.added[0]).toEqual(['ReservationsSettled', 1]);
    expect(extraOf('Reservations of orders that stopped moving settled')).toEqual({ released: 0, sold: 1 });
  });

  it("that fails is a warning naming the error; the orders' report is still returned and logged", async () => {
    const { handler, spies } = await load();
    const failure = new Error('Throughput exceeded');
    spies.levels.mockRejectedValue(failure);
    const report = await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));
    expect(report).toMatchObject({ examined: 0, stoppedEarly: false });
    expect(logs.messages('warn')).toEqual(['Could not look at the stock now; the next run retries']);
    expect(extraOf('Could not look at the stock now; the next run retries')).toEqual({ error: failure });
    expect(extraOf('Recovery run')).toMatchObject({ examined: 0, stock: undefined });
  });

  it('waits for the next run when the orders used up the time (and says how far the run got)', async () => {
    const { handler, spies } = await load();
    const report = await handler(scheduledEvent(), lambdaContext('recover-orders', 5_000));
    expect(report).toMatchObject({ stoppedEarly: true });
    expect(spies.levels).not.toHaveBeenCalled();
    expect(extraOf('Recovery run stopped at its deadline; the next run continues')).toEqual({ examined: 0 });
  });
});

describe("recover-orders' invocation", () => {
  it('without a remaining time (a local call) runs within the function timeout; without a detail, with the setting', async () => {
    const { handler, spies } = await load();
    const { getRemainingTimeInMillis: _remaining, ...context } = lambdaContext('recover-orders');
    const started = Date.now();
    const report = await handler({ ...scheduledEvent(), detail: undefined }, context as Context);
    expect(report).toMatchObject({ stoppedEarly: false, pages: 1 });
    const [cutoff] = spies.openOrdersDueBefore.mock.calls[0]!;
    expect(Math.abs(Date.parse(cutoff as string) - (started - RECOVERY.staleAfterMinutes * 60_000))).toBeLessThan(5_000);
    expect(spies.levels).toHaveBeenCalled();
  });
});
