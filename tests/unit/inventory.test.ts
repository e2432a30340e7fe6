/**
 * Stock: the DynamoDB stock ledger on a local DynamoDB (dynalite in memory), the reservation logic
 * (amplify/server/inventory.ts) and the workflow's stock steps with a step context of their own.
 * What must hold: never oversold (concurrent reservations against a small stock), every way an order
 * ends without shipping gives its units back exactly once (also when the step runs twice), a sale
 * when it ships, a declined order paid again takes a new reservation that a late release of the old
 * attempt cannot give back, and the recovery job settles what a killed stack left behind.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStockChange, shortLines, STOCK, stockLabel, OutOfStockError, StockMovedError } from '../../amplify/domain/inventory.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { orderNumberOf, PAYMENT_DECLINED_REASON, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { compensate } from '../../amplify/functions/process-order/steps/compensation.ts';
import type { StepContext } from '../../amplify/functions/process-order/steps/context.ts';
import { markFailed, processPayment } from '../../amplify/functions/process-order/steps/payment.ts';
import { shipOrder } from '../../amplify/functions/process-order/steps/shipment.ts';
import { reserveStock } from '../../amplify/functions/process-order/steps/stock.ts';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';
import { DynamoDbStockLedger, StockBelowZeroError } from '../../amplify/server/aws/dynamodb-stock-ledger.ts';
import { checkAvailability, reservationFate, reservationKeyOf, reserveOrder, seedStock, settleStaleReservations, unitsByProduct } from '../../amplify/server/inventory.ts';
import { ORDERS_TABLE, STOCK_TABLE } from '../../amplify/server/settings/tables.ts';
import type { StockLedger } from '../../amplify/server/ports.ts';
import type { PaymentResult } from '../../amplify/server/simulated-partners.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb/dynamodb.ts';

let dynamo: LocalDynamo;
let client: DynamoDBClient;
let orders: DynamoDbOrderRepository;
let stock: DynamoDbStockLedger;

beforeAll(async () => {
  dynamo = await startDynamo(undefined);
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  orders = new DynamoDbOrderRepository(createDocumentClient(client), ORDERS_TABLE.localName);
  stock = new DynamoDbStockLedger(createDocumentClient(client), STOCK_TABLE.localName);
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

/** A product of its own for each test (ids need not be the catalog's here), with `units` in stock. */
async function product(units: number): Promise<string> {
  const productId = `test-${randomUUID().slice(0, 8)}`;
  expect(await stock.seed(productId, units, new Date().toISOString())).toBe(true);
  return productId;
}
const available = async (productId: string) => (await stock.levels([productId])).get(productId)!;

async function order(lines: { productId: string; quantity: number }[], status: OrderStatus = 'PENDING'): Promise<Order> {
  const orderId = randomUUID();
  const now = new Date().toISOString();
  await orders.create({
    orderId,
    orderNumber: orderNumberOf(orderId),
    customerId: 'customer-a',
    customerName: 'Ana García',
    customerEmail: 'ana@example.com',
    orderDate: now,
    updatedAt: now,
    status: 'PENDING',
    totalAmount: 10,
    paymentMethod: 'credit_card',
    items: lines.map(({ productId, quantity }) => ({ productId, name: `Name of ${productId}`, quantity, price: 1 })),
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
  });
  if (status !== 'PENDING') await orders.transition(orderId, status, status === 'PAYMENT_FAILED' ? { failureReason: PAYMENT_DECLINED_REASON } : {});
  return orders.require(orderId);
}

