/**
 * The order page's live socket as the cost bench's simulated customer opens it (issue 26): the
 * AppSync Events protocol against the local stand-in, as Amplify JS speaks it (connect with the
 * access token, `connection_init`, `subscribe` to the customer's channel), counting what AppSync
 * bills: the connect, the subscribe, each event delivered, and the minutes the socket is open.
 */
import WebSocket from 'ws';
import { customerChannel, EVENTS_PROTOCOL, parseStatusEvent, type OrderStatusEvent } from '../amplify/domain/live-updates.ts';

export interface LivePage {
  /** The next status event of the page's order, or undefined after `timeoutMs` (the page then reads the order). */
  next(timeoutMs: number): Promise<OrderStatusEvent | undefined>;
  close(): { deliveries: number; openMs: number };
}

/**
 * The page of `orderId`. Deliveries are counted for that order only: the bench's customers share
 * one account (the demo customer's channel), where a shopper follows one order at a time; the
 * other orders' events on the shared channel would be counted once per open page.
 */
export async function openLivePage(outputsUrl: string, accessToken: string, sub: string, orderId: string): Promise<LivePage> {
  const url = `${outputsUrl}/realtime`;
  const header = Buffer.from(JSON.stringify({ Authorization: accessToken, host: new URL(url).host })).toString('base64url');
  const opened = performance.now();
  const socket = new WebSocket(url, [EVENTS_PROTOCOL.subprotocol, `${EVENTS_PROTOCOL.headerSubprotocolPrefix}${header}`]);
  const queue: OrderStatusEvent[] = [];
  let wake: (() => void) | undefined;
  let deliveries = 0;
  const ready = new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; event?: string };
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ type: 'subscribe', id: 'page', channel: customerChannel(sub), authorization: { Authorization: accessToken } }));
      else if (message.type === 'subscribe_success') resolve();
      else if (message.type.endsWith('_error')) reject(new Error(`${message.type}: ${String(data)}`));
      else if (message.type === 'data') {
        const event = parseStatusEvent(message.event);
        if (event?.orderId !== orderId) return;
        deliveries += 1;
        queue.push(event);
        wake?.();
      }
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  });
  await ready;
  return {
    async next(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (queue.length > 0) return queue.shift();
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
      }
    },
    close() {
      socket.close();
      return { deliveries, openMs: performance.now() - opened };
    },
  };
}
