/**
 * The pure domain's rules, each pinned by an expectation written out here (not derived from the
 * module under test): statuses and transitions, order ids and numbers, shipping and pricing,
 * pagination tokens, countries, the caller, typed errors, field issues and the workflow text.
 * Written against the mutants StrykerJS left alive (`npm run mutate`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { callerFromClaims, parseGroups } from '../../amplify/domain/auth.ts';
import { categoryName, centsToAmount, findProduct, formatPrice, formatShipping } from '../../amplify/domain/catalog.ts';
import { countryName, countryOptions } from '../../amplify/domain/countries.ts';
import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  OrderNotFoundError,
  PriceChangedError,
  UnknownProductError,
  ValidationError,
} from '../../amplify/domain/errors.ts';
import {
  canCancel,
  canRefund,
  canonicalOrderId,
  canTransition,
  hasReached,
  isFinal,
  isOrderId,
  needsCompensation,
  ORDER_STATUSES,
  orderNumberOf,
  parseOrderNumber,
  refundStatusOf,
  type OrderStatus, releasesStock } from '../../amplify/domain/order-rules.ts';
import { orderMessage, parseOrderMessage } from '../../amplify/server/order-message.ts';
import { decodePageToken, encodePageToken, pageBinding } from '../../amplify/server/page-token.ts';
import { priceOrder } from '../../amplify/domain/pricing.ts';
import { centsToFreeShipping, shippingCents } from '../../amplify/domain/shipping.ts';
import { text } from '../../amplify/domain/order.ts';
import { closedObject, fieldIssues, validate } from '../../amplify/domain/validation.ts';
import { renderWorkflow } from '../../amplify/server/workflow.ts';

/** Every step the workflow and a cancellation may take, written out (from -> to). */
const ALLOWED_STEPS = new Set([
  'PENDING>PAYMENT_PROCESSED',
  'PENDING>PAYMENT_FAILED',
  'PENDING>CANCELLED',
  'PAYMENT_PROCESSED>SHIPPED',
  'PAYMENT_PROCESSED>SHIPMENT_FAILED',
  'PAYMENT_PROCESSED>CANCELLED',
  'SHIPPED>DELIVERED',
  'SHIPPED>REFUNDED',
  'DELIVERED>REFUNDED',
  'PENDING>OUT_OF_STOCK',
]);