/** A step context on the real tables, the partners recorded in memory. */
function context(options: { charge?: PaymentResult } = {}) {
  const calls = { charges: [] as string[], emails: [] as string[], refunds: [] as string[] };
  const metrics: [string, number][] = [];
  const ctx: StepContext = {
    orders,
    stock,
    metrics: { addMetric: (name: string, _unit: string, value: number) => void metrics.push([name, value]) } as unknown as StepContext['metrics'],
    async chargeOnce({ orderId, attempt }) {
      calls.charges.push(`${orderId}#${attempt}`);
      return options.charge ?? { approved: true, transactionId: `txn-${orderId.slice(0, 8)}-${attempt}` };
    },
    findCharge: async () => undefined,
    async refundOnce({ transactionId }) {
      calls.refunds.push(transactionId);
      return { refundId: `ref-${transactionId}`, refundDate: new Date().toISOString() };
    },
    publishEvent: async () => undefined,
    async sendEmailOnce(kind, o) {
      calls.emails.push(`${o.orderId}:${kind}`);
    },
    createDeliverySchedule: async (o) => ({ created: true, scheduleName: `deliver-${o.orderId}`, deliverAt: o.estimatedDeliveryDate! }),
    createShipmentSchedule: async (o) => ({ created: true, scheduleName: `ship-${o.orderId}`, shipAt: o.cancellableUntil }),
    shipmentSuccessRate: 1,
    cancelWindowSeconds: 0,
  };
  return { ctx, calls, metrics };
}

describe('the stock ledger (one conditional update per product and order)', () => {
  it("a new quantity with what the staff member saw (expected) is made only while the stock still holds that many", async () => {
    const p = await product(8);
    const at = new Date().toISOString();
    expect((await stock.change(p, { available: 5, expected: 8, reason: 'Count' }, 'staff@example.com', at)).entry).toMatchObject({ before: 8, after: 5 });
    // An order took two units after the list was read: the change over the old figure is refused, with the figure now.
    expect(await stock.reserve(p, 'order-x:1', 2, at)).toEqual({ outcome: 'reserved' });
    const moved = await stock.change(p, { available: 10, expected: 5, reason: 'Count' }, 'staff@example.com', at).catch((error: unknown) => error);
    expect(moved).toBeInstanceOf(StockMovedError);
    expect(moved).toMatchObject({ productId: p, expected: 5, available: 3 });
    expect(await available(p)).toMatchObject({ available: 3, reserved: 2 });
    expect((await stock.history(p, 10)).map((h) => h.after)).toEqual([5]);
    // Over the figure it holds now, it goes through; without `expected`, as before, whatever it holds.
    expect((await stock.change(p, { available: 10, expected: 3, reason: 'Count' }, 'staff@example.com', at)).level).toMatchObject({ available: 10, reserved: 2 });
    expect((await stock.change(p, { available: 4, reason: 'Count' }, 'staff@example.com', at)).level.available).toBe(4);
  });

  it('reserves once, releases once, sells once: a repeat changes nothing', async () => {
    const p = await product(5);
    const at = new Date().toISOString();
    expect(await stock.reserve(p, 'order-1:1', 2, at)).toEqual({ outcome: 'reserved' });
    expect(await stock.reserve(p, 'order-1:1', 2, at)).toEqual({ outcome: 'already' });
    expect(await available(p)).toMatchObject({ available: 3, reserved: 2, openReservations: 1, sold: 0 });
    expect(await stock.release(p, 'order-1:1', 2)).toBe(true);
    expect(await stock.release(p, 'order-1:1', 2)).toBe(false);
    expect(await available(p)).toMatchObject({ available: 5, reserved: 0, openReservations: 0 });
    expect(await stock.reserve(p, 'order-2:1', 3, at)).toEqual({ outcome: 'reserved' });
    expect(await stock.sell(p, 'order-2:1', 3)).toBe(true);
    expect(await stock.sell(p, 'order-2:1', 3)).toBe(false);
    // A sold reservation cannot be released afterwards.
    expect(await stock.release(p, 'order-2:1', 3)).toBe(false);
    expect(await available(p)).toMatchObject({ available: 2, reserved: 0, sold: 3 });
  });

  it('refuses a reservation over what is available, saying how many are left; a product without a stock item is told apart', async () => {
    const p = await product(2);
    expect(await stock.reserve(p, 'order-3:1', 3, new Date().toISOString())).toEqual({ outcome: 'short', available: 2 });
    expect(await stock.reserve('no-such-product', 'order-3:1', 1, new Date().toISOString())).toEqual({ outcome: 'unrecorded' });
    expect(await available(p)).toMatchObject({ available: 2, openReservations: 0 });
  });

  it("staff's changes: a new quantity or an adjustment, never below 0, each kept in the history with its reason", async () => {
    const p = await product(4);
    const first = await stock.change(p, { available: 10, reason: 'Delivery from the supplier' }, 'staff@example.com', '2026-01-01T00:00:00.000Z');
    expect(first.entry).toEqual({ at: '2026-01-01T00:00:00.000Z', by: 'staff@example.com', reason: 'Delivery from the supplier', before: 4, after: 10 });
    const second = await stock.change(p, { delta: -3, reason: 'Damaged' }, 'staff@example.com', '2026-01-02T00:00:00.000Z');
    expect(second.level.available).toBe(7);
    expect(second.entry).toMatchObject({ before: 10, after: 7 });
    await expect(stock.change(p, { delta: -8, reason: 'Too many' }, 'staff@example.com', '2026-01-03T00:00:00.000Z')).rejects.toEqual(new StockBelowZeroError(p, 7));
    expect((await stock.history(p, 10)).map((e) => e.after)).toEqual([7, 10]);
    // A product without a stock item gets one from a new quantity; its reservations map is there for the next order.
    const fresh = `test-${randomUUID().slice(0, 8)}`;
    await stock.change(fresh, { delta: 2, reason: 'First delivery' }, 'staff@example.com', new Date().toISOString());
    expect(await stock.reserve(fresh, 'order-4:1', 2, new Date().toISOString())).toEqual({ outcome: 'reserved' });
  });
});

