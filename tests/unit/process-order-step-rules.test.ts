/**
 * process-order's steps (`amplify/functions/process-order/steps/*`) called directly with a
 * `StepContext` of their own: the real order repository on a local DynamoDB (dynalite in memory),
 * and the partners (payment provider, mailer, scheduler) and metrics recorded in memory. What each
 * step answers the workflow, what it records on the order, which metric it adds (once, only when it
 * changed the order), and that a repeated step calls no partner again.
 * (tests/unit/process-order-steps.test.ts drives the same steps through the handler.)
 */
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChargeOnSupersededAttemptError, InvalidTransitionError, PaymentAttemptsExhaustedError } from '../../amplify/domain/errors.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { orderNumberOf, PAYMENT_DECLINED_REASON, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import type { StepContext } from '../../amplify/functions/process-order/steps/context.ts';
import { holdForCancelWindow } from '../../amplify/functions/process-order/steps/cancel-window.ts';
import { compensate } from '../../amplify/functions/process-order/steps/compensation.ts';
import { scheduleDelivery } from '../../amplify/functions/process-order/steps/delivery.ts';
import { sendNotification } from '../../amplify/functions/process-order/steps/notification.ts';
import { markFailed, processPayment, settleFailedPayment } from '../../amplify/functions/process-order/steps/payment.ts';
import { confirmDelivery, shipOrder } from '../../amplify/functions/process-order/steps/shipment.ts';
import { createDocumentClient } from '../../amplify/server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../amplify/server/aws/dynamodb-order-repository.ts';
import { DynamoDbStockLedger } from '../../amplify/server/aws/dynamodb-stock-ledger.ts';
import { reserveOrder } from '../../amplify/server/inventory.ts';
import { ORDERS_TABLE, STOCK_TABLE } from '../../amplify/server/settings/tables.ts';
import type { PaymentResult } from '../../amplify/server/simulated-partners.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb/dynamodb.ts';

let dynamo: LocalDynamo;
let client: DynamoDBClient;
let orders: DynamoDbOrderRepository;

