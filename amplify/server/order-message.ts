/**
 * The message `app-server` puts on the order queue: `{"orderId": "..."}`.
 * Checked by hand rather than with a schema: `order-starter` needs nothing else from validation,
 * and stays an SDK-only bundle (see docs/performance.md, "Bundles").
 */
import { canonicalOrderId } from '../domain/order-rules.ts';

export interface OrderMessage {
  orderId: string;
}

export const orderMessage = (orderId: string): string => JSON.stringify({ orderId } satisfies OrderMessage);

/** The message in `body`, or undefined when it is not JSON of exactly that shape. */
export function parseOrderMessage(body: string): OrderMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  // Stryker disable next-line ConditionalExpression: equivalent for the typeof test: a primitive has no keys and no orderId
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const orderId = canonicalOrderId((value as Record<string, unknown>).orderId);
  // Stryker disable next-line ConditionalExpression: equivalent for keys[0]: a single key with a valid orderId is `orderId`
  return keys.length === 1 && keys[0] === 'orderId' && orderId ? { orderId } : undefined;
}