describe('reserving an order (all lines or none)', () => {
  it('50 concurrent one-unit orders against a stock of 10: exactly 10 reserved, the stock at 0, never below', async () => {
    const p = await product(10);
    const placed = await Promise.all(Array.from({ length: 50 }, () => order([{ productId: p, quantity: 1 }])));
    const results = await Promise.all(placed.map((o) => reserveOrder(stock, o)));
    expect(results.filter((r) => r.outcome === 'reserved')).toHaveLength(10);
    expect(results.filter((r) => r.outcome === 'short')).toHaveLength(40);
    expect(await available(p)).toMatchObject({ available: 0, reserved: 10, openReservations: 10 });
  });

  it('a short line releases the lines already taken, and names each short line with what is available', async () => {
    const [a, b, c] = [await product(5), await product(1), await product(0)];
    const o = await order([{ productId: a, quantity: 2 }, { productId: b, quantity: 3 }, { productId: c, quantity: 1 }]);
    const result = await reserveOrder(stock, o);
    expect(result).toEqual({
      outcome: 'short',
      shortItems: [
        { productId: b, name: `Name of ${b}`, quantity: 3, available: 1 },
        { productId: c, name: `Name of ${c}`, quantity: 1, available: 0 },
      ].sort((x, y) => (x.productId < y.productId ? -1 : 1)),
    });
    for (const [p, units] of [[a, 5], [b, 1], [c, 0]] as const) expect(await available(p)).toMatchObject({ available: units, openReservations: 0 });
  });

  it('a product with no stock recorded yet (a first deployment before the recovery job seeded it) is seeded by its first reservation, once', async () => {
    const fresh = `fresh-${randomUUID().slice(0, 8)}`;
    const [a, b] = await Promise.all([order([{ productId: fresh, quantity: 2 }]), order([{ productId: fresh, quantity: 3 }])]);
    expect(await Promise.all([reserveOrder(stock, a), reserveOrder(stock, b)])).toEqual([{ outcome: 'reserved' }, { outcome: 'reserved' }]);
    expect(await available(fresh)).toMatchObject({ available: STOCK.seedUnits - 5, openReservations: 2 });
  });

  it('a product on two lines is reserved once, with both quantities, in a fixed order', () => {
    expect(unitsByProduct([{ productId: 'b', quantity: 1 }, { productId: 'a', quantity: 2 }, { productId: 'b', quantity: 3 }])).toEqual([['a', 2], ['b', 4]]);
  });
});