beforeAll(async () => {
  dynamo = await startDynamo(undefined);
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  orders = new DynamoDbOrderRepository(createDocumentClient(client), ORDERS_TABLE.localName);
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:process-order';

/** A step context whose partners record their calls; `charge` is the provider's answer. */
function context(options: { charge?: PaymentResult; found?: PaymentResult; onCharge?: () => Promise<void>; shipmentSuccessRate?: number; cancelWindowSeconds?: number } = {}) {
  const calls = { charges: [] as string[], attempts: [] as number[], finds: [] as string[], refunds: [] as string[], emails: [] as string[], events: [] as string[], schedules: [] as string[] };
  const metrics: [string, string, number][] = [];
  const scheduled = new Set<string>();
  const ctx: StepContext = {
    orders,
    stock: new DynamoDbStockLedger(createDocumentClient(client), STOCK_TABLE.localName),
    metrics: { addMetric: (name: string, unit: string, value: number) => void metrics.push([name, unit, value]) } as unknown as StepContext['metrics'],
    async chargeOnce({ orderId, attempt }) {
      calls.charges.push(orderId);
      calls.attempts.push(attempt);
      await options.onCharge?.();
      return options.charge ?? { approved: true, transactionId: `txn-${orderId.slice(0, 8)}` };
    },
    async findCharge(orderId, attempt) {
      calls.finds.push(attempt > 1 ? `${orderId}#${attempt}` : orderId);
      return options.found;
    },
    async refundOnce({ orderId, transactionId }) {
      calls.refunds.push(`${orderId}/${transactionId}`);
      return { refundId: `ref-${transactionId}`, refundDate: '2026-01-03T00:00:00.000Z' };
    },
    async publishEvent(kind, order) {
      calls.events.push(`${order.orderId}:${kind}`);
    },
    async sendEmailOnce(kind, order) {
      calls.emails.push(`${order.orderId}:${kind}`);
    },
    async createDeliverySchedule(order, functionArn) {
      calls.schedules.push(`${order.orderId}@${order.estimatedDeliveryDate}->${functionArn}`);
      const created = !scheduled.has(order.orderId);
      scheduled.add(order.orderId);
      return { created, scheduleName: `deliver-${order.orderId}`, deliverAt: order.estimatedDeliveryDate! };
    },
    async createShipmentSchedule(order, stateMachineArn) {
      calls.schedules.push(`${order.orderId}@${order.cancellableUntil}->${stateMachineArn}`);
      const created = !scheduled.has(`ship-${order.orderId}`);
      scheduled.add(`ship-${order.orderId}`);
      return { created, scheduleName: `ship-${order.orderId}`, shipAt: order.cancellableUntil };
    },
    shipmentSuccessRate: options.shipmentSuccessRate ?? 1,
    cancelWindowSeconds: options.cancelWindowSeconds ?? 0,
  };
  return { ctx, calls, metrics };
}

async function orderAt(status: OrderStatus): Promise<Order> {
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
    totalAmount: 42.5,
    paymentMethod: 'credit_card',
    items: [{ productId: 'prod-001', name: 'Wireless Headphones', quantity: 1, price: 42.5 }],
    shippingAddress: { street: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', zipCode: '28013', country: 'Spain' },
  });
  // The workflow's first step: its units are held before any payment (the payment step requires it).
  await reserveOrder(new DynamoDbStockLedger(createDocumentClient(client), STOCK_TABLE.localName), await orders.require(orderId));
  const paid = { transactionId: 'txn-first', paymentDate: '2026-01-02T00:00:00.000Z' };
  const shipped = { trackingNumber: 'TRK-FIRST', estimatedDeliveryDays: 3, estimatedDeliveryDate: '2026-01-05T00:00:00.000Z', shipmentDate: '2026-01-02T00:00:00.000Z' };
  const path: Record<OrderStatus, [OrderStatus, Record<string, unknown>][]> = {
    PENDING: [],
    PAYMENT_PROCESSED: [['PAYMENT_PROCESSED', paid]],
    PAYMENT_FAILED: [['PAYMENT_FAILED', { failureReason: PAYMENT_DECLINED_REASON }]],
    SHIPPED: [['PAYMENT_PROCESSED', paid], ['SHIPPED', shipped]],
    SHIPMENT_FAILED: [['PAYMENT_PROCESSED', paid], ['SHIPMENT_FAILED', { failureReason: 'CarrierUnavailableError' }]],
    DELIVERED: [['PAYMENT_PROCESSED', paid], ['SHIPPED', shipped], ['DELIVERED', { deliveryDate: '2026-01-05T00:00:00.000Z' }]],
    CANCELLED: [['CANCELLED', {}]],
    REFUNDED: [['PAYMENT_PROCESSED', paid], ['SHIPPED', shipped], ['DELIVERED', { deliveryDate: '2026-01-05T00:00:00.000Z' }], ['REFUNDED', {}]],
    OUT_OF_STOCK: [['OUT_OF_STOCK', { failureReason: 'OutOfStockError' }]],
  };
  for (const [to, attributes] of path[status]) await orders.transition(orderId, to, attributes);
  return orders.require(orderId);
}

describe('processPayment', () => {
  it('charges a pending order once, records the charge and counts it; a repeat answers the same without charging', async () => {
    const order = await orderAt('PENDING');
    const { ctx, calls, metrics } = context({ charge: { approved: true, transactionId: 'txn-1' } });
    const first = await processPayment(ctx, order.orderId);
    const stored = await orders.require(order.orderId);
    expect(stored).toMatchObject({ status: 'PAYMENT_PROCESSED', transactionId: 'txn-1' });
    expect(first).toEqual({ outcome: 'approved', transactionId: 'txn-1', paymentDate: stored.paymentDate });
    expect(Date.parse(stored.paymentDate!)).toBeGreaterThanOrEqual(Date.parse(order.updatedAt));
    expect(await processPayment(ctx, order.orderId)).toEqual(first);
    expect(calls.charges).toEqual([order.orderId]);
    expect(metrics).toEqual([['PaymentsProcessed', 'Count', 1]]);
  });

  it('records a decline as PAYMENT_FAILED with its reason, counted once; a repeat is declined without charging', async () => {
    const order = await orderAt('PENDING');
    const { ctx, calls, metrics } = context({ charge: { approved: false } });
    expect(await processPayment(ctx, order.orderId)).toEqual({ outcome: 'declined' });
    expect(await orders.require(order.orderId)).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: PAYMENT_DECLINED_REASON });
    expect(await processPayment(ctx, order.orderId)).toEqual({ outcome: 'declined' });
    expect(calls.charges).toEqual([order.orderId]);
    expect(metrics).toEqual([['PaymentsDeclined', 'Count', 1]]);
  });

  it('a paid order is answered from the order (no charge), a cancelled one goes to compensation', async () => {
    const paid = await orderAt('SHIPPED');
    const cancelled = await orderAt('CANCELLED');
    const { ctx, calls, metrics } = context();
    expect(await processPayment(ctx, paid.orderId)).toEqual({ outcome: 'approved', transactionId: 'txn-first', paymentDate: '2026-01-02T00:00:00.000Z' });
    expect(await processPayment(ctx, cancelled.orderId)).toEqual({ outcome: 'compensate' });
    expect(calls.charges).toEqual([]);
    expect(metrics).toEqual([]);
  });

  it('a charge that lost the race to a cancel is kept on the order for the refund', async () => {
    const order = await orderAt('PENDING');
    const { ctx, metrics } = context({
      charge: { approved: true, transactionId: 'txn-late' },
      onCharge: async () => void (await orders.transition(order.orderId, 'CANCELLED')),
    });
    expect(await processPayment(ctx, order.orderId)).toEqual({ outcome: 'compensate' });
    const stored = await orders.require(order.orderId);
    expect(stored).toMatchObject({ status: 'CANCELLED', transactionId: 'txn-late' });
    expect(stored.paymentDate).toEqual(expect.any(String));
    expect(metrics).toEqual([]);
  });

  it('a decline that lost the race to a cancel records no charge', async () => {
    const order = await orderAt('PENDING');
    const { ctx } = context({ charge: { approved: false }, onCharge: async () => void (await orders.transition(order.orderId, 'CANCELLED')) });
    expect(await processPayment(ctx, order.orderId)).toEqual({ outcome: 'compensate' });
    const stored = await orders.require(order.orderId);
    expect(stored.status).toBe('CANCELLED');
    expect(stored).not.toHaveProperty('transactionId');
  });
});

