/**
 * process-order's stock and e-mail steps against an in-memory order and stock (no local service):
 * an e-mail SES rejects is recorded on the order and never tried again while the order events go
 * on; any other failure is thrown for the workflow to retry, with nothing recorded as sent; units go
 * back only for an order that ended without shipping and become a sale only once shipped, each
 * product once; a reservation whose order moved on is not made, and one that lost to a cancel ends
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../amplify/domain/errors.ts';
import type { EmailKind } from '../../amplify/domain/notification.ts';
import type { Order } from '../../amplify/domain/order.ts';
import type { OrderStatus } from '../../amplify/domain/order-rules.ts';
import type { StepContext } from '../../amplify/functions/process-order/steps/context.ts';
import { notifyCustomer } from '../../amplify/functions/process-order/steps/notification.ts';
import { releaseStock, reserveStock, sellStock } from '../../amplify/functions/process-order/steps/stock.ts';
import { EmailRejectedError, EmailSendError } from '../../amplify/server/aws/ses-mailer.ts';
import type { StockLedger } from '../../amplify/server/ports.ts';
import { storedOrder } from '../fixtures.ts';
import { plentifulStock } from './stock-fakes.ts';

const at = '2026-12-01T10:00:00.000Z';
const twoProducts = [
  { productId: 'p1', name: 'Mug', quantity: 2, price: 5 },
  { productId: 'p2', name: 'Lamp', quantity: 1, price: 20 },
  { productId: 'p1', name: 'Mug', quantity: 1, price: 5 },
];

/** One order in memory, the stock's calls recorded, the mailer answering with `send`. */
function setup(order: Order, options: { send?: (kind: EmailKind) => Promise<void>; noSender?: boolean; stock?: Partial<StockLedger>; transition?: () => Promise<never> } = {}) {
  let current = order;
  const log: string[] = [];
  const metrics: string[] = [];
  const orders = {
    require: async () => current,
    get: async () => current,
    recordEmailStatus: async (_id: string, status: Order['emailStatus']) => {
      log.push(`status ${status}`);
      current = { ...current, emailStatus: status };
      return current;
    },
    recordEmailSent: async (_id: string, kind: EmailKind) => {
      log.push(`recorded ${kind}`);
      current = { ...current, emailsSent: [...(current.emailsSent ?? []), kind] };
      return current;
    },
    transition: options.transition ?? (async (_id: string, to: OrderStatus) => ((current = { ...current, status: to }), { order: current, changed: true })),
  };
  const stock: StockLedger = {
    ...plentifulStock,
    reserve: async (productId, key, qty) => (log.push(`reserve ${productId} ${key} ${qty}`), { outcome: 'reserved' }),
    release: async (productId, key, qty) => (log.push(`release ${productId} ${key} ${qty}`), productId !== 'p2'),
    sell: async (productId, key, qty) => (log.push(`sell ${productId} ${key} ${qty}`), true),
    ...options.stock,
  };
  const ctx = {
    orders,
    stock,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
    publishEvent: async (kind: EmailKind) => void log.push(`event ${kind}`),
    sendEmailOnce: options.noSender
      ? undefined
      : async (kind: EmailKind) => {
          log.push(`send ${kind}`);
          await options.send?.(kind);
        },
  } as unknown as StepContext;
  return { ctx, log, metrics, current: () => current };
}

describe('the customer\u2019s e-mails', () => {
  const cancelledAndRefunded = () => storedOrder(at, { status: 'CANCELLED', refundId: 'rf-1' });

  it('an e-mail SES rejects: the address recorded, no further e-mail tried, the order\u2019s events still published', async () => {
    const { ctx, log, metrics, current } = setup(cancelledAndRefunded(), { send: async () => Promise.reject(new EmailRejectedError('SES: MessageRejected')) });
    const result = await notifyCustomer(ctx, 'o');
    expect(log).toEqual(['send order-cancelled', 'status rejected', 'event order-cancelled', 'recorded order-cancelled', 'event order-refunded', 'recorded order-refunded']);
    expect(current().emailStatus).toBe('rejected');
    expect(metrics).toEqual([]);
    expect(result.emailsSent).toEqual(['order-cancelled', 'order-refunded']);
  });

  it('a failure worth another try is thrown: nothing recorded as sent, no event yet, so the retry sends it', async () => {
    const { ctx, log, current } = setup(cancelledAndRefunded(), { send: async () => Promise.reject(new EmailSendError('SES: Throttling')) });
    await expect(notifyCustomer(ctx, 'o')).rejects.toBeInstanceOf(EmailSendError);
    expect(log).toEqual(['send order-cancelled']);
    expect(current().emailsSent).toBeUndefined();
    expect(current().emailStatus).toBeUndefined();
  });

  it('each e-mail sent once and counted; a repeat sends and publishes nothing', async () => {
    const { ctx, log, metrics } = setup(cancelledAndRefunded());
    expect(await notifyCustomer(ctx, 'o')).toEqual({ emailsSent: ['order-cancelled', 'order-refunded'], notificationSentDate: undefined });
    expect(metrics).toEqual(['NotificationsSent', 'NotificationsSent']);
    log.length = 0;
    expect((await notifyCustomer(ctx, 'o')).emailsSent).toEqual(['order-cancelled', 'order-refunded']);
    expect(log).toEqual([]);
  });

  it('no sender (MAIL_FROM unset): events only, nothing recorded, so a sender set later catches up', async () => {
    const { ctx, log } = setup(cancelledAndRefunded(), { noSender: true });
    expect(await notifyCustomer(ctx, 'o')).toEqual({ emailsSent: [], notificationSentDate: undefined });
    expect(log).toEqual(['event order-cancelled', 'event order-refunded']);
  });

  it('an address SES reported, or an account deleted since: no e-mail, the events go on and are recorded', async () => {
    for (const over of [{ emailStatus: 'bounced' as const }, { anonymizedDate: at }]) {
      const { ctx, log } = setup({ ...cancelledAndRefunded(), ...over });
      await notifyCustomer(ctx, 'o');
      expect(log).toEqual(['event order-cancelled', 'recorded order-cancelled', 'event order-refunded', 'recorded order-refunded']);
    }
  });
});