describe('the workflow steps: reserve before payment, release once, sell on shipment', () => {
  it('short of stock: the order ends OUT_OF_STOCK with what was short, one e-mail, nothing charged; a repeat changes nothing', async () => {
    const p = await product(1);
    const o = await order([{ productId: p, quantity: 2 }]);
    const { ctx, calls, metrics } = context();
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'out_of_stock' });
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'out_of_stock' });
    const ended = await orders.require(o.orderId);
    expect(ended).toMatchObject({ status: 'OUT_OF_STOCK', failureReason: 'OutOfStockError', shortItems: [{ productId: p, quantity: 2, available: 1 }] });
    expect(calls.emails).toEqual([`${o.orderId}:out-of-stock`]);
    expect(metrics.filter(([name]) => name === 'OrdersOutOfStock')).toEqual([['OrdersOutOfStock', 1]]);
    // A duplicated execution's payment step charges nothing either.
    expect(await processPayment(ctx, o.orderId)).toEqual({ outcome: 'out_of_stock' });
    expect(calls.charges).toEqual([]);
    expect(await available(p)).toMatchObject({ available: 1, openReservations: 0 });
  });

  it('reserved, paid and shipped: the units are sold, once, also when the shipment step runs twice', async () => {
    const p = await product(3);
    const o = await order([{ productId: p, quantity: 2 }]);
    const { ctx } = context();
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'reserved' });
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'reserved' }); // a repeat: the same reservation
    expect(await available(p)).toMatchObject({ available: 1, reserved: 2 });
    await processPayment(ctx, o.orderId);
    await shipOrder(ctx, o.orderId);
    await shipOrder(ctx, o.orderId);
    expect(await available(p)).toMatchObject({ available: 1, reserved: 0, sold: 2 });
  });

  it('declined: the units go back once, also when the payment step runs again', async () => {
    const p = await product(3);
    const o = await order([{ productId: p, quantity: 2 }]);
    const { ctx } = context({ charge: { approved: false } });
    await reserveStock(ctx, o.orderId);
    expect(await processPayment(ctx, o.orderId)).toEqual({ outcome: 'declined' });
    expect(await processPayment(ctx, o.orderId)).toEqual({ outcome: 'declined' });
    expect(await available(p)).toMatchObject({ available: 3, openReservations: 0 });
  });

  it('payment failed through its retries, or shipment failed: released once, also when marked twice and compensated', async () => {
    const p = await product(4);
    const failed = await order([{ productId: p, quantity: 1 }]);
    const { ctx } = context();
    await reserveStock(ctx, failed.orderId);
    await markFailed(ctx, failed.orderId, 'PAYMENT_FAILED', 'ProviderDown');
    await markFailed(ctx, failed.orderId, 'PAYMENT_FAILED', 'ProviderDown');
    expect(await available(p)).toMatchObject({ available: 4, openReservations: 0 });
    const unshipped = await order([{ productId: p, quantity: 2 }]);
    await reserveStock(ctx, unshipped.orderId);
    await processPayment(ctx, unshipped.orderId);
    expect(await available(p)).toMatchObject({ available: 2 });
    await markFailed(ctx, unshipped.orderId, 'SHIPMENT_FAILED', 'CarrierUnavailableError');
    await compensate(ctx, unshipped.orderId);
    await compensate(ctx, unshipped.orderId);
    expect(await available(p)).toMatchObject({ available: 4, openReservations: 0, sold: 0 });
  });

  it('cancelled (before or after payment): the compensation gives the units back once, however often it runs', async () => {
    const p = await product(5);
    const { ctx } = context();
    for (const pay of [false, true]) {
      const o = await order([{ productId: p, quantity: 2 }]);
      await reserveStock(ctx, o.orderId);
      if (pay) await processPayment(ctx, o.orderId);
      await orders.transition(o.orderId, 'CANCELLED', { cancelledDate: new Date().toISOString() }, { type: 'customer', sub: 'customer-a' });
      await compensate(ctx, o.orderId);
      await compensate(ctx, o.orderId);
      expect(await available(p)).toMatchObject({ available: 5, openReservations: 0 });
    }
  });

  it('cancelled while its units were being reserved: the reservation step gives them back itself', async () => {
    const p = await product(2);
    const o = await order([{ productId: p, quantity: 2 }]);
    const { ctx } = context();
    // The compensation ran first (nothing to release yet); the late reservation then finds the order cancelled.
    const cancellingStock: StockLedger = Object.assign(Object.create(stock) as StockLedger, {
      reserve: async (...args: Parameters<StockLedger['reserve']>) => {
        const result = await stock.reserve(...args);
        await orders.transition(o.orderId, 'CANCELLED', {}, { type: 'customer', sub: 'customer-a' });
        return result;
      },
    });
    expect(await reserveStock({ ...ctx, stock: cancellingStock }, o.orderId)).toEqual({ outcome: 'skipped' });
    expect(await available(p)).toMatchObject({ available: 2, openReservations: 0 });
  });

  it('a duplicated execution that finds the order paid by the other one leaves their shared reservation held, and it becomes the sale', async () => {
    const p = await product(2);
    const o = await order([{ productId: p, quantity: 2 }]);
    const { ctx } = context();
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'reserved' });
    // The duplicate reserves (the same key: `already`) while the first one's payment is recorded.
    const payingStock: StockLedger = Object.assign(Object.create(stock) as StockLedger, {
      reserve: async (...args: Parameters<StockLedger['reserve']>) => {
        const result = await stock.reserve(...args);
        await orders.transition(o.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn-first', paymentDate: new Date().toISOString() });
        return result;
      },
    });
    expect(await reserveStock({ ...ctx, stock: payingStock }, o.orderId)).toEqual({ outcome: 'skipped' });
    expect(await available(p)).toMatchObject({ available: 0, openReservations: 1 });
    await shipOrder(ctx, o.orderId);
    expect(await available(p)).toMatchObject({ available: 0, openReservations: 0, sold: 2 });
  });

  it("a short line gives back only the lines this execution took, not those another execution of the order holds", async () => {
    const [a, b] = [await product(5), await product(1)];
    const o = await order([{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }]);
    // Another execution holds line a (the same key); b then runs out before this one gets to it.
    expect(await stock.reserve(a, reservationKeyOf(o), 2, new Date().toISOString())).toEqual({ outcome: 'reserved' });
    await stock.change(b, { delta: -1, reason: 'sold elsewhere' }, 'staff@example.com', new Date().toISOString());
    expect(await reserveOrder(stock, o)).toMatchObject({ outcome: 'short' });
    expect(await available(a)).toMatchObject({ available: 3, openReservations: 1 });
  });

  it('declined and paid again: the new attempt takes a new reservation; a late release of the old attempt does not give it back', async () => {
    const p = await product(2);
    const o = await order([{ productId: p, quantity: 2 }]);
    const declining = context({ charge: { approved: false } });
    await reserveStock(declining.ctx, o.orderId);
    const declined = await orders.require(o.orderId);
    await processPayment(declining.ctx, o.orderId);
    expect(await available(p)).toMatchObject({ available: 2, openReservations: 0 });
    await orders.retryPayment(o.orderId, 'paypal', { type: 'customer', sub: 'customer-a' });
    const { ctx } = context();
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'reserved' });
    expect(reservationKeyOf(await orders.require(o.orderId))).toBe(`${o.orderId}:2`);
    // The first attempt's release, run late (a duplicated execution of the decline), releases nothing now.
    expect(await stock.release(p, reservationKeyOf(declined), 2)).toBe(false);
    expect(await available(p)).toMatchObject({ available: 0, reserved: 2 });
    await processPayment(ctx, o.orderId);
    await shipOrder(ctx, o.orderId);
    expect(await available(p)).toMatchObject({ available: 0, reserved: 0, sold: 2 });
  });

  it("a lagging duplicate of the declined attempt's execution charges nothing before the new attempt's reservation; that attempt's own execution reserves, then charges once", async () => {
    const p = await product(2);
    const o = await order([{ productId: p, quantity: 2 }]);
    const declining = context({ charge: { approved: false } });
    await reserveStock(declining.ctx, o.orderId);
    await processPayment(declining.ctx, o.orderId);
    await orders.retryPayment(o.orderId, 'paypal', { type: 'customer', sub: 'customer-a' });
    // The first attempt's duplicated execution got past its reservation step (skipped or not) and
    // reaches the payment now: the order is PENDING on attempt 2, whose units nobody reserved yet.
    const lagging = context();
    expect(await processPayment(lagging.ctx, o.orderId)).toEqual({ outcome: 'superseded' });
    expect(lagging.calls.charges).toEqual([]);
    expect(await orders.require(o.orderId)).toMatchObject({ status: 'PENDING', paymentAttempts: 2 });
    // The second attempt's execution: reserved, then charged (once), then shipped.
    const { ctx, calls } = context();
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'reserved' });
    expect(await processPayment(ctx, o.orderId)).toMatchObject({ outcome: 'approved' });
    expect(calls.charges).toEqual([`${o.orderId}#2`]);
    await shipOrder(ctx, o.orderId);
    expect(await available(p)).toMatchObject({ available: 0, reserved: 0, sold: 2 });
  });

  it('paid again when the stock ran out meanwhile: OUT_OF_STOCK, nothing charged for the new attempt', async () => {
    const p = await product(1);
    const o = await order([{ productId: p, quantity: 1 }]);
    const declining = context({ charge: { approved: false } });
    await reserveStock(declining.ctx, o.orderId);
    await processPayment(declining.ctx, o.orderId);
    const other = await order([{ productId: p, quantity: 1 }]);
    expect(await reserveOrder(stock, other)).toEqual({ outcome: 'reserved' });
    await orders.retryPayment(o.orderId, 'paypal', { type: 'customer', sub: 'customer-a' });
    const { ctx, calls } = context();
    expect(await reserveStock(ctx, o.orderId)).toEqual({ outcome: 'out_of_stock' });
    expect(await processPayment(ctx, o.orderId)).toEqual({ outcome: 'out_of_stock' });
    expect(calls.charges).toEqual([]);
  });
});

