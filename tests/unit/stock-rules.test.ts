/**
 * Stock as the shopper, the staff and the server read it (amplify/domain/inventory.ts), pure: the
 * state and label of a quantity, the lines of a cart that are short (a product on two lines counted
 * once), the 409's details, and the staff's stock change, each rule with the field it names. Starts
 * nothing (the reservations against DynamoDB are in inventory.test.ts), so the domain's mutation
 * piece (`MUTATE_TESTS=pure`) runs it.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../amplify/domain/errors.ts';
import {
  availableOf,
  CATALOG_CACHE_CONTROL,
  OutOfStockError,
  parseStockChange,
  shortageIssue,
  shortLines,
  StockMovedError,
  stockLabel,
  stockState,
} from '../../amplify/domain/inventory.ts';

/** The field paths and messages of a refused stock change, or `[]` if it was taken. */
function refused(body: unknown): { path: string; message: string }[] {
  try {
    parseStockChange(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('Invalid stock change');
    return (error as ValidationError).details;
  }
  return [];
}
const paths = (body: unknown) => refused(body).map((issue) => issue.path);

describe('a quantity as the storefront shows it', () => {
  it('out at 0 or below, low up to the threshold (5 unless given), in above', () => {
    expect([-3, 0, 1, 5, 6].map((n) => stockState(n))).toEqual(['out', 'out', 'low', 'low', 'in']);
    expect([2, 3, 4].map((n) => stockState(n, 3))).toEqual(['low', 'low', 'in']);
    expect(stockState(0, 0)).toBe('out');
    expect(stockLabel(0, 0)).toBe('Out of stock');
    expect(stockLabel(1, 0)).toBeUndefined();
    expect(stockLabel(3, 3)).toBe('Only 3 left');
    expect(stockLabel(4, 3)).toBeUndefined();
  });

  it('a product with no stock recorded counts as what it will be seeded with, never as out of stock', () => {
    expect(availableOf(undefined)).toBe(10_000);
    expect(availableOf({ available: 0 })).toBe(0);
    expect(availableOf({ available: 7 })).toBe(7);
  });

  it('the catalog is cached at the edge for 30 s and never in the browser', () => {
    expect(CATALOG_CACHE_CONTROL).toBe('public, max-age=0, s-maxage=30');
  });
});

describe('the lines of an order over what is available', () => {
  const stock = (levels: Record<string, number>) => (productId: string) => levels[productId] ?? 0;

  it('a line within stock is not short, one asking for exactly what is left neither', () => {
    expect(shortLines([{ productId: 'a', quantity: 3 }], stock({ a: 3 }))).toEqual([]);
    expect(shortLines([], stock({}))).toEqual([]);
  });

  it('each short line with its index, its quantity and what is left for it', () => {
    expect(shortLines([{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 4 }], stock({ a: 9, b: 3 }))).toEqual([{ index: 1, productId: 'b', quantity: 4, available: 3 }]);
  });

  it('a product on two lines is counted once: the second line is short by what the first took', () => {
    const lines = [
      { productId: 'a', quantity: 2 },
      { productId: 'b', quantity: 1 },
      { productId: 'a', quantity: 2 },
      { productId: 'a', quantity: 1 },
    ];
    expect(shortLines(lines, stock({ a: 3, b: 5 }))).toEqual([
      { index: 2, productId: 'a', quantity: 2, available: 1 },
      { index: 3, productId: 'a', quantity: 1, available: 0 },
    ]);
  });

  it('stock below zero (oversold by a staff change) reads as none left, never negative', () => {
    expect(shortLines([{ productId: 'a', quantity: 1 }], stock({ a: -4 }))).toEqual([{ index: 0, productId: 'a', quantity: 1, available: 0 }]);
    expect(shortLines([{ productId: 'a', quantity: 5 }, { productId: 'a', quantity: 1 }], stock({ a: 2 }))).toEqual([
      { index: 0, productId: 'a', quantity: 5, available: 2 },
      { index: 1, productId: 'a', quantity: 1, available: 0 },
    ]);
  });

  it('the 409 names each short line\u2019s quantity with what is available', () => {
    expect(shortageIssue({ index: 2, productId: 'a', quantity: 4, available: 0 })).toEqual({ path: 'items.2.quantity', message: 'Out of stock', productId: 'a', available: 0 });
    expect(shortageIssue({ index: 0, productId: 'b', quantity: 4, available: 3 })).toEqual({ path: 'items.0.quantity', message: 'Only 3 available', productId: 'b', available: 3 });
    const error = new OutOfStockError([
      { index: 0, productId: 'a', quantity: 2, available: 1 },
      { index: 1, productId: 'b', quantity: 1, available: 0 },
    ]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OutOfStockError');
    expect(error.message).toBe('Not enough stock for every line; lower the quantities or remove the lines');
    expect(error.details.map((d) => [d.path, d.message])).toEqual([
      ['items.0.quantity', 'Only 1 available'],
      ['items.1.quantity', 'Out of stock'],
    ]);
  });

  it('a new quantity made on stale stock says what it expected and what the stock holds now', () => {
    const error = new StockMovedError('mug', 7, 4);
    expect(error.name).toBe('StockMovedError');
    expect([error.productId, error.expected, error.available]).toEqual(['mug', 7, 4]);
    expect(error.message).toBe('Product mug has 4 available, not the 7 the change expected: the stock moved since it was read');
  });
});

describe('the staff\u2019s stock change', () => {
  it('a new quantity, an adjustment, or a new quantity with what it replaces; the reason trimmed', () => {
    expect(parseStockChange({ available: 0, reason: 'Count' })).toEqual({ available: 0, reason: 'Count' });
    expect(parseStockChange({ available: 1_000_000, reason: '  Delivery\u00a0in ' })).toEqual({ available: 1_000_000, reason: 'Delivery\u00a0in' });
    expect(parseStockChange({ delta: 1_000_000, reason: 'In' })).toEqual({ delta: 1_000_000, reason: 'In' });
    expect(parseStockChange({ delta: -1_000_000, reason: 'Out' })).toEqual({ delta: -1_000_000, reason: 'Out' });
    expect(parseStockChange({ available: 5, expected: 0, reason: 'Count' })).toEqual({ available: 5, expected: 0, reason: 'Count' });
    expect(parseStockChange({ available: 5, expected: 1_000_000, reason: 'Count' })).toEqual({ available: 5, expected: 1_000_000, reason: 'Count' });
    expect(parseStockChange({ available: 5, reason: 'x'.repeat(200) }).reason).toHaveLength(200);
    // NFC: a decomposed accent counts as one character.
    expect(parseStockChange({ available: 5, reason: 'Cafe\u0301' }).reason).toBe('Caf\u00e9');
  });

  it('not an object: the body is wrong', () => {
    for (const body of [null, [], 'available=5', 5, undefined]) expect(refused(body)).toEqual([{ path: 'body', message: 'Must be a JSON object' }]);
  });

  it('exactly one of available and delta', () => {
    const message = 'Give either available (the new quantity) or delta (an adjustment), not both';
    expect(refused({ reason: 'x' })).toEqual([{ path: 'available', message }]);
    expect(refused({ available: 1, delta: 1, reason: 'x' })).toEqual([{ path: 'available', message }]);
  });

  it('a new quantity from 0 to a million, whole', () => {
    const issue = [{ path: 'available', message: 'Must be a whole number from 0 to 1000000' }];
    for (const available of [-1, 1_000_001, 1.5, '5', Number.NaN, 2 ** 53]) expect(refused({ available, reason: 'x' })).toEqual(issue);
  });

  it('an adjustment other than 0, at most a million either way, whole', () => {
    const issue = [{ path: 'delta', message: 'Must be a whole number other than 0, at most 1000000 either way' }];
    for (const delta of [0, 1_000_001, -1_000_001, 0.5, '3', null]) expect(refused({ delta, reason: 'x' })).toEqual(issue);
  });

  it('what a new quantity replaces: only with a new quantity, from 0 to a million, whole', () => {
    expect(refused({ delta: 2, expected: 7, reason: 'x' })).toEqual([{ path: 'expected', message: 'Only with available (a new quantity): an adjustment moves the stock from whatever it holds' }]);
    const issue = [{ path: 'expected', message: 'Must be a whole number from 0 to 1000000: the available units you saw' }];
    for (const expected of [-1, 1_000_001, 2.5, '7', null]) expect(refused({ available: 5, expected, reason: 'x' })).toEqual(issue);
  });

  it('a reason of 1 to 200 characters on one line', () => {
    const issue = [{ path: 'reason', message: 'Required: at most 200 characters on one line' }];
    for (const reason of [undefined, '', '   ', 7, 'x'.repeat(201), 'a\nb', 'tab\there', 'bell\u0007']) expect(refused({ available: 1, reason })).toEqual(issue);
  });

  it('unknown fields are named, each, alongside the other issues', () => {
    expect(paths({ available: 1, reason: 'x', extra: true, note: 'n' })).toEqual(['extra', 'note']);
    expect(paths({ available: -1, expected: -1, other: 1 })).toEqual(['other', 'available', 'expected', 'reason']);
  });
});