/** thrown(fn) returns what `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('statuses', () => {
  it('allow exactly the listed steps, every other pair refused', () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) expect(canTransition(from, to), `${from}>${to}`).toBe(ALLOWED_STEPS.has(`${from}>${to}`));
    }
  });

  it('know which are final, cancellable and owed a compensation', () => {
    const pick = (test: (s: OrderStatus) => boolean) => ORDER_STATUSES.filter(test);
    expect(pick(isFinal)).toEqual(['DELIVERED', 'PAYMENT_FAILED', 'SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED', 'OUT_OF_STOCK']);
    expect(pick(releasesStock)).toEqual(['PAYMENT_FAILED', 'SHIPMENT_FAILED', 'CANCELLED', 'OUT_OF_STOCK']);
    expect(pick(canCancel)).toEqual(['PENDING', 'PAYMENT_PROCESSED']);
    expect(pick(canRefund)).toEqual(['SHIPPED', 'DELIVERED']);
    expect(pick(needsCompensation)).toEqual(['SHIPMENT_FAILED', 'CANCELLED', 'REFUNDED']);
  });

  it('say where a refund stands: owed while a charge taken is not given back, refunded once it is', () => {
    expect(refundStatusOf({ status: 'CANCELLED' })).toBeUndefined();
    expect(refundStatusOf({ status: 'CANCELLED', transactionId: 't' })).toBe('pending');
    expect(refundStatusOf({ status: 'SHIPMENT_FAILED', transactionId: 't' })).toBe('pending');
    expect(refundStatusOf({ status: 'REFUNDED', transactionId: 't' })).toBe('pending');
    expect(refundStatusOf({ status: 'REFUNDED', transactionId: 't', refundId: 'r' })).toBe('refunded');
    expect(refundStatusOf({ status: 'DELIVERED', transactionId: 't' })).toBeUndefined();
    expect(refundStatusOf({ status: 'PAYMENT_FAILED' })).toBeUndefined();
  });

  it('tell whether a status is at or past another on the happy path', () => {
    expect(hasReached('PENDING', 'PENDING')).toBe(true);
    expect(hasReached('CANCELLED', 'CANCELLED')).toBe(true);
    expect(hasReached('PAYMENT_PROCESSED', 'PENDING')).toBe(true);
    expect(hasReached('DELIVERED', 'PENDING')).toBe(true);
    expect(hasReached('PENDING', 'PAYMENT_PROCESSED')).toBe(false);
    expect(hasReached('SHIPPED', 'DELIVERED')).toBe(false);
    // Off the happy path on either side: never "reached".
    expect(hasReached('SHIPPED', 'PAYMENT_FAILED')).toBe(false);
    expect(hasReached('CANCELLED', 'PENDING')).toBe(false);
  });
});

describe('order ids', () => {
  const id = '0123abcd-4567-89ef-8123-456789abcdef';

  it('are UUID strings, in any case; nothing else is one', () => {
    expect(isOrderId(id)).toBe(true);
    expect(isOrderId(id.toUpperCase())).toBe(true);
    expect(isOrderId(`${id}0`)).toBe(false);
    // A value that only prints as an id is not one.
    expect(isOrderId({ toString: () => id })).toBe(false);
  });

  it('have one canonical (lower-case) form', () => {
    expect(canonicalOrderId(id.toUpperCase())).toBe(id);
    expect(canonicalOrderId('not-an-id')).toBeUndefined();
    expect(canonicalOrderId(undefined)).toBeUndefined();
  });
});

describe('order numbers', () => {
  it('are the 60 random bits of the id in Crockford base-32 (computed by hand), the version digit skipped', () => {
    // Hex digits 0123abcd4567 + 9ef (the "8" version digit skipped) = 0x0123abcd45679ef.
    expect(orderNumberOf('0123abcd-4567-89ef-8123-456789abcdef')).toBe('04HT-QKA5-CYFF');
    expect(orderNumberOf('0123ABCD-4567-89EF-8123-456789ABCDEF')).toBe('04HT-QKA5-CYFF');
    expect(orderNumberOf('ffffffff-ffff-4fff-bfff-ffffffffffff')).toBe('ZZZZ-ZZZZ-ZZZZ');
    expect(orderNumberOf('00000000-0000-4000-8000-000000000000')).toBe('0000-0000-0000');
  });

  it('leave an id that is no UUID as it is', () => {
    expect(orderNumberOf('o-1')).toBe('o-1');
  });

  it('are read back from what a person types, and nothing else', () => {
    expect(parseOrderNumber('04ht qka5 cyff')).toBe('04HT-QKA5-CYFF');
    expect(parseOrderNumber('o4ht-qka5-cyff')).toBe('04HT-QKA5-CYFF');
    expect(parseOrderNumber('ABCD-EFGH-JKMN')).toBe('ABCD-EFGH-JKMN');
    expect(parseOrderNumber('ABCD-EFGH-JKMNP')).toBeUndefined();
    expect(parseOrderNumber('ABCD-EFGH-JKM')).toBeUndefined();
    expect(parseOrderNumber('ABCD-EFGH-JKMU')).toBeUndefined();
    expect(parseOrderNumber('ABCD.EFGH.JKMN')).toBeUndefined();
  });
});

describe('shipping', () => {
  it('is free from $50.00, $4.99 below and nothing for nothing', () => {
    expect(shippingCents(0)).toBe(0);
    expect(shippingCents(1)).toBe(4_99);
    expect(shippingCents(49_99)).toBe(4_99);
    expect(shippingCents(50_00)).toBe(0);
    expect(shippingCents(50_01)).toBe(0);
  });

  it('tells how far a cart is from free shipping', () => {
    expect(centsToFreeShipping(40_00)).toBe(10_00);
    expect(centsToFreeShipping(50_00)).toBe(0);
    expect(centsToFreeShipping(60_00)).toBe(0);
  });
});

describe('pricing', () => {
  it('adds the flat shipping rate below the free-shipping threshold', () => {
    // prod-022 (USB-C Cable 2 m) is $9.99: 2 x 9.99 = 19.98 + 4.99.
    expect(priceOrder([{ productId: 'prod-022', quantity: 2 }])).toEqual({
      items: [{ productId: 'prod-022', name: 'USB-C Cable 2 m', quantity: 2, price: 9.99 }],
      subtotalAmount: 19.98,
      shippingAmount: 4.99,
      totalAmount: 24.97,
    });
  });

  it('ships free from the threshold up', () => {
    const priced = priceOrder([{ productId: 'prod-022', quantity: 6 }]);
    expect(priced).toMatchObject({ subtotalAmount: 59.94, shippingAmount: 0, totalAmount: 59.94 });
  });

  it('names the line whose product name is not the catalog one', () => {
    const error = thrown(() =>
      priceOrder([
        { productId: 'prod-022', quantity: 1, name: 'USB-C Cable 2 m' },
        { productId: 'prod-021', quantity: 1, name: 'Charger' },
      ]),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('Item does not match the catalog');
    expect((error as ValidationError).details).toEqual([{ path: 'items.1.name', message: 'Product prod-021 is "65 W USB-C Charger"' }]);
  });

  it('takes the price the shopper saw when it still is the catalog one', () => {
    expect(priceOrder([{ productId: 'prod-022', quantity: 1, price: 9.99 }]).totalAmount).toBe(14.98);
  });
});

describe('page tokens', () => {
  // Computed in each test, not while the file loads: StrykerJS treats code run at load as static.
  const bind = () => pageBinding('sub-1', { status: 'PENDING', customerId: 'c-1' });

  it('bind the caller and the query, whatever the order of its keys', () => {
    const binding = bind();
    expect(binding).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(pageBinding('sub-1', { customerId: 'c-1', status: 'PENDING' })).toBe(binding);
    expect(pageBinding('sub-2', { status: 'PENDING', customerId: 'c-1' })).not.toBe(binding);
    expect(pageBinding('sub-1', { status: 'SHIPPED', customerId: 'c-1' })).not.toBe(binding);
    // An absent filter is not the same query as a filter on the text "undefined" or "null".
    expect(pageBinding('sub-1', { status: undefined })).not.toBe(pageBinding('sub-1', { status: 'null' }));
    expect(pageBinding('sub-1', { status: undefined })).not.toBe(pageBinding('sub-1', {}));
  });

  it('give back the position for the same binding only', () => {
    const binding = bind();
    const position = { pk: 'PENDING', sk: '2026-01-01' };
    const token = encodePageToken(position, binding);
    expect(decodePageToken(token, binding)).toEqual(position);
    expect(() => decodePageToken(token, 'other')).toThrow(ValidationError);
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['null', Buffer.from('null').toString('base64url')],
    ['a number', Buffer.from('42').toString('base64url')],
    ['no position', Buffer.from(JSON.stringify({ b: 'x' })).toString('base64url')],
  ])('refuse %s as a 400 naming nextToken', (_, token) => {
    const error = thrown(() => decodePageToken(token, 'x'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('Invalid pagination token');
    expect((error as ValidationError).details).toEqual([{ path: 'nextToken', message: 'Not a token this API issued for this list' }]);
  });
});

describe('countries', () => {
  it('read a code as its English name and keep anything else as written', () => {
    expect(countryName('ES')).toBe('Spain');
    expect(countryName('Spain')).toBe('Spain');
    expect(countryName('es')).toBe('es');
    expect(countryName('ESP')).toBe('ESP');
    // A code the runtime has no name for stays the code.
    expect(countryName('QZ')).toBe('QZ');
  });

  it('offer every canonical country code, A to Z, sorted by name, without groupings or aliases', () => {
    const options = countryOptions();
    const codes = options.map((o) => o.code);
    expect(options).toContainEqual({ code: 'AD', name: 'Andorra' });
    expect(options).toContainEqual({ code: 'ZW', name: 'Zimbabwe' });
    expect(options).toContainEqual({ code: 'GB', name: 'United Kingdom' });
    for (const excluded of ['UK', 'EU', 'UN', 'ZZ', 'QO', 'AN', 'QZ']) expect(codes).not.toContain(excluded);
    expect(options[0]).toEqual({ code: 'AF', name: 'Afghanistan' });
    const names = options.map((o) => o.name);
    expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y, 'en')));
    expect(options.length).toBeGreaterThan(240);
  });
});

describe('the caller', () => {
  it('reads groups split by commas or spaces, brackets and blanks dropped', () => {
    expect(parseGroups(' ADMINS , other ')).toEqual(['ADMINS', 'other']);
    expect(parseGroups('[ADMINS]')).toEqual(['ADMINS']);
    expect(parseGroups('')).toEqual([]);
    expect(parseGroups(42)).toEqual([]);
    expect(parseGroups([1, 'a'])).toEqual(['1', 'a']);
    // Only a bracket around the whole list is dropped.
    expect(parseGroups('ad[min,x]y')).toEqual(['ad[min', 'x]y']);
  });

  it('needs a non-empty sub and e-mail; verified only when the claim says true', () => {
    const claims = { sub: 's-1', email: 'a@example.com' };
    expect(callerFromClaims({ ...claims, sub: '' })).toBeUndefined();
    expect(callerFromClaims({ ...claims, email: '' })).toBeUndefined();
    expect(callerFromClaims({ ...claims, sub: 1 })).toBeUndefined();
    expect(callerFromClaims({ ...claims, email: ['a@example.com'] })).toBeUndefined();
    expect(callerFromClaims(claims)?.emailVerified).toBe(false);
    expect(callerFromClaims({ ...claims, email_verified: 'false' })?.emailVerified).toBe(false);
    expect(callerFromClaims({ ...claims, email_verified: true })?.emailVerified).toBe(true);
  });
});

describe('typed errors', () => {
  it('carry the name Step Functions and the handler match on, and say what happened', () => {
    const cases: [Error, string, string][] = [
      [new ValidationError('Bad', []), 'ValidationError', 'Bad'],
      [new UnknownProductError('p-9', 3), 'ValidationError', 'Unknown product'],
      [new OrderNotFoundError('o-1'), 'OrderNotFoundError', 'Order o-1 not found'],
      [new InvalidTransitionError('o-1', 'SHIPPED', 'PENDING'), 'InvalidTransitionError', 'Order o-1 cannot move from SHIPPED to PENDING'],
      [new IdempotencyKeyReusedError(), 'IdempotencyKeyReusedError', 'This Idempotency-Key was already used with a different request'],
      [new PriceChangedError([]), 'PriceChangedError', 'Prices changed since the cart was filled; confirm the current prices'],
      [new ForbiddenError('Not yours', []), 'ForbiddenError', 'Not yours'],
    ];
    for (const [error, name, message] of cases) {
      expect(error.name).toBe(name);
      expect(error.message).toBe(message);
    }
    expect(new UnknownProductError('p-9', 3).details).toEqual([{ path: 'items.3.productId', message: 'No product with id "p-9"' }]);
    expect(new OrderNotFoundError('o-1').orderId).toBe('o-1');
  });
});

describe('field issues', () => {
  const schema = closedObject({ name: v.string('Must be text'), tags: v.array(v.string('Must be text')) });

  it('name each field by its dotted path, under a prefix, and the whole value as (body)', () => {
    expect(validate(schema, { name: 1, tags: ['a', 2] }, ['line'])).toEqual({
      success: false,
      issues: [
        { path: 'line.name', message: 'Must be text' },
        { path: 'line.tags.1', message: 'Must be text' },
      ],
    });
    expect(validate(schema, 'text')).toEqual({ success: false, issues: [{ path: '(body)', message: 'Must be an object' }] });
    expect(fieldIssues([{ message: 'Nope' } as v.BaseIssue<unknown>])).toEqual([{ path: '(body)', message: 'Nope' }]);
  });

  it("word an unknown key's issue as valibot's strictObject does", () => {
    const entries = { name: v.string() };
    const ours = v.safeParse(closedObject(entries), { name: 'a', x: 1 });
    const valibots = v.safeParse(v.strictObject(entries), { name: 'a', x: 1 });
    const shape = (issues: readonly v.BaseIssue<unknown>[] | undefined) =>
      issues?.map(({ kind, type, expected, path }) => ({ kind, type, expected, path: path?.map(({ type, origin, key, value }) => ({ type, origin, key, value })) }));
    expect(shape(ours.issues)).toEqual(shape(valibots.issues));
    expect(shape(ours.issues)?.[0]).toMatchObject({ expected: 'never', path: [{ type: 'object', origin: 'key', key: 'x', value: 1 }] });
  });

  it('run the same checks through the Standard Schema interface', async () => {
    const closed = closedObject({ name: v.string() });
    const result = await closed['~standard'].validate({ name: 'a', x: 1 });
    expect(result.issues?.map((issue) => [issue.message, issue.path?.map((item) => (typeof item === 'object' ? item.key : item))])).toEqual([['Unknown field', ['x']]]);
    expect(await closed['~standard'].validate({ name: 'a' })).toMatchObject({ value: { name: 'a' } });
    expect(closed['~standard'].vendor).toBe('valibot');
  });

  it('count the characters of a text after trimming, and say the limit', () => {
    expect(validate(text(5), ' abcdef ')).toEqual({ success: false, issues: [{ path: '(body)', message: 'At most 5 characters' }] });
    expect(validate(text(5), ' abcde ')).toEqual({ success: true, output: 'abcde' });
  });

  it('take no array for an object and name every unknown key', () => {
    expect(validate(schema, [])).toEqual({ success: false, issues: [{ path: '(body)', message: 'Must be an object' }] });
    expect(validate(schema, { name: 'a', tags: [], x: 1, y: 2 })).toEqual({
      success: false,
      issues: [
        { path: 'x', message: 'Unknown field' },
        { path: 'y', message: 'Unknown field' },
      ],
    });
    expect(validate(schema, { tags: [] })).toEqual({ success: false, issues: [{ path: 'name', message: 'Required' }] });
    expect(validate(schema, { name: 'a', tags: [] })).toEqual({ success: true, output: { name: 'a', tags: [] } });
  });
});

describe('the workflow definition', () => {
  it("has the process-order function's ARN wherever the file has the placeholder, and no placeholder left", () => {
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:process-order';
    const raw = readFileSync('amplify/workflow/order-workflow.asl.json', 'utf8');
    const placeholders = raw.split('${ProcessOrderFunctionArn}').length - 1;
    expect(placeholders).toBeGreaterThan(0);
    const rendered = renderWorkflow(arn);
    expect(rendered).not.toContain('${ProcessOrderFunctionArn}');
    expect(rendered.split(arn).length - 1).toBe(placeholders);
    // The placeholder is replaced whole: each value naming the function is exactly its ARN.
    const values: string[] = [];
    JSON.parse(rendered, (_key, value: unknown) => (typeof value === 'string' && value.includes(arn) && values.push(value), value));
    expect(values.length).toBe(placeholders);
    expect(new Set(values)).toEqual(new Set([arn]));
    expect(JSON.parse(rendered)).toHaveProperty('StartAt');
  });
});

describe('the catalog', () => {
  it('finds a product by id, names a category and writes amounts as a shopper reads them', () => {
    expect(findProduct('prod-022')).toEqual({
      productId: 'prod-022',
      categoryId: 'power',
      name: 'USB-C Cable 2 m',
      description: 'Braided, 100 W charging and 10 Gb/s data.',
      priceCents: 9_99,
      image: '/products/prod-022.svg',
    });
    expect(findProduct('prod-999')).toBeUndefined();
    expect(categoryName('audio')).toBe('Audio');
    expect(categoryName('carry')).toBe('Bags & travel');
    expect(categoryName('nope')).toBeUndefined();
    expect(centsToAmount(1_999)).toBe(19.99);
    expect(formatPrice(0.5)).toBe('$0.50');
    expect(formatShipping(0)).toBe('Free');
    expect(formatShipping(4.99)).toBe('$4.99');
  });
});

describe('queue messages', () => {
  const id = '0123abcd-4567-89ef-8123-456789abcdef';

  it('are exactly {"orderId": ...}, read back in the canonical (lower-case) form', () => {
    expect(orderMessage(id)).toBe(`{"orderId":"${id}"}`);
    expect(parseOrderMessage(`{"orderId":"${id.toUpperCase()}"}`)).toEqual({ orderId: id });
    expect(parseOrderMessage(`{"orderid":"${id}"}`)).toBeUndefined();
    expect(parseOrderMessage(`{"other":"${id}"}`)).toBeUndefined();
    expect(parseOrderMessage('"text"')).toBeUndefined();
    expect(parseOrderMessage('{')).toBeUndefined();
  });
});
