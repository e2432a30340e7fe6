/**
 * A guest order's access token: HMAC-SHA-256 of the order id under a secret of the deployment
 * (Secrets Manager), 256 bits written as 43 base64url characters. Derived, so app-server can put it
 * in the order's link (`orderUrl`, again on a replayed request) and process-order in every e-mail,
 * without either storing it; the order keeps only its SHA-256 (`orderTokenHash`), which is what a
 * presented token is compared with, in constant time. Never logged.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ORDER_TOKEN } from '../domain/api.ts';

/** Names what the key is used for, so the same secret could never sign anything else by accident. */
const PURPOSE = 'guest-order-token/v1:';

export const hashOrderToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** True when `token` is the one whose hash the order keeps (constant time; false for any malformed token). */
export function orderTokenMatches(token: string, storedHash: string | undefined): boolean {
  if (storedHash === undefined || !ORDER_TOKEN.pattern.test(token)) return false;
  const presented = Buffer.from(hashOrderToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

export class OrderTokens {
  /** `secret`: read once and kept (a failed read is tried again on the next call). */
  constructor(private readonly readSecret: () => Promise<string>) {}
  private secret?: Promise<string>;

  async tokenFor(orderId: string): Promise<string> {
    this.secret ??= this.readSecret().catch((error: unknown) => {
      this.secret = undefined;
      throw error;
    });
    return createHmac('sha256', await this.secret)
      .update(PURPOSE + orderId)
      .digest('base64url');
  }
}
