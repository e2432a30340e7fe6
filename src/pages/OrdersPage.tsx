/** The signed-in account's orders (on any device), newest first, 10 a page ("Show more" follows `nextToken`). */
import { Badge, Button, Text } from '@aws-amplify/ui-react';
import { useEffect, useRef, useState } from 'react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { EmptyState, ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { fetchOrders, isCancelError, toStoreError, type StoreError } from '../lib/api.ts';
import { SignInGate } from '../auth/SignInGate.tsx';
import { getCustomerId } from '../lib/customer.ts';
import { href } from '../lib/router.ts';
import { STATUS_LABELS, STATUS_TONES } from '../lib/status.ts';

export const ORDERS_PAGE_SIZE = 10;

const formatDateTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

export default function OrdersPage() {
  return (
    <SignInGate title="My orders" reason="Sign in to see your orders, on any device.">
      {(account) => <AccountOrders key={account.sub} />}
    </SignInGate>
  );
}

function AccountOrders() {
  const customerId = getCustomerId();
  const [orders, setOrders] = useState<Order[]>([]);
  const [nextToken, setNextToken] = useState<string>();
  const [state, setState] = useState<'loading' | 'more' | 'idle'>('loading');
  const [error, setError] = useState<StoreError>();
  const [attempt, setAttempt] = useState(0);
  const controller = useRef<AbortController>();
  const firstNewRow = useRef<HTMLAnchorElement>(null);
  const [focusIndex, setFocusIndex] = useState<number>();

  const load = async (token: string | undefined) => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setError(undefined);
    setState(token ? 'more' : 'loading');
    try {
      const page = await fetchOrders({}, { limit: ORDERS_PAGE_SIZE, ...(token ? { nextToken: token } : {}) }, { signal: c.signal });
      if (c.signal.aborted) return;
      if (token) setFocusIndex(orders.length);
      setOrders((previous) => (token ? [...previous, ...page.orders] : page.orders));
      setNextToken(page.nextToken);
    } catch (e) {
      if (c.signal.aborted || isCancelError(e)) return;
      setError(toStoreError(e));
    } finally {
      if (!c.signal.aborted) setState('idle');
    }
  };

  useEffect(() => {
    void load(undefined);
    return () => controller.current?.abort();
  }, [customerId, attempt]);

  useEffect(() => {
    if (focusIndex !== undefined) firstNewRow.current?.focus();
  }, [focusIndex, orders.length]);

  return (
    <>
      <PageHeading title="My orders">My orders</PageHeading>
      <Text className="muted" fontSize="small">
        Your account's orders, newest first.
      </Text>
      {state === 'loading' && <LoadingState label="Loading your orders…" />}
      {error && <ErrorState title="We could not load your orders" error={error} onRetry={() => (orders.length ? void load(nextToken) : setAttempt((n) => n + 1))} />}
      {state !== 'loading' && !error && orders.length === 0 && (
        <EmptyState title="No orders yet">
          <Text>
            When you place an order it shows up here. <a href={href.catalog()}>Start shopping</a>.
          </Text>
        </EmptyState>
      )}
      {orders.length > 0 && (
        <div className="table-wrap">
          <table className="orders-table">
            <caption className="visually-hidden">Your orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Items</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((order, index) => (
                <tr key={order.orderId} data-testid="order-row">
                  <th scope="row">
                    <a href={href.order(order.orderId)} ref={index === focusIndex ? firstNewRow : undefined}>
                      Order {order.orderNumber ?? orderNumberOf(order.orderId)}
                    </a>
                  </th>
                  <td data-label="Placed">{formatDateTime(order.orderDate)}</td>
                  <td data-label="Items">{order.items.reduce((n, i) => n + i.quantity, 0)}</td>
                  <td data-label="Total">{formatPrice(order.totalAmount)}</td>
                  <td data-label="Status">
                    <Badge variation={STATUS_TONES[order.status]}>{STATUS_LABELS[order.status]}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextToken && !error && (
        <Button onClick={() => void load(nextToken)} isLoading={state === 'more'} loadingText="Loading more orders…" marginTop="medium">
          Show more orders
        </Button>
      )}
    </>
  );
}