describe('the recovery job settles reservations whose order stopped moving', () => {
  it('what happens to a reservation, by its order', () => {
    const at = (status: OrderStatus, paymentAttempts?: number) => ({ status, paymentAttempts }) as Order;
    expect(reservationFate({ reservationKey: 'x:1' }, undefined)).toBe('release');
    expect(reservationFate({ reservationKey: 'x:1' }, at('PENDING'))).toBe('keep');
    expect(reservationFate({ reservationKey: 'x:1' }, at('PAYMENT_PROCESSED'))).toBe('keep');
    expect(reservationFate({ reservationKey: 'x:1' }, at('PENDING', 2))).toBe('release');
    for (const status of ['PAYMENT_FAILED', 'SHIPMENT_FAILED', 'CANCELLED', 'OUT_OF_STOCK'] as const) expect(reservationFate({ reservationKey: 'x:1' }, at(status))).toBe('release');
    for (const status of ['SHIPPED', 'DELIVERED', 'REFUNDED'] as const) expect(reservationFate({ reservationKey: 'x:2' }, at(status, 2))).toBe('sell');
    expect(reservationFate({ reservationKey: 'x:1' }, at('SHIPPED', 2))).toBe('release');
    expect(reservationFate({ reservationKey: 'no attempt' }, at('PENDING'))).toBe('release');
  });

  it('a reservation left by a killed stack is released (or sold) by the recovery, once; a moving order keeps its own', async () => {
    const p = await product(10);
    const cancelled = await order([{ productId: p, quantity: 1 }]);
    const shipped = await order([{ productId: p, quantity: 2 }]);
    const moving = await order([{ productId: p, quantity: 3 }]);
    for (const o of [cancelled, shipped, moving]) expect(await reserveOrder(stock, o)).toEqual({ outcome: 'reserved' });
    // Killed after the status changed, before the release or the sale; and an order never stored.
    await orders.transition(cancelled.orderId, 'CANCELLED', {}, { type: 'customer', sub: 'customer-a' });
    await orders.transition(shipped.orderId, 'PAYMENT_PROCESSED', { transactionId: 'txn' });
    await orders.transition(shipped.orderId, 'SHIPPED', { trackingNumber: 'TRK' });
    await stock.reserve(p, `${randomUUID()}:1`, 1, new Date().toISOString());
    expect(await available(p)).toMatchObject({ available: 3, openReservations: 4 });
    // Not yet stale: nothing happens.
    expect(await settleStaleReservations(stock, orders, [p], new Date(Date.now() - 60_000).toISOString())).toEqual({ released: 0, sold: 0 });
    const later = new Date(Date.now() + 1000).toISOString();
    expect(await settleStaleReservations(stock, orders, [p], later)).toEqual({ released: 2, sold: 1 });
    expect(await settleStaleReservations(stock, orders, [p], later)).toEqual({ released: 0, sold: 0 });
    expect(await available(p)).toMatchObject({ available: 5, reserved: 3, sold: 2, openReservations: 1 });
  });

  it('seeds the products without stock once, and only those', async () => {
    const have = await product(3);
    const missing = `test-${randomUUID().slice(0, 8)}`;
    expect(await seedStock(stock, [have, missing], 7)).toEqual([missing]);
    expect(await seedStock(stock, [have, missing], 7)).toEqual([]);
    expect((await available(have)).available).toBe(3);
    expect((await available(missing)).available).toBe(7);
  });
});

