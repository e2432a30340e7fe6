/**
 * app-server's HTTP rules (`amplify/functions/app-server/http.ts`), called directly: the JSON
 * answer, the body's media type, size, encoding and syntax, the Idempotency-Key header, the
 * `GET /orders` query string (dates as days or instants, limits, tokens, order numbers) and the
 * route patterns behind 404/405. Each refusal is checked with its status and the field it names.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { API_LIMITS, IDEMPOTENCY_KEY_HEADER } from '../../amplify/domain/api.ts';
import { ValidationError } from '../../amplify/domain/errors.ts';
import { orderIdSchema } from '../../amplify/domain/order.ts';
import { allowedMethods, ApiError, errorBody, json, listOrdersQuerySchema, parseWith, readIdempotencyKey, readJsonBody } from '../../amplify/functions/app-server/http.ts';

/** An event with these headers (single values in `headers`, or lists in `multiValueHeaders`). */
function event(options: { headers?: Record<string, string | undefined>; multi?: Record<string, string[]>; body?: string | null; base64?: boolean }): APIGatewayProxyEvent {
  return {
    headers: options.headers ?? {},
    multiValueHeaders: options.multi ?? {},
    body: options.body === undefined ? '{}' : options.body,
    isBase64Encoded: options.base64 ?? false,
  } as unknown as APIGatewayProxyEvent;
}

/** What `fn` threw, as `{ status, error, details }`, or 'ok'. */
function refusal(fn: () => unknown): { status: number; error: string; details: unknown[] } | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError) return { status: error.statusCode, error: error.message, details: error.details };
    if (error instanceof ValidationError) return { status: 400, error: error.message, details: error.details };
    throw error;
  }
}

describe('json, errorBody and ApiError', () => {
  it('answers JSON that is never cached, with any extra headers', () => {
    expect(json(201, { a: 1 }, { Location: '/x' })).toEqual({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Location: '/x' },
      body: '{"a":1}',
    });
    expect(json(200, [1]).headers).toEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  });

  it('shapes every error as { error, details }', () => {
    expect(errorBody('Nope')).toEqual({ error: 'Nope', details: [] });
    const error = new ApiError(418, 'Teapot');
    expect({ name: error.name, status: error.statusCode, message: error.message, details: error.details, headers: error.headers }).toEqual({
      name: 'ApiError',
      status: 418,
      message: 'Teapot',
      details: [],
      headers: {},
    });
  });

  it('parseWith returns the parsed value or a ValidationError naming the field under its prefix', () => {
    const id = '0b6e4a3c-1d2f-4e5a-8b7c-9d0e1f2a3b4c';
    expect(parseWith(orderIdSchema, id, 'order id')).toBe(id);
    const failed = refusal(() => parseWith(orderIdSchema, 'nope', 'order id', ['orderId']));
    expect(failed).toMatchObject({ status: 400, error: 'Invalid order id', details: [{ path: 'orderId', message: expect.any(String) }] });
  });
});

