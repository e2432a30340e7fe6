/**
 * A list of orders read page by page (`GET /orders`): the first page whenever the filters change,
 * the next on `more()`; `retry()` repeats the request that failed. A newer request aborts the one
 * in flight, and so does leaving the page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Order } from '../../amplify/domain/order.ts';
import type { OrderStatus } from '../../amplify/domain/order-rules.ts';
import { fetchOrders, isCancelError, toStoreError, type OrderFilters, type StoreError } from './api.ts';
import { watchOrders } from './live-orders.ts';
import { isNewer, withEvent } from '../../amplify/domain/live-updates.ts';

export interface OrderPages {
  orders: Order[];
  /** Orders per status for the filters (staff only; from the first page). */
  counts?: Partial<Record<OrderStatus, number>>;
  nextToken?: string;
  /** `loading`: the first page; `more`: a next page. */
  state: 'loading' | 'more' | 'idle';
  error?: StoreError;
  /** The first order a `more()` added (the list moves keyboard focus to it). */
  firstNew?: number;
  more(): void;
  retry(): void;
}

/**
 * Requests at most `pageSize` orders at a time; `filters` must keep its identity while unchanged
 * (state or a constant). With `liveChannel` (issue 26) the orders shown follow their status events
 * (a newer one only); an order not shown stays out until the list is read again.
 */
export function useOrderPages(filters: OrderFilters, pageSize: number, liveChannel?: string): OrderPages {
  const [orders, setOrders] = useState<Order[]>([]);
  const [counts, setCounts] = useState<OrderPages['counts']>();
  const [nextToken, setNextToken] = useState<string>();
  const [state, setState] = useState<OrderPages['state']>('loading');
  const [error, setError] = useState<StoreError>();
  const [firstNew, setFirstNew] = useState<number>();
  const controller = useRef<AbortController>();
  /** The request that failed last, for `retry()`. */
  const failed = useRef<{ token?: string; appendAt?: number }>({});

  /** The first page (no `token`), or the page at `token`, appended after the `appendAt` orders shown. */
  const load = useCallback(
    async (token?: string, appendAt?: number) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setError(undefined);
      setState(token ? 'more' : 'loading');
      try {
        const page = await fetchOrders(filters, { limit: pageSize, ...(token ? { nextToken: token } : {}) }, { signal: c.signal });
        if (c.signal.aborted) return;
        if (token) setFirstNew(appendAt);
        else setCounts(page.counts);
        setOrders((previous) => (token ? [...previous, ...page.orders] : page.orders));
        setNextToken(page.nextToken);
      } catch (e) {
        if (c.signal.aborted || isCancelError(e)) return;
        failed.current = { token, appendAt };
        setError(toStoreError(e));
      } finally {
        if (!c.signal.aborted) setState('idle');
      }
    },
    [filters, pageSize],
  );

  useEffect(() => {
    void load();
    return () => controller.current?.abort();
  }, [load]);

  useEffect(() => {
    if (!liveChannel) return;
    return watchOrders(liveChannel, {
      onReady: () => undefined,
      onEvent: (event) => setOrders((shown) => (shown.some((o) => o.orderId === event.orderId && isNewer(event, o)) ? shown.map((o) => (o.orderId === event.orderId ? withEvent(o, event) : o)) : shown)),
      // The list was read when the page opened; without a socket it stays as read (a reload refreshes it).
      onFailure: () => undefined,
    });
  }, [liveChannel]);

  const more = () => void load(nextToken, orders.length);
  const retry = () => void load(failed.current.token, failed.current.appendAt);
  return { orders, counts, nextToken, state, error, firstNew, more, retry };
}