describe('availability as the shopper and the staff read it', () => {
  it('a new order over what is available: each short line, with what is available (a product on two lines counted once)', async () => {
    const p = await product(3);
    expect(await checkAvailability(stock, [{ productId: p, quantity: 2 }])).toEqual([]);
    // A product with no stock recorded yet counts as what it will be seeded with (the first reservation seeds it).
    expect(await checkAvailability(stock, [{ productId: p, quantity: 2 }, { productId: p, quantity: 2 }, { productId: `new-${randomUUID()}`, quantity: 1 }])).toEqual([
      { index: 1, productId: p, quantity: 2, available: 1 },
    ]);
    const error = new OutOfStockError(shortLines([{ productId: 'x', quantity: 4 }], () => 3));
    expect(error.details).toEqual([{ path: 'items.0.quantity', message: 'Only 3 available', productId: 'x', available: 3 }]);
  });

  it('"Out of stock", "Only N left" under the threshold, nothing above', () => {
    expect(stockLabel(0)).toBe('Out of stock');
    expect(stockLabel(-1)).toBe('Out of stock');
    expect(stockLabel(1)).toBe('Only 1 left');
    expect(stockLabel(5)).toBe('Only 5 left');
    expect(stockLabel(6)).toBeUndefined();
    expect(stockLabel(6, 10)).toBe('Only 6 left');
    expect(stockLabel(undefined)).toBeUndefined();
  });

  it("a staff change names the field that is wrong (400)", () => {
    expect(parseStockChange({ available: 5, reason: ' Count ' })).toEqual({ available: 5, reason: 'Count' });
    expect(parseStockChange({ delta: -2, reason: 'Damaged' })).toEqual({ delta: -2, reason: 'Damaged' });
    const issues = (body: unknown) => {
      try {
        parseStockChange(body);
      } catch (error) {
        return (error as { details: { path: string }[] }).details.map((d) => d.path);
      }
      return [];
    };
    expect(issues({ available: -1, reason: 'x' })).toEqual(['available']);
    expect(issues({ available: 1.5, reason: 'x' })).toEqual(['available']);
    expect(issues({ delta: 0, reason: 'x' })).toEqual(['delta']);
    expect(issues({ delta: '3', reason: 'x' })).toEqual(['delta']);
    expect(issues({ available: 1, delta: 1, reason: 'x' })).toEqual(['available']);
    expect(issues({ available: 1 })).toEqual(['reason']);
    // A new quantity may say what it replaces; an adjustment may not.
    expect(parseStockChange({ available: 5, expected: 7, reason: 'Count' })).toEqual({ available: 5, expected: 7, reason: 'Count' });
    expect(issues({ available: 5, expected: -1, reason: 'x' })).toEqual(['expected']);
    expect(issues({ available: 5, expected: '7', reason: 'x' })).toEqual(['expected']);
    expect(issues({ delta: 2, expected: 7, reason: 'x' })).toEqual(['expected']);
    expect(issues({ available: 1, reason: 'a\nb' })).toEqual(['reason']);
    expect(issues({ available: 1, reason: 'x'.repeat(201) })).toEqual(['reason']);
    expect(issues({ available: 1, reason: 'x', extra: true })).toEqual(['extra']);
    expect(issues([])).toEqual(['body']);
  });
});