describe('the stock steps', () => {
  it('units go back, each product once, only for an order that ended without shipping; the count is of products released now', async () => {
    for (const status of ['PAYMENT_FAILED', 'CANCELLED', 'SHIPMENT_FAILED', 'OUT_OF_STOCK'] as const) {
      const { ctx, log } = setup(storedOrder(at, { orderId: 'o1', status, items: twoProducts }));
      // p2's reservation was already given back (release answers false): only p1 counts.
      expect(await releaseStock(ctx, storedOrder(at, { orderId: 'o1', status, items: twoProducts }))).toBe(1);
      expect(log).toEqual(['release p1 o1:1 3', 'release p2 o1:1 1']);
    }
    for (const status of ['PENDING', 'PAYMENT_PROCESSED', 'SHIPPED', 'DELIVERED'] as const) {
      const { ctx, log } = setup(storedOrder(at, { status, items: twoProducts }));
      expect(await releaseStock(ctx, storedOrder(at, { status, items: twoProducts }))).toBe(0);
      expect(log).toEqual([]);
    }
  });

  it('a sale only once shipped, of the current payment attempt\u2019s reservation; the count is of products sold now', async () => {
    const shipped = storedOrder(at, { orderId: 'o2', status: 'SHIPPED', paymentAttempts: 2, items: twoProducts });
    const { ctx, log } = setup(shipped);
    expect(await sellStock(ctx, shipped)).toBe(2);
    expect(log).toEqual(['sell p1 o2:2 3', 'sell p2 o2:2 1']);
    const oneSold = setup(shipped, { stock: { sell: async (productId) => productId === 'p2' } });
    expect(await sellStock(oneSold.ctx, shipped)).toBe(1);
    for (const status of ['PAYMENT_PROCESSED', 'CANCELLED', 'PENDING'] as const) {
      const order = storedOrder(at, { status, items: twoProducts });
      const { ctx: other, log: otherLog } = setup(order);
      expect(await sellStock(other, order)).toBe(0);
      expect(otherLog).toEqual([]);
    }
  });

  it('an order no longer PENDING reserves nothing (the payment step decides)', async () => {
    for (const status of ['PAYMENT_PROCESSED', 'CANCELLED', 'PAYMENT_FAILED'] as const) {
      const { ctx, log } = setup(storedOrder(at, { status, items: twoProducts }));
      expect(await reserveStock(ctx, 'o')).toEqual({ outcome: 'skipped' });
      expect(log).toEqual([]);
    }
  });

  it('short of stock, but cancelled meanwhile: skipped, no OUT_OF_STOCK, no e-mail, nothing counted', async () => {
    const order = storedOrder(at, { orderId: 'o3', status: 'PENDING', items: twoProducts });
    const { ctx, log, metrics } = setup(order, {
      stock: { reserve: async (productId) => (productId === 'p2' ? { outcome: 'short', available: 0 } : { outcome: 'reserved' }) },
      transition: async () => Promise.reject(new InvalidTransitionError('o3', 'CANCELLED', 'OUT_OF_STOCK')),
    });
    expect(await reserveStock(ctx, 'o3')).toEqual({ outcome: 'skipped' });
    expect(log.filter((line) => !line.startsWith('release'))).toEqual([]);
    expect(metrics).toEqual([]);
  });

  it('short of stock: OUT_OF_STOCK once, counted once, the customer e-mailed; another failure is thrown', async () => {
    const order = storedOrder(at, { orderId: 'o4', status: 'PENDING', items: twoProducts });
    const short = { reserve: async () => ({ outcome: 'short' as const, available: 1 }) };
    const { ctx, log, metrics, current } = setup(order, { stock: short });
    expect(await reserveStock(ctx, 'o4')).toEqual({ outcome: 'out_of_stock' });
    expect(current().status).toBe('OUT_OF_STOCK');
    expect(metrics).toEqual(['OrdersOutOfStock', 'NotificationsSent']);
    expect(log).toContain('send out-of-stock');
    const unchanged = setup(order, { stock: short, transition: async () => ({ order, changed: false }) as never });
    await reserveStock(unchanged.ctx, 'o4');
    expect(unchanged.metrics).not.toContain('OrdersOutOfStock');
    const down = new Error('DynamoDB unavailable');
    const failing = setup(order, { stock: short, transition: async () => Promise.reject(down) });
    await expect(reserveStock(failing.ctx, 'o4')).rejects.toBe(down);
  });
});