describe('readJsonBody', () => {
  const jsonType = { 'Content-Type': 'application/json' };

  it('reads JSON sent as application/json, in any case, with parameters, from either header map', () => {
    expect(readJsonBody(event({ headers: jsonType, body: '{"a":1}' }))).toEqual({ a: 1 });
    expect(readJsonBody(event({ headers: { 'content-type': ' Application/JSON ; charset=utf-8' }, body: '[1]' }))).toEqual([1]);
    expect(readJsonBody(event({ multi: { 'CONTENT-TYPE': ['application/json'] }, body: '"x"' }))).toBe('x');
    // multiValueHeaders wins over headers (API Gateway fills both; the list is complete).
    expect(readJsonBody(event({ headers: { 'Content-Type': 'text/plain' }, multi: { 'Content-Type': ['application/json'] }, body: '1' }))).toBe(1);
    expect(readJsonBody(event({ headers: { 'Content-Type': undefined, 'content-type': 'application/json' }, body: '2' }))).toBe(2);
  });

  it('refuses another or a missing media type with 415 naming Content-Type', () => {
    const unsupported = { status: 415, error: 'Unsupported media type', details: [{ path: 'Content-Type', message: 'Must be application/json' }] };
    for (const type of ['text/plain', 'application/jsonx', 'text/application/json', 'application/json-patch+json', '']) {
      expect(refusal(() => readJsonBody(event({ headers: { 'Content-Type': type } })))).toEqual(unsupported);
    }
    expect(refusal(() => readJsonBody(event({})))).toEqual(unsupported);
    expect(refusal(() => readJsonBody(event({ multi: { 'Content-Type': ['application/json', 'text/plain'] } })))).toEqual({
      status: 415,
      error: 'Conflicting media types',
      details: [{ path: 'Content-Type', message: 'Send exactly one Content-Type: application/json' }],
    });
    // The same type twice, written differently, is one type.
    expect(readJsonBody(event({ multi: { 'Content-Type': ['application/json', ' APPLICATION/JSON'] }, body: '3' }))).toBe(3);
  });

  it(`takes up to ${API_LIMITS.maxBodyBytes} bytes (counted after base64 decoding) and refuses more with 413`, () => {
    const fits = `"${'a'.repeat(API_LIMITS.maxBodyBytes - 2)}"`;
    expect(readJsonBody(event({ headers: jsonType, body: fits }))).toHaveLength(API_LIMITS.maxBodyBytes - 2);
    expect(refusal(() => readJsonBody(event({ headers: jsonType, body: `${fits} ` })))).toEqual({
      status: 413,
      error: 'Request body too large',
      details: [{ path: '(body)', message: `At most ${API_LIMITS.maxBodyBytes} bytes` }],
    });
    // Multi-byte characters count as bytes.
    expect(refusal(() => readJsonBody(event({ headers: jsonType, body: `"${'ñ'.repeat(API_LIMITS.maxBodyBytes / 2)}"` })))).toMatchObject({ status: 413 });
    expect(readJsonBody(event({ headers: jsonType, body: Buffer.from('{"b":2}').toString('base64'), base64: true }))).toEqual({ b: 2 });
  });

  it('refuses invalid UTF-8, an empty body and malformed JSON with 400 naming the body', () => {
    const invalidUtf8 = Buffer.from([0x22, 0xc3, 0x28, 0x22]).toString('base64');
    expect(refusal(() => readJsonBody(event({ headers: jsonType, body: invalidUtf8, base64: true })))).toEqual({
      status: 400,
      error: 'Body is not valid UTF-8',
      details: [{ path: '(body)', message: 'Must be UTF-8 encoded JSON' }],
    });
    for (const body of [null, '', ' \n ']) {
      expect(refusal(() => readJsonBody(event({ headers: jsonType, body })))).toEqual({ status: 400, error: 'Missing request body', details: [{ path: '(body)', message: 'Required' }] });
    }
    expect(refusal(() => readJsonBody(event({ headers: jsonType, body: '{"a":' })))).toEqual({ status: 400, error: 'Malformed JSON', details: [{ path: '(body)', message: 'Not valid JSON' }] });
  });
});

describe('readIdempotencyKey', () => {
  const read = (value: string | undefined) => readIdempotencyKey(event({ headers: { [IDEMPOTENCY_KEY_HEADER]: value } }), IDEMPOTENCY_KEY_HEADER);
  const invalid = { status: 400, error: 'Invalid Idempotency-Key', details: [{ path: IDEMPOTENCY_KEY_HEADER, message: `1 to ${API_LIMITS.maxIdempotencyKeyLength} visible ASCII characters` }] };

  it(`is optional, and 1 to ${API_LIMITS.maxIdempotencyKeyLength} visible ASCII characters`, () => {
    expect(read(undefined)).toBeUndefined();
    expect(readIdempotencyKey(event({}), IDEMPOTENCY_KEY_HEADER)).toBeUndefined();
    expect(read('k')).toBe('k');
    expect(read('!~')).toBe('!~');
    expect(read('x'.repeat(API_LIMITS.maxIdempotencyKeyLength))).toHaveLength(API_LIMITS.maxIdempotencyKeyLength);
    for (const bad of ['', 'x'.repeat(API_LIMITS.maxIdempotencyKeyLength + 1), 'a b', 'clé', 'a\tb']) expect(refusal(() => read(bad))).toEqual(invalid);
  });

  it('reads the last value sent, whatever the case of the header name', () => {
    expect(readIdempotencyKey(event({ multi: { 'idempotency-key': ['first', 'second'] } }), IDEMPOTENCY_KEY_HEADER)).toBe('second');
  });
});

