/**
 * Orders as fixtures, served in place of the API's `/orders` paths (`page.route`), for the visual
 * checks and the journeys that need an order in a given status at once (the real stack's orders
 * settle in seconds). The clock they assume is `NOW`.
 */
import type { Page } from '@playwright/test';
import type { Order } from '../amplify/domain/order.ts';
import { orderNumberOf, refundStatusOf, type OrderStatus } from '../amplify/domain/order-rules.ts';
import { priceOrder } from '../amplify/domain/pricing.ts';

export const NOW = new Date('2026-03-05T15:00:00.000Z');

export function order(status: OrderStatus, orderId: string, orderDate = '2026-03-05T14:20:00.000Z'): Order {
  const priced = priceOrder([
    { productId: 'prod-001', quantity: 1 },
    { productId: 'prod-012', quantity: 2 },
  ]);
  // The cancelled fixture was cancelled after its payment: charged, then refunded.
  const paid = !['PENDING', 'PAYMENT_FAILED'].includes(status);
  const later = (seconds: number) => new Date(Date.parse(orderDate) + seconds * 1000).toISOString();
  // The refunded fixture is a return: delivered, then refunded by staff.
  const shipped = ['SHIPPED', 'DELIVERED', 'REFUNDED'].includes(status);
  const delivered = ['DELIVERED', 'REFUNDED'].includes(status);
  const stored: Order = {
    orderId,
    orderNumber: orderNumberOf(orderId),
    customerId: 'cust-visual',
    customerName: 'Ada Lovelace',
    customerEmail: 'ada@example.com',
    orderDate,
    updatedAt: orderDate,
    status,
    ...priced,
    paymentMethod: 'credit_card',
    shippingAddress: { street: '12 Analytical Row', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' },
    ...(paid ? { paymentDate: later(2), transactionId: 'txn_0123456789abcdef' } : {}),
    ...(shipped
      ? { shipmentDate: later(4), trackingNumber: 'TRK0123456789AB', estimatedDeliveryDays: 3, estimatedDeliveryDate: later(4 * 86_400) }
      : {}),
    ...(delivered ? { deliveryDate: later(3 * 86_400), notificationSentDate: later(5) } : {}),
    ...(status === 'PAYMENT_FAILED' ? { failureReason: 'PaymentDeclinedError' } : {}),
    ...(status === 'SHIPMENT_FAILED' ? { failureReason: 'ShipmentError', refundId: 'rfnd_0123456789abcdef', refundDate: later(60) } : {}),
    ...(status === 'CANCELLED' ? { cancelledDate: later(30), refundId: 'rfnd_fedcba9876543210', refundDate: later(31) } : {}),
    ...(status === 'REFUNDED'
      ? {
          refundId: 'rfnd_00aa11bb22cc33dd',
          refundDate: later(5 * 86_400),
          refundReason: 'Returned unused',
          history: [{ status: 'REFUNDED' as const, at: later(5 * 86_400 - 2), actor: { type: 'staff' as const, sub: 'staff-visual' } }],
        }
      : {}),
    ...(['SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED'].includes(status) ? { compensationSentDate: later(5 * 86_400 + 1) } : {}),
  };
  // What the API adds to every order it returns (the repository's read).
  const refundStatus = refundStatusOf(stored);
  return refundStatus ? { ...stored, refundStatus, refundAmount: stored.totalAmount } : stored;
}

export const STATUSES: OrderStatus[] = ['PENDING', 'PAYMENT_PROCESSED', 'SHIPPED', 'DELIVERED', 'PAYMENT_FAILED', 'SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED'];
export const ORDERS = STATUSES.map((status, i) => order(status, `${i}f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b`, `2026-03-0${5 - Math.floor(i / 2)}T1${i}:20:00.000Z`));

/**
 * Serves the fixtures in place of `GET /orders`, `GET /orders/{id}` and `POST /orders/{id}/cancel`
 * (only the API's paths). A cancel is remembered, as the API would: the page keeps polling an order
 * it showed as pending, and that poll must not bring the pending fixture back.
 */
export async function serveOrders(page: Page, listed: readonly object[]) {
  const cancelledOrders = new Map<string, Order>();
  await page.route(
    (url) => /^\/orders(\/|$)/.test(url.pathname),
    (route) => {
      // Signed in, the calls carry `Authorization` (which the `*` wildcard does not cover): named here.
      const cors = {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key, *',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      };
      if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      const cancelled = /^\/orders\/([^/]+)\/cancel$/.exec(new URL(route.request().url()).pathname)?.[1];
      if (cancelled && route.request().method() === 'POST') {
        const o = ORDERS.find((x) => x.orderId === cancelled)!;
        const body: Order = { ...o, status: 'CANCELLED', cancelledDate: NOW.toISOString() };
        cancelledOrders.set(o.orderId, body);
        return route.fulfill({ status: 200, contentType: 'application/json', headers: cors, body: JSON.stringify(body) });
      }
      const id = /^\/orders\/(.+)$/.exec(new URL(route.request().url()).pathname)?.[1];
      const body = id ? (cancelledOrders.get(id) ?? ORDERS.find((o) => o.orderId === id)) : { orders: listed };
      return route.fulfill({ status: body ? 200 : 404, contentType: 'application/json', headers: cors, body: JSON.stringify(body ?? { error: 'Order not found', details: [] }) });
    },
  );
}