describe('processPayment racing itself', () => {
  /** Two payment steps of one order that both reach the provider before either records its answer. */
  async function twoAtOnce(charge: PaymentResult) {
    const order = await orderAt('PENDING');
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothArrived = new Promise<void>((resolve) => (release = resolve));
    const { ctx, metrics } = context({
      charge,
      onCharge: async () => {
        if (++arrived === 2) release();
        await bothArrived;
      },
    });
    const outcomes = await Promise.all([processPayment(ctx, order.orderId), processPayment(ctx, order.orderId)]);
    return { order, outcomes, metrics };
  }

  it('a charge recorded twice is counted once', async () => {
    const { outcomes, metrics } = await twoAtOnce({ approved: true, transactionId: 'txn-race' });
    expect(outcomes.map((o) => o.outcome)).toEqual(['approved', 'approved']);
    expect(metrics).toEqual([['PaymentsProcessed', 'Count', 1]]);
  });

  it('a decline recorded twice is counted once', async () => {
    const { order, outcomes, metrics } = await twoAtOnce({ approved: false });
    expect(outcomes).toEqual([{ outcome: 'declined' }, { outcome: 'declined' }]);
    expect((await orders.require(order.orderId)).status).toBe('PAYMENT_FAILED');
    expect(metrics).toEqual([['PaymentsDeclined', 'Count', 1]]);
  });

  it('an approval without a transaction id that lost to a cancel records no charge', async () => {
    const order = await orderAt('PENDING');
    const { ctx } = context({ charge: { approved: true }, onCharge: async () => void (await orders.transition(order.orderId, 'CANCELLED')) });
    expect(await processPayment(ctx, order.orderId)).toEqual({ outcome: 'compensate' });
    expect(await orders.require(order.orderId)).not.toHaveProperty('transactionId');
  });
});