describe('the GET /orders query string', () => {
  const parse = (query: Record<string, string>) => parseWith(listOrdersQuerySchema, query, 'query parameters');
  const refused = (query: Record<string, string>) => refusal(() => parse(query));

  it('reads a day as the whole day in UTC and an instant with an offset as UTC', () => {
    expect(parse({ from: '2026-11-29', to: '2026-11-30' })).toEqual({ from: '2026-11-29T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' });
    expect(parse({ from: '2026-11-29T10:00:00+02:00', to: '2026-11-29T10:00:00.5Z' })).toEqual({ from: '2026-11-29T08:00:00.000Z', to: '2026-11-29T10:00:00.500Z' });
    expect(parse({ from: '2026-11-29', to: '2026-11-29' })).toEqual({ from: '2026-11-29T00:00:00.000Z', to: '2026-11-29T23:59:59.999Z' });
  });

  it('takes only days that exist: 29 February in leap years, every month its own length', () => {
    for (const day of ['2024-02-29', '2000-02-29', '2400-02-29', '1996-02-29', '2026-01-31', '2026-04-30', '2026-12-31', '2026-02-28', '2026-10-01', '2026-11-19', '2026-09-20']) {
      expect(parse({ from: day }).from).toBe(`${day}T00:00:00.000Z`);
    }
    for (const day of ['2026-02-29', '1900-02-29', '2100-02-29', '2026-04-31', '2026-02-30', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '26-01-01', '2026-1-01', 'x2026-01-01', '2026-01-01x']) {
      expect(refused({ from: day })).toEqual({ status: 400, error: 'Invalid query parameters', details: [{ path: 'from', message: 'A date (YYYY-MM-DD) or an ISO-8601 date-time' }] });
    }
    for (const instant of ['2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '2026-01-01T23:59:60Z', '2026-01-01T10:00:00', '2026-01-01T10:00Z', '2026-01-01T10:00:00+24:00', '2026-01-01T10:00:00+02:60', '2026-01-01T10:00:00.Z']) {
      expect(refused({ to: instant })).toMatchObject({ status: 400, details: [{ path: 'to' }] });
    }
    expect(parse({ to: '2026-01-01T23:59:59-23:59' }).to).toBe('2026-01-02T23:58:59.000Z');
  });

  it('refuses a "to" before "from", naming "to"', () => {
    expect(refused({ from: '2026-11-30', to: '2026-11-29' })).toEqual({ status: 400, error: 'Invalid query parameters', details: [{ path: 'to', message: 'Must not be before from' }] });
    expect(parse({ from: '2026-11-30T10:00:00Z', to: '2026-11-30T10:00:00Z' })).toEqual({ from: '2026-11-30T10:00:00.000Z', to: '2026-11-30T10:00:00.000Z' });
    expect(parse({ from: '2026-11-30' })).toEqual({ from: '2026-11-30T00:00:00.000Z' });
    expect(parse({ to: '2026-11-30' })).toEqual({ to: '2026-11-30T23:59:59.999Z' });
  });

  it(`takes a limit from 1 to ${API_LIMITS.maxPageSize}`, () => {
    expect(parse({ limit: '1' })).toEqual({ limit: 1 });
    expect(parse({ limit: String(API_LIMITS.maxPageSize) })).toEqual({ limit: API_LIMITS.maxPageSize });
    expect(refused({ limit: '0' })).toMatchObject({ details: [{ path: 'limit', message: 'At least 1' }] });
    expect(refused({ limit: String(API_LIMITS.maxPageSize + 1) })).toMatchObject({ details: [{ path: 'limit', message: `At most ${API_LIMITS.maxPageSize}` }] });
    for (const bad of ['1000', '-1', '1.5', 'ten', '', ' 1']) {
      expect(refused({ limit: bad })).toMatchObject({ details: [{ path: 'limit', message: `A whole number from 1 to ${API_LIMITS.maxPageSize}` }] });
    }
  });

  it(`takes a nextToken of 1 to ${API_LIMITS.maxPageTokenLength} characters`, () => {
    expect(parse({ nextToken: 't' })).toEqual({ nextToken: 't' });
    expect(parse({ nextToken: 't'.repeat(API_LIMITS.maxPageTokenLength) }).nextToken).toHaveLength(API_LIMITS.maxPageTokenLength);
    expect(refused({ nextToken: '' })).toMatchObject({ details: [{ path: 'nextToken', message: 'Required' }] });
    expect(refused({ nextToken: 't'.repeat(API_LIMITS.maxPageTokenLength + 1) })).toMatchObject({ details: [{ path: 'nextToken', message: `At most ${API_LIMITS.maxPageTokenLength} characters` }] });
  });

  it('takes a status of the order statuses, and a customer id', () => {
    expect(parse({ status: 'SHIPPED', customerId: 'c-1' })).toEqual({ status: 'SHIPPED', customerId: 'c-1' });
    expect(refused({ status: 'LOST' })).toMatchObject({ details: [{ path: 'status', message: expect.stringMatching(/^One of: PENDING, .*CANCELLED, REFUNDED, OUT_OF_STOCK$/) }] });
  });

  it('reads an order number as typed, on its own only', () => {
    expect(parse({ orderNumber: 'k7qm 2x9d pb4h' })).toEqual({ orderNumber: 'K7QM-2X9D-PB4H' });
    expect(parse({ orderNumber: 'K7QM-2X9D-PB4H', customerId: 'c-1' })).toEqual({ orderNumber: 'K7QM-2X9D-PB4H', customerId: 'c-1' });
    expect(refused({ orderNumber: 'K7QM' })).toMatchObject({ details: [{ path: 'orderNumber', message: 'An order number looks like K7QM-2X9D-PB4H' }] });
    expect(refused({ orderNumber: `${'-'.repeat(29)}K7QM2X9DPB4H` })).toMatchObject({ details: [{ path: 'orderNumber', message: 'At most 40 characters' }] });
    const alone = { details: [{ path: 'orderNumber', message: 'An order number is searched on its own (no status, dates, customerEmail or nextToken)' }] };
    const extras: Record<string, string>[] = [{ status: 'SHIPPED' }, { from: '2026-11-29' }, { to: '2026-11-29' }, { nextToken: 't' }, { customerEmail: 'a@example.com' }];
    for (const extra of extras) {
      expect(refused({ orderNumber: 'K7QM-2X9D-PB4H', ...extra })).toMatchObject(alone);
    }
  });

  it('reads a customer e-mail (staff search), trimmed, not with a customer id', () => {
    expect(parse({ customerEmail: ' ana@example.com ' })).toEqual({ customerEmail: 'ana@example.com' });
    expect(refused({ customerEmail: 'ana' })).toMatchObject({ status: 400, details: [{ path: 'customerEmail' }] });
    expect(refused({ customerEmail: 'ana@example.com', customerId: 'c-1' })).toMatchObject({
      details: [{ path: 'customerEmail', message: 'Search by customerEmail or by customerId, not both' }],
    });
  });

  it('refuses an unknown parameter', () => {
    expect(refused({ sort: 'asc' })).toMatchObject({ status: 400, details: [{ path: 'sort' }] });
    expect(parse({})).toEqual({});
  });
});

describe('allowedMethods', () => {
  it('knows each route template, with or without a trailing slash, and nothing else', () => {
    expect(allowedMethods('/orders')).toEqual(['GET', 'POST']);
    expect(allowedMethods('/orders/')).toEqual(['GET', 'POST']);
    expect(allowedMethods('/orders/abc')).toEqual(['GET']);
    expect(allowedMethods('/orders/abc/cancel')).toEqual(['POST']);
    expect(allowedMethods('/health')).toEqual(['GET']);
    for (const path of ['/orders/a/b', '/orders//cancel', '/nope', '/x/orders', '/orders/abc/cancel/x', '/healthz', '']) expect(allowedMethods(path)).toBeUndefined();
  });
});
