/**
 * The orders table and its "Show more orders" pager, shared by My orders and All orders: one row
 * per order (its number linking to its page, when it was placed, `detail`, total, status and where
 * a refund stands); on a
 * phone each cell shows its column's name (`data-label`). After "Show more", keyboard focus moves
 * to the first order added.
 */
import { Badge, Button } from '@aws-amplify/ui-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import type { OrderPages } from '../lib/order-pages.ts';
import { href } from '../lib/router.ts';
import { REFUND_LABELS } from '../lib/refund.ts';
import { STATUS_LABELS, STATUS_TONES } from '../lib/status.ts';

/** A returned order says "Refund pending" until its refund is made; every other order its status. */
const statusOf = (order: Order) => (order.status === 'REFUNDED' && order.refundStatus === 'pending' ? REFUND_LABELS.pending : STATUS_LABELS[order.status]);

const formatDateTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

export interface OrderListProps {
  pages: OrderPages;
  /** The table's caption, for screen readers. */
  caption: string;
  /** Each row's `data-testid`. */
  rowTestId: string;
  /** The third column: its header and each order's cell. */
  detail: { header: string; cell: (order: Order) => ReactNode };
}

export function OrderList({ pages, caption, rowTestId, detail }: OrderListProps) {
  const { orders, nextToken, error, state, firstNew, more } = pages;
  const firstNewRow = useRef<HTMLAnchorElement>(null);

  useEffect(() => {
    if (firstNew !== undefined) firstNewRow.current?.focus();
  }, [firstNew, orders.length]);

  return (
    <>
      {orders.length > 0 && (
        <div className="table-wrap">
          <table className="orders-table">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">{detail.header}</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((order, index) => (
                <tr key={order.orderId} data-testid={rowTestId}>
                  <th scope="row">
                    <a href={href.order(order.orderId)} ref={index === firstNew ? firstNewRow : undefined}>
                      Order {order.orderNumber ?? orderNumberOf(order.orderId)}
                    </a>
                  </th>
                  <td data-label="Placed">{formatDateTime(order.orderDate)}</td>
                  <td data-label={detail.header}>{detail.cell(order)}</td>
                  <td data-label="Total">{formatPrice(order.totalAmount)}</td>
                  <td data-label="Status">
                    <Badge variation={STATUS_TONES[order.status]}>{statusOf(order)}</Badge>
                    {order.refundStatus && statusOf(order) !== REFUND_LABELS[order.refundStatus] && <span className="refund-note">{REFUND_LABELS[order.refundStatus]}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextToken && !error && (
        <Button onClick={more} isLoading={state === 'more'} loadingText="Loading more orders…" marginTop="medium">
          Show more orders
        </Button>
      )}
    </>
  );
}