describe('settleFailedPayment and markFailed', () => {
  it('a charge found for an order already paid is not counted again', async () => {
    const order = await orderAt('PAYMENT_PROCESSED');
    const { ctx, metrics } = context({ found: { approved: true, transactionId: 'txn-other' } });
    expect(await settleFailedPayment(ctx, order.orderId)).toEqual({ status: 'PAYMENT_PROCESSED', chargeRecovered: true });
    expect((await orders.require(order.orderId)).transactionId).toBe('txn-first');
    expect(metrics).toEqual([['ChargesRecovered', 'Count', 1]]);
  });


  it('records a charge the provider made although the step gave up, and counts it as recovered', async () => {
    const order = await orderAt('PENDING');
    const { ctx, calls, metrics } = context({ found: { approved: true, transactionId: 'txn-found' } });
    expect(await settleFailedPayment(ctx, order.orderId, 'States.Timeout')).toEqual({ status: 'PAYMENT_PROCESSED', chargeRecovered: true });
    expect(await orders.require(order.orderId)).toMatchObject({ status: 'PAYMENT_PROCESSED', transactionId: 'txn-found' });
    expect(calls).toMatchObject({ charges: [], finds: [order.orderId] });
    expect(metrics).toEqual([
      ['PaymentsProcessed', 'Count', 1],
      ['ChargesRecovered', 'Count', 1],
    ]);
  });

  it('a recovered charge on an order cancelled meanwhile goes to the refund', async () => {
    const order = await orderAt('CANCELLED');
    const { ctx } = context({ found: { approved: true, transactionId: 'txn-found' } });
    expect(await settleFailedPayment(ctx, order.orderId)).toEqual({ status: 'CANCELLED', chargeRecovered: true });
    expect(await orders.require(order.orderId)).toMatchObject({ status: 'CANCELLED', transactionId: 'txn-found' });
  });

  it('without a charge (none, or declined) the order ends PAYMENT_FAILED with the reason, counted once', async () => {
    for (const found of [undefined, { approved: false }]) {
      const order = await orderAt('PENDING');
      const { ctx, metrics } = context({ found });
      expect(await settleFailedPayment(ctx, order.orderId, 'States.Timeout')).toEqual({ status: 'PAYMENT_FAILED' });
      expect(await orders.require(order.orderId)).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'States.Timeout' });
      expect(await settleFailedPayment(ctx, order.orderId, 'again')).toEqual({ status: 'PAYMENT_FAILED' });
      expect(metrics).toEqual([['OrdersPaymentFailed', 'Count', 1]]);
    }
  });

  it('marks a shipment failure with the default reason, counted once; a cancelled order stays cancelled', async () => {
    const order = await orderAt('PAYMENT_PROCESSED');
    const { ctx, metrics } = context();
    expect(await markFailed(ctx, order.orderId, 'SHIPMENT_FAILED')).toEqual({ status: 'SHIPMENT_FAILED' });
    expect(await orders.require(order.orderId)).toMatchObject({ status: 'SHIPMENT_FAILED', failureReason: 'Unknown' });
    expect(await markFailed(ctx, order.orderId, 'SHIPMENT_FAILED', 'again')).toEqual({ status: 'SHIPMENT_FAILED' });
    expect(metrics).toEqual([['OrdersShipmentFailed', 'Count', 1]]);

    const cancelled = await orderAt('CANCELLED');
    expect(await markFailed(ctx, cancelled.orderId, 'PAYMENT_FAILED', 'x')).toEqual({ status: 'CANCELLED' });
    expect((await orders.require(cancelled.orderId)).status).toBe('CANCELLED');
  });

  it('any other refusal is an error (a delivered order is not marked failed)', async () => {
    const delivered = await orderAt('DELIVERED');
    const { ctx, metrics } = context();
    await expect(markFailed(ctx, delivered.orderId, 'PAYMENT_FAILED', 'x')).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(metrics).toEqual([]);
  });
});

