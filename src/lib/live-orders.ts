/**
 * Live order status in the storefront (issue 26): a subscription to an order channel of AppSync
 * Events (`events` of aws-amplify/data, loaded when first needed), as the outputs' `custom.events`
 * configures it. A customer watches `/orders/<sub>`, staff `/orders/*` (every order: the wildcard takes each customer's channel).
 *
 * The caller is told when the subscription is ready (then it reads what it shows once: events
 * published before that are not replayed), of every status event (parsed; anything else is
 * dropped), and when the socket could not be had or was lost (then it polls slowly instead).
 */
import { Amplify } from 'aws-amplify';
import { customerChannel, parseStatusEvent, STAFF_CHANNEL, type OrderStatusEvent } from '../../amplify/domain/live-updates.ts';

/** Without a ready subscription within this, the page reads and polls as it would without one. */
export const LIVE_READY_TIMEOUT_MS = 5_000;

/** The slow polling that replaces live updates when the socket fails (a signed-in order page). */
export const FALLBACK_POLL = { initial: 5_000, factor: 1.5, max: 30_000 } as const;

export interface LiveWatcher {
  /** The subscription is up: read once now. */
  onReady(): void;
  onEvent(event: OrderStatusEvent): void;
  /** No socket (none configured, refused, lost): poll instead. */
  onFailure(error: unknown): void;
}

/** The channel a signed-in account watches, or none (a guest: they poll). */
export function liveChannelOf(account: { sub: string; isStaff: boolean } | undefined): string | undefined {
  if (!account) return undefined;
  return account.isStaff ? STAFF_CHANNEL : customerChannel(account.sub);
}

/** Whether the outputs configured live updates (`custom.events`). */
export function liveConfigured(): boolean {
  return Boolean((Amplify.getConfig().API as { Events?: { endpoint?: string } } | undefined)?.Events?.endpoint);
}

/** Watches `channel` until the returned stop is called; every callback after a stop is dropped. */
export function watchOrders(channel: string, watcher: LiveWatcher): () => void {
  let state: 'connecting' | 'live' | 'failed' | 'stopped' = 'connecting';
  let close: (() => void) | undefined;
  /** Before or after the subscription was up: once, and the page polls from then on. */
  const fail = (error: unknown) => {
    if (state === 'failed' || state === 'stopped') return;
    state = 'failed';
    clearTimeout(timeout);
    close?.();
    watcher.onFailure(error);
  };
  const timeout = setTimeout(() => fail(new Error('The live subscription was not ready in time')), LIVE_READY_TIMEOUT_MS);
  void (async () => {
    try {
      if (!liveConfigured()) throw new Error('No live updates configured');
      const { events } = await import('aws-amplify/data');
      const connection = await events.connect(channel);
      close = () => void connection.close();
      if (state !== 'connecting') return void connection.close();
      const subscription = connection.subscribe({
        next: (message: { event?: unknown }) => {
          const event = parseStatusEvent(message.event);
          if (event && state === 'live') watcher.onEvent(event);
        },
        error: fail,
      });
      close = () => {
        subscription.unsubscribe();
        void connection.close();
      };
      await subscription.ready;
      if (state !== 'connecting') return;
      state = 'live';
      clearTimeout(timeout);
      watcher.onReady();
    } catch (error) {
      fail(error);
    }
  })();
  return () => {
    state = 'stopped';
    clearTimeout(timeout);
    close?.();
  };
}
