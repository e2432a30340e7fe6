/** A guest order's token: derived per order and secret, 256 bits, compared by hash in constant time. */
import { describe, expect, it } from 'vitest';
import { ORDER_TOKEN } from '../../amplify/domain/api.ts';
import { orderPageUrl } from '../../amplify/domain/notification.ts';
import { hashOrderToken, orderTokenMatches, OrderTokens } from '../../amplify/server/order-token.ts';

const ORDER_A = '6f1c1a52-3f0e-4c59-9d1a-0b9d5c8e7a11';
const ORDER_B = '6f1c1a52-3f0e-4c59-9d1a-0b9d5c8e7a12';

describe('OrderTokens', () => {
  it('derives one 43-character (256-bit) token per order and secret', async () => {
    const tokens = new OrderTokens(async () => 'secret-one');
    const a = await tokens.tokenFor(ORDER_A);
    expect(a).toMatch(ORDER_TOKEN.pattern);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(await tokens.tokenFor(ORDER_A)).toBe(a);
    expect(await tokens.tokenFor(ORDER_B)).not.toBe(a);
    expect(await new OrderTokens(async () => 'secret-two').tokenFor(ORDER_A)).not.toBe(a);
  });

  it('reads the secret once, and again after a failed read', async () => {
    let reads = 0;
    const tokens = new OrderTokens(async () => {
      reads += 1;
      if (reads === 1) throw new Error('throttled');
      return 'secret';
    });
    await expect(tokens.tokenFor(ORDER_A)).rejects.toThrow('throttled');
    const token = await tokens.tokenFor(ORDER_A);
    await tokens.tokenFor(ORDER_B);
    expect(reads).toBe(2);
    expect(token).toBe(await new OrderTokens(async () => 'secret').tokenFor(ORDER_A));
  });
});

describe('orderTokenMatches', () => {
  it('accepts the token whose hash is stored, nothing else', async () => {
    const token = await new OrderTokens(async () => 'secret').tokenFor(ORDER_A);
    const stored = hashOrderToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(orderTokenMatches(token, stored)).toBe(true);
    expect(orderTokenMatches(token, undefined)).toBe(false);
    expect(orderTokenMatches(token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), stored)).toBe(false);
    expect(orderTokenMatches(stored, stored)).toBe(false);
    expect(orderTokenMatches(`${token} `, stored)).toBe(false);
    expect(orderTokenMatches(token, stored.slice(0, 62))).toBe(false);
  });
});

describe('orderPageUrl', () => {
  it("puts a guest order's token after the # (never sent to a server), and none otherwise", () => {
    expect(orderPageUrl('https://shop.example/', ORDER_A)).toBe(`https://shop.example/#/orders/${ORDER_A}`);
    expect(orderPageUrl('https://shop.example', ORDER_A, 'a-b_c')).toBe(`https://shop.example/#/orders/${ORDER_A}?token=a-b_c`);
  });
});