describe('shipOrder and confirmDelivery', () => {
  it('ships a paid order once with the booking recorded; a repeat returns the same booking', async () => {
    const order = await orderAt('PAYMENT_PROCESSED');
    const { ctx } = context();
    const first = await shipOrder(ctx, order.orderId);
    const stored = await orders.require(order.orderId);
    expect(stored.status).toBe('SHIPPED');
    expect(first).toEqual({
      outcome: 'shipped',
      trackingNumber: stored.trackingNumber,
      estimatedDeliveryDays: stored.estimatedDeliveryDays,
      estimatedDeliveryDate: stored.estimatedDeliveryDate,
      shipmentDate: stored.shipmentDate,
    });
    expect(first.trackingNumber).toEqual(expect.any(String));
    expect(await shipOrder(context({ shipmentSuccessRate: 0 }).ctx, order.orderId)).toEqual(first);
  });

  it('a cancelled order is not shipped; a failed booking is an error and changes nothing', async () => {
    const cancelled = await orderAt('CANCELLED');
    expect(await shipOrder(context().ctx, cancelled.orderId)).toEqual({ outcome: 'compensate' });
    expect((await orders.require(cancelled.orderId)).status).toBe('CANCELLED');
    const paid = await orderAt('PAYMENT_PROCESSED');
    await expect(shipOrder(context({ shipmentSuccessRate: 0 }).ctx, paid.orderId)).rejects.toMatchObject({ name: 'CarrierUnavailableError' });
    expect((await orders.require(paid.orderId)).status).toBe('PAYMENT_PROCESSED');
    // Not shippable and not cancelled: the refusal is the caller's to see.
    const declined = await orderAt('PAYMENT_FAILED');
    await expect(shipOrder(context().ctx, declined.orderId)).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it('an order cancelled between reading it and recording the booking is left to the compensation', async () => {
    const order = await orderAt('PAYMENT_PROCESSED');
    const racing = Object.assign(Object.create(orders) as DynamoDbOrderRepository, {
      transition: async (orderId: string, to: OrderStatus, attributes: Record<string, unknown>) => {
        if (to === 'SHIPPED') await orders.transition(orderId, 'CANCELLED');
        return orders.transition(orderId, to, attributes);
      },
    });
    const { ctx } = context();
    expect(await shipOrder({ ...ctx, orders: racing }, order.orderId)).toEqual({ outcome: 'compensate' });
    expect(await orders.require(order.orderId)).toMatchObject({ status: 'CANCELLED' });
    expect(await orders.require(order.orderId)).not.toHaveProperty('trackingNumber');
  });

  it('confirms a delivery once, counted once, and sends what is due (the delivered e-mail) once', async () => {
    const order = await orderAt('SHIPPED');
    const { ctx, metrics, calls } = context();
    const first = await confirmDelivery(ctx, order.orderId);
    expect(first.deliveryDate).toBe((await orders.require(order.orderId)).deliveryDate);
    expect(first.deliveryDate).toEqual(expect.any(String));
    expect(await confirmDelivery(ctx, order.orderId)).toEqual(first);
    expect(metrics.filter(([name]) => name === 'OrdersDelivered')).toEqual([['OrdersDelivered', 'Count', 1]]);
    expect(calls.emails.filter((e) => e === `${order.orderId}:order-delivered`)).toHaveLength(1);
  });
});

describe('scheduleDelivery', () => {
  it('schedules a shipped order at its estimated delivery date, counted when created', async () => {
    const order = await orderAt('SHIPPED');
    const { ctx, calls, metrics } = context();
    const first = await scheduleDelivery(ctx, order.orderId, FUNCTION_ARN);
    expect(first).toEqual({ scheduled: true, created: true, scheduleName: `deliver-${order.orderId}`, deliverAt: '2026-01-05T00:00:00.000Z' });
    expect(await scheduleDelivery(ctx, order.orderId, FUNCTION_ARN)).toMatchObject({ scheduled: true, created: false });
    expect(calls.schedules).toEqual([`${order.orderId}@2026-01-05T00:00:00.000Z->${FUNCTION_ARN}`, `${order.orderId}@2026-01-05T00:00:00.000Z->${FUNCTION_ARN}`]);
    expect(metrics).toEqual([['DeliveriesScheduled', 'Count', 1]]);
  });

  it('a delivered order needs no schedule; an unshipped one is refused', async () => {
    const delivered = await orderAt('DELIVERED');
    const { ctx, calls } = context();
    expect(await scheduleDelivery(ctx, delivered.orderId, FUNCTION_ARN)).toEqual({ scheduled: false, deliveryDate: '2026-01-05T00:00:00.000Z' });
    const paid = await orderAt('PAYMENT_PROCESSED');
    await expect(scheduleDelivery(ctx, paid.orderId, FUNCTION_ARN)).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(scheduleDelivery(ctx, paid.orderId, FUNCTION_ARN)).rejects.toThrow(/a delivery schedule/);
    expect(calls.schedules).toEqual([]);
  });
});

describe('the cancel window (holdForCancelWindow)', () => {
  const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-workflow';

  it('a paid order is held until the payment plus the window, due then in the open-orders index; its shipment schedule is created once', async () => {
    const order = await orderAt('PENDING');
    const { ctx, calls } = context({ cancelWindowSeconds: 3600 });
    await processPayment(ctx, order.orderId);
    const paid = await orders.require(order.orderId);
    expect(Date.parse(paid.cancellableUntil!) - Date.parse(paid.paymentDate!)).toBe(3_600_000);
    // Not due before the window closes: the recovery job leaves it alone until then.
    expect((await orders.openOrdersDueBefore(new Date(Date.now() + 3_000_000).toISOString(), 1000)).orderIds).not.toContain(order.orderId);
    expect((await orders.openOrdersDueBefore(new Date(Date.now() + 3_700_000).toISOString(), 1000)).orderIds).toContain(order.orderId);
    expect(await holdForCancelWindow(ctx, order.orderId, MACHINE)).toEqual({ held: true, created: true, scheduleName: `ship-${order.orderId}`, shipAt: paid.cancellableUntil });
    expect(await holdForCancelWindow(ctx, order.orderId, MACHINE)).toMatchObject({ held: true, created: false });
    expect(calls.schedules).toEqual([`${order.orderId}@${paid.cancellableUntil}->${MACHINE}`, `${order.orderId}@${paid.cancellableUntil}->${MACHINE}`]);
  });

  it('goes on at once without a window, once the window has closed, or when the order was cancelled meanwhile', async () => {
    const { ctx, calls } = context();
    const unheld = await orderAt('PENDING');
    await processPayment(ctx, unheld.orderId);
    expect((await orders.require(unheld.orderId)).cancellableUntil).toBeUndefined();
    expect(await holdForCancelWindow(ctx, unheld.orderId, MACHINE)).toEqual({ held: false });
    const closed = await orderAt('PENDING');
    await orders.transition(closed.orderId, 'PAYMENT_PROCESSED', { transactionId: 't', paymentDate: '2026-01-01T00:00:00.000Z', cancellableUntil: '2026-01-01T01:00:00.000Z' });
    expect(await holdForCancelWindow(ctx, closed.orderId, MACHINE)).toEqual({ held: false });
    const cancelled = await orderAt('PENDING');
    await orders.transition(cancelled.orderId, 'PAYMENT_PROCESSED', { transactionId: 't', paymentDate: new Date().toISOString(), cancellableUntil: new Date(Date.now() + 60_000).toISOString() });
    await orders.transition(cancelled.orderId, 'CANCELLED');
    expect(await holdForCancelWindow(ctx, cancelled.orderId, MACHINE)).toEqual({ held: false });
    expect(calls.schedules).toEqual([]);
  });
});

describe('a declined order paid again (retryPayment)', () => {
  const customer = { type: 'customer' as const, sub: 'customer-a' };

  it('goes back to PENDING with the method chosen, the next attempt, no failure reason, due in the open-orders index; the payment step charges for that attempt', async () => {
    const order = await orderAt('PAYMENT_FAILED');
    const { order: retried, changed } = await orders.retryPayment(order.orderId, 'paypal', customer);
    expect(changed).toBe(true);
    expect(retried).toMatchObject({ status: 'PENDING', paymentMethod: 'paypal', paymentAttempts: 2 });
    expect(retried.failureReason).toBeUndefined();
    expect(retried.history?.at(-1)).toEqual({ status: 'PENDING', at: retried.updatedAt, actor: customer });
    const open = await orders.openOrdersDueBefore('9999-12-31T00:00:00.000Z', 1000);
    expect(open.orderIds).toContain(order.orderId);
    // Asked again while it is on its way: unchanged.
    expect(await orders.retryPayment(order.orderId, 'debit_card', customer)).toMatchObject({ changed: false, order: { paymentMethod: 'paypal', paymentAttempts: 2 } });
    const { ctx, calls } = context();
    // The new attempt's execution reserves first; without it nothing is charged.
    expect(await processPayment(ctx, order.orderId)).toEqual({ outcome: 'superseded' });
    await reserveOrder(ctx.stock, await orders.require(order.orderId));
    expect(await processPayment(ctx, order.orderId)).toMatchObject({ outcome: 'approved' });
    expect(calls.attempts).toEqual([2]);
  });

  it('stops at MAX_PAYMENT_ATTEMPTS, and never moves an order that was not declined', async () => {
    const order = await orderAt('PAYMENT_FAILED');
    for (const attempt of [2, 3]) {
      expect((await orders.retryPayment(order.orderId, 'paypal', customer)).order.paymentAttempts).toBe(attempt);
      await orders.transition(order.orderId, 'PAYMENT_FAILED', { failureReason: PAYMENT_DECLINED_REASON });
    }
    await expect(orders.retryPayment(order.orderId, 'paypal', customer)).rejects.toBeInstanceOf(PaymentAttemptsExhaustedError);
    await expect(orders.retryPayment(order.orderId, 'paypal', customer)).rejects.toMatchObject({ attempts: 3 });
    const cancelled = await orderAt('CANCELLED');
    await expect(orders.retryPayment(cancelled.orderId, 'paypal', customer)).rejects.toBeInstanceOf(InvalidTransitionError);
    const delivered = await orderAt('DELIVERED');
    expect(await orders.retryPayment(delivered.orderId, 'paypal', customer)).toMatchObject({ changed: false, order: { status: 'DELIVERED' } });
    // And no plain transition leads back to PENDING.
    await expect(orders.transition(order.orderId, 'PENDING')).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it("a duplicated execution's answer for an attempt the order has left behind is not recorded: a decline is dropped, a charge fails loudly", async () => {
    const declined = await orderAt('PENDING');
    // While attempt 1's duplicate is charging, attempt 1 is declined and the customer pays again.
    const moveOn = (orderId: string) => async () => {
      await orders.transition(orderId, 'PAYMENT_FAILED', { failureReason: PAYMENT_DECLINED_REASON });
      await orders.retryPayment(orderId, 'paypal', customer);
    };
    const late = context({ charge: { approved: false }, onCharge: moveOn(declined.orderId) });
    expect(await processPayment(late.ctx, declined.orderId)).toEqual({ outcome: 'superseded' });
    expect(await orders.require(declined.orderId)).toMatchObject({ status: 'PENDING', paymentAttempts: 2 });
    expect(late.metrics).toEqual([]);
    const charged = await orderAt('PENDING');
    const loud = context({ charge: { approved: true, transactionId: 'txn-stale' }, onCharge: moveOn(charged.orderId) });
    await expect(processPayment(loud.ctx, charged.orderId)).rejects.toBeInstanceOf(ChargeOnSupersededAttemptError);
    const next = context({ charge: { approved: true, transactionId: 'txn-2' } });
    await reserveOrder(next.ctx.stock, await orders.require(charged.orderId)); // attempt 2's own first step
    await expect(processPayment(next.ctx, charged.orderId)).resolves.toMatchObject({ outcome: 'approved', transactionId: 'txn-2' });
  });

  it('starts the recovery budget afresh (recoveryAttempts), as does a return', async () => {
    const rawAttempts = async (orderId: string) =>
      (await client.send(new GetItemCommand({ TableName: ORDERS_TABLE.localName, Key: { [ORDERS_TABLE.partitionKey]: { S: orderId } } }))).Item?.recoveryAttempts;
    const spend = (orderId: string) =>
      client.send(
        new UpdateItemCommand({
          TableName: ORDERS_TABLE.localName,
          Key: { [ORDERS_TABLE.partitionKey]: { S: orderId } },
          UpdateExpression: 'SET recoveryAttempts = :n',
          ExpressionAttributeValues: { ':n': { N: '3' } },
        }),
      );
    const declined = await orderAt('PAYMENT_FAILED');
    await spend(declined.orderId);
    await orders.retryPayment(declined.orderId, 'paypal', customer);
    expect(await rawAttempts(declined.orderId)).toBeUndefined();
    const delivered = await orderAt('DELIVERED');
    await spend(delivered.orderId);
    await orders.transition(delivered.orderId, 'REFUNDED', {}, { type: 'staff', sub: 's' });
    expect(await rawAttempts(delivered.orderId)).toBeUndefined();
  });

  it('settleFailedPayment looks for the charge of the attempt the order is on', async () => {
    const order = await orderAt('PAYMENT_FAILED');
    await orders.retryPayment(order.orderId, 'paypal', customer);
    const { ctx, calls } = context();
    await settleFailedPayment(ctx, order.orderId, 'States.Timeout');
    expect(calls.finds).toEqual([`${order.orderId}#2`]);
  });
});

describe('a return: staff refund a shipped or delivered order', () => {
  /** The order's entry in the open-orders index (what the recovery job reads), if it has one. */
  const openEntry = async (orderId: string) => {
    const page = await orders.openOrdersDueBefore('9999-12-31T00:00:00.000Z', 1000);
    return page.orderIds.includes(orderId);
  };

  it('a delivered order refunded goes back into the open-orders index, owing the refund until the compensation pays it once', async () => {
    const order = await orderAt('DELIVERED');
    expect(await openEntry(order.orderId)).toBe(false);
    const { order: refunded } = await orders.transition(order.orderId, 'REFUNDED', { refundReason: 'Returned unopened' }, { type: 'staff', sub: 'staff-1' });
    expect(refunded).toMatchObject({ status: 'REFUNDED', refundStatus: 'pending', refundAmount: 42.5, refundReason: 'Returned unopened' });
    expect(refunded.history?.at(-1)).toMatchObject({ status: 'REFUNDED', actor: { type: 'staff', sub: 'staff-1' } });
    expect(await openEntry(order.orderId)).toBe(true);

    const { ctx, calls, metrics } = context();
    // The steps an execution of the refunded order runs before it: each leaves it to the compensation.
    expect(await processPayment(ctx, order.orderId)).toEqual({ outcome: 'compensate' });
    expect(await shipOrder(ctx, order.orderId)).toEqual({ outcome: 'compensate' });
    expect(await compensate(ctx, order.orderId)).toEqual({ status: 'REFUNDED', refundId: 'ref-txn-first' });
    expect(await compensate(ctx, order.orderId)).toEqual({ status: 'REFUNDED', refundId: 'ref-txn-first' });
    expect(calls.charges).toEqual([]);
    expect(calls.refunds).toEqual([`${order.orderId}/txn-first`]);
    expect(calls.emails).toEqual([`${order.orderId}:order-refunded`]);
    expect(metrics.filter(([name]) => name === 'PaymentsRefunded')).toEqual([['PaymentsRefunded', 'Count', 1]]);
    expect(await orders.require(order.orderId)).toMatchObject({ refundStatus: 'refunded', refundAmount: 42.5, refundId: 'ref-txn-first' });
    expect(await openEntry(order.orderId)).toBe(false);
    // Asked twice: the same order, nothing owed again.
    expect(await orders.transition(order.orderId, 'REFUNDED')).toMatchObject({ changed: false });
  });

  it('a shipped order refunded in transit: its delivery schedule changes nothing and is not an error', async () => {
    const order = await orderAt('SHIPPED');
    await orders.transition(order.orderId, 'REFUNDED', {}, { type: 'staff', sub: 'staff-1' });
    const { ctx, calls, metrics } = context();
    expect(await scheduleDelivery(ctx, order.orderId, FUNCTION_ARN)).toEqual({ scheduled: false, status: 'REFUNDED' });
    expect(await confirmDelivery(ctx, order.orderId)).toEqual({ status: 'REFUNDED' });
    expect((await orders.require(order.orderId)).status).toBe('REFUNDED');
    expect(calls.schedules).toEqual([]);
    expect(calls.emails).toEqual([]);
    expect(metrics).toEqual([]);
  });

  it('only a shipped or delivered order can be refunded this way', async () => {
    for (const status of ['PENDING', 'PAYMENT_PROCESSED', 'PAYMENT_FAILED', 'CANCELLED'] as const) {
      const order = await orderAt(status);
      await expect(orders.transition(order.orderId, 'REFUNDED')).rejects.toBeInstanceOf(InvalidTransitionError);
    }
  });
});

describe('compensate and sendNotification', () => {
  it('refunds a charged cancelled order once and e-mails the customer once, closing the order', async () => {
    const order = await orderAt('PAYMENT_PROCESSED');
    await orders.transition(order.orderId, 'CANCELLED');
    const { ctx, calls, metrics } = context();
    expect(await compensate(ctx, order.orderId)).toEqual({ status: 'CANCELLED', refundId: 'ref-txn-first' });
    expect(await orders.require(order.orderId)).toMatchObject({ refundId: 'ref-txn-first', refundDate: '2026-01-03T00:00:00.000Z', compensationSentDate: expect.any(String) });
    expect(await compensate(ctx, order.orderId)).toEqual({ status: 'CANCELLED', refundId: 'ref-txn-first' });
    expect(calls.refunds).toEqual([`${order.orderId}/txn-first`]);
    expect(calls.emails).toEqual([`${order.orderId}:order-cancelled`, `${order.orderId}:order-refunded`]);
    expect(calls.events).toEqual(calls.emails);
    expect(metrics).toEqual([['PaymentsRefunded', 'Count', 1], ['NotificationsSent', 'Count', 1], ['NotificationsSent', 'Count', 1]]);
  });

  it('an uncharged cancelled order gets the e-mail and no refund; an order owing nothing is refused', async () => {
    const order = await orderAt('CANCELLED');
    const { ctx, calls, metrics } = context();
    expect(await compensate(ctx, order.orderId)).toEqual({ status: 'CANCELLED', refundId: undefined });
    expect(calls.refunds).toEqual([]);
    expect(calls.emails).toEqual([`${order.orderId}:order-cancelled`]);
    expect(metrics).toEqual([['NotificationsSent', 'Count', 1]]);
    const shipped = await orderAt('SHIPPED');
    await expect(compensate(ctx, shipped.orderId)).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(compensate(ctx, shipped.orderId)).rejects.toThrow(/a compensation/);
    expect(calls.emails).toEqual([`${order.orderId}:order-cancelled`]);
  });

  it('sends the confirmation once, records its date and counts it once', async () => {
    const order = await orderAt('SHIPPED');
    const { ctx, calls, metrics } = context();
    const first = await sendNotification(ctx, order.orderId);
    expect(first.notificationSentDate).toBe((await orders.require(order.orderId)).notificationSentDate);
    expect(first.notificationSentDate).toEqual(expect.any(String));
    expect(await sendNotification(ctx, order.orderId)).toEqual(first);
    const sent = calls.emails.length;
    expect(calls.emails.filter((e) => e === `${order.orderId}:order-shipped`)).toHaveLength(1);
    expect(metrics).toEqual(Array.from({ length: sent }, () => ['NotificationsSent', 'Count', 1]));
    // Delivered: only the delivered e-mail is new; an address SES reported gets nothing more.
    await orders.transition(order.orderId, 'DELIVERED', { deliveryDate: '2026-01-05T00:00:00.000Z' });
    await orders.recordEmailStatus(order.orderId, 'bounced');
    await sendNotification(ctx, order.orderId);
    expect(calls.emails).toHaveLength(sent);
    expect(calls.events).toContain(`${order.orderId}:order-delivered`);
    expect((await orders.require(order.orderId)).emailsSent).toContain('order-delivered');
  });
});
