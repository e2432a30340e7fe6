/** The short order number: what `orderNumberOf` writes, `parseOrderNumber` reads back however it is typed. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { orderNumberOf, parseOrderNumber } from '../../amplify/domain/order-rules.ts';

describe('parseOrderNumber', () => {
  it('reads back every number orderNumberOf writes, also lower-case, without dashes or with spaces', () => {
    for (let i = 0; i < 200; i++) {
      const number = orderNumberOf(randomUUID());
      expect(parseOrderNumber(number)).toBe(number);
      expect(parseOrderNumber(number.toLowerCase())).toBe(number);
      expect(parseOrderNumber(number.replace(/-/g, ''))).toBe(number);
      expect(parseOrderNumber(` ${number.replace(/-/g, ' ')} `)).toBe(number);
    }
  });

  it("takes O for 0 and I or L for 1, as Crockford's alphabet does", () => {
    expect(parseOrderNumber('oooo-iiii-llll')).toBe('0000-1111-1111');
    expect(parseOrderNumber('K7QM2X9DPB4H')).toBe('K7QM-2X9D-PB4H');
  });

  it.each(['', 'K7QM-2X9D', 'K7QM-2X9D-PB4H-0', 'K7QM-2X9D-PB4U', 'K7QM_2X9D_PB4H', 'K7QM-2X9D-PB4!', '１２３４-5678-9ABC'])(
    'refuses %j',
    (typed) => {
      expect(parseOrderNumber(typed)).toBeUndefined();
    },
  );
});
