/**
 * The order page's order, kept current: live status events when signed in, else polling with
 * back-off until it reaches a final state (useLiveOrder, and followOrder that does the work).
 */
import type { Dispatch, MutableRefObject, SetStateAction } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { Account } from '../../auth/account.ts';
import type { Order } from '../../../amplify/domain/order.ts';
import { inCancelWindow } from '../../../amplify/domain/order-rules.ts';
import { isNewer, withEvent } from '../../../amplify/domain/live-updates.ts';
import { fetchOrder, isCancelError, toStoreError, type StoreError } from '../../lib/api.ts';
import { settlePendingOrder } from '../../lib/pending-order.ts';
import { placedOrder, takePlacedOrder } from '../../lib/placed-order.ts';
import { AFTER_CANCEL_WINDOW_MS, FIRST_POLL_AFTER_CHECKOUT_MS, keepsPolling, pollDelay } from '../../lib/timeline.ts';
import { FALLBACK_POLL, liveChannelOf, watchOrders } from '../../lib/live-orders.ts';

/** Where followOrder puts what it learns: the order shown, the last error, the last status read. */
interface OrderSink {
  setOrder: Dispatch<SetStateAction<Order | undefined>>;
  setError: Dispatch<SetStateAction<StoreError | undefined>>;
  lastStatus: MutableRefObject<string | undefined>;
}

/**
 * The order, kept current. Signed in (issue 26): the account's live channel (AppSync Events) is
 * watched; once it is up the order is read once (`GET /orders/{id}`, for what happened before),
 * then every newer status event updates it, with no further request. A guest, or a socket that
 * could not be had or was lost, polls instead: a guest at once, or, for the order the checkout
 * just placed, after showing the POST's answer for `FIRST_POLL_AFTER_CHECKOUT_MS`; then 1 s, 1.5x
 * longer each time nothing changed (max 10 s; after a lost socket `FALLBACK_POLL`, slower), until
 * shipped or final and no refund is owed (`keepsPolling`).
 */
export function useLiveOrder(orderId: string, account: Account | undefined) {
  const [order, setOrder] = useState<Order | undefined>(() => placedOrder(orderId));
  const [error, setError] = useState<StoreError>();
  const [retry, setRetry] = useState(0);
  const lastStatus = useRef<string>();
  const stopPolling = useRef<() => void>();
  const channel = liveChannelOf(account);
  useEffect(() => {
    const stop = followOrder(orderId, channel, { setOrder, setError, lastStatus });
    stopPolling.current = stop;
    return stop;
  }, [orderId, retry, channel]);
  /**
   * An answer from elsewhere (a cancel, staff's refund): a poll still in flight must not bring back
   * the old status; polling (or watching) starts again while the answer still has a step to come (a refund owed).
   */
  const replace = (next: Order) => {
    stopPolling.current?.();
    lastStatus.current = next.status;
    setOrder(next);
    if (keepsPolling(next) || channel) setRetry((n) => n + 1);
  };
  return { order, error, retry: () => setRetry((n) => n + 1), replace };
}

/** Starts following one order (watching `channel` when there is one, else polling); returns what stops it. */
function followOrder(orderId: string, channel: string | undefined, { setOrder, setError, lastStatus }: OrderSink): () => void {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  /** `live`: events keep the order current (no polling); `fallback`: the socket failed, poll slowly. */
  let mode: 'poll' | 'live' | 'fallback' = 'poll';
  let unwatch: (() => void) | undefined;
  const stop = () => {
    controller.abort();
    unwatch?.();
    if (timer) clearTimeout(timer);
  };
  const schedule = (delayMs: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
  };
  const tick = async () => {
    try {
      const next = await fetchOrder(orderId, { signal: controller.signal });
      if (controller.signal.aborted) return;
      // An event newer than this read (it raced the request) is kept.
      setOrder((shown) => (shown && mode === 'live' && isNewer(shown, next) && shown.orderId === next.orderId ? shown : next));
      setError(undefined);
      settlePendingOrder(next.orderId, next.status);
      if (next.status !== lastStatus.current) attempt = 0;
      lastStatus.current = next.status;
      if (mode === 'live') return;
      if (!keepsPolling(next)) {
        // Held for its cancel window: one more look once it has closed (the order ships then).
        if (inCancelWindow(next)) schedule(Date.parse(next.cancellableUntil!) - Date.now() + AFTER_CANCEL_WINDOW_MS);
        return;
      }
    } catch (e) {
      if (controller.signal.aborted || isCancelError(e)) return;
      const storeError = toStoreError(e);
      setError(storeError);
      if (storeError.status === 404 || storeError.status === 400) return;
      if (mode === 'live') return schedule(pollDelay(attempt++, FALLBACK_POLL));
    }
    schedule(mode === 'fallback' ? pollDelay(attempt++, FALLBACK_POLL) : pollDelay(attempt++));
  };
  // Just placed at checkout: the POST's answer is shown, and the first GET waits for the workflow.
  const placed = takePlacedOrder(orderId);
  if (placed) {
    setOrder(placed);
    lastStatus.current = placed.status;
  }
  if (channel) {
    unwatch = watchOrders(channel, {
      onReady: () => {
        mode = 'live';
        void tick();
      },
      onEvent: (event) => {
        if (event.orderId !== orderId) return;
        setOrder((shown) => (shown && isNewer(event, shown) ? withEvent(shown, event) : shown));
        settlePendingOrder(event.orderId, event.status);
      },
      onFailure: () => {
        if (controller.signal.aborted) return;
        mode = 'fallback';
        attempt = 0;
        schedule(0);
      },
    });
  } else if (placed) schedule(FIRST_POLL_AFTER_CHECKOUT_MS);
  else void tick();
  return stop;
}
