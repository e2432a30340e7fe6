/**
 * The shared text rule (`text()` in amplify/domain/order.ts), the header map the local API Gateway
 * builds, and the handler's reading of a body: one rule for the API and the checkout form.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../amplify/functions/app-server/http.ts';
import * as v from 'valibot';
import { createOrderRequestSchema, orderIdSchema, text, TEXT_MESSAGES } from '../../amplify/domain/order.ts';
import { validate } from '../../amplify/domain/validation.ts';
import { parseOrderMessage } from '../../amplify/server/order-message.ts';
import { createApiGateway, listen, parseTarget, proxyHeaders } from '../../local/api-gateway/api-gateway.ts';
import { Outbox } from '../../local/ses/outbox.ts';
import { validateCheckout, EMPTY_FORM } from '../../src/lib/checkout.ts';
import { orderRequest } from '../fixtures.ts';
import { tempDataDir } from '../helpers/stack.ts';
import { readdirSync, rmSync } from 'node:fs';

const name = text(100);
const messageOf = (value: string) => {
  const result = validate(name, value);
  return result.success ? undefined : result.issues[0]!.message;
};

describe('text(): only clean text', () => {
  it.each([
    ['U+200B zero width space', '\u200b'],
    ['U+200D zero width joiner', '\u200d'],
    ['U+2060 word joiner', '\u2060'],
    ['U+00AD soft hyphen', '\u00ad'],
    ['U+034F combining grapheme joiner', '\u034f'],
    ['U+3164 Hangul filler', '\u3164'],
    ['U+2800 braille blank', '\u2800'],
    ['U+180E Mongolian vowel separator', '\u180e'],
    ['LRM + RLM', '\u200e\u200f'],
    ['variation selector', '\ufe0f'],
    ['several of them', '\u200b\u3164\u2800\u00ad'],
  ])('refuses a value made only of %s', (_, value) => {
    expect(messageOf(value)).toBe(TEXT_MESSAGES.invisible);
  });

  it.each([
    ['a lone U+202E', '\u202e'],
    ['an override inside a name', 'Ana \u202eaícraG'],
    ['an embedding', 'Calle \u202aMayor\u202c 1'],
    ['an isolate', 'Madrid \u2066x\u2069'],
    ['U+2067 right-to-left isolate', '\u2067Ana'],
  ])('refuses bidi controls: %s', (_, value) => {
    expect(messageOf(value)).toBe(TEXT_MESSAGES.bidi);
  });

  it('refuses U+FFFD, what a decoder leaves of bytes that were not text', () => {
    expect(messageOf('Ana Garc\ufffd')).toBe(TEXT_MESSAGES.unprintable);
  });

  it('keeps real text in any script, NFC-normalized', () => {
    expect(v.parse(name, 'Jose\u0301')).toBe('Jos\u00e9');
    expect(v.parse(name, 'Jose\u0301').length).toBe(4);
    for (const value of ['李小龙', 'محمد', 'Zoë', '😀', '#1', 'O’Brien', 'Ana\u200dMaría']) expect(v.parse(name, value)).toBe(value.normalize('NFC'));
  });

  it('counts the maximum length after normalization', () => {
    expect(validate(text(4), 'Jose\u0301').success).toBe(true);
  });

  it('applies to every customer-visible field of an order', () => {
    for (const path of ['customerName', 'shippingAddress.street', 'shippingAddress.city', 'shippingAddress.state', 'shippingAddress.country']) {
      const request: any = orderRequest();
      const keys = path.split('.');
      const last = keys.pop()!;
      keys.reduce((node, key) => node[key], request)[last] = '\u200b\u200b';
      const result = validate(createOrderRequestSchema, request);
      expect(result.success, path).toBe(false);
      expect(!result.success && result.issues).toContainEqual({ path, message: TEXT_MESSAGES.invisible });
    }
  });

  it('gives the checkout form the same message', () => {
    const lines = [{ productId: 'prod-001', name: 'Wireless Headphones', price: 129.99, quantity: 1 }];
    const form = { ...EMPTY_FORM, customerName: '\u3164', city: 'Ma\u202edrid' };
    const { fieldErrors } = validateCheckout(form, 'customer-001', lines as never);
    expect(fieldErrors.customerName).toBe(TEXT_MESSAGES.invisible);
    expect(fieldErrors.city).toBe(TEXT_MESSAGES.bidi);
  });
});

describe('order ids in one canonical form', () => {
  it('lower-cases an order id wherever one is read', () => {
    const upper = '6F1C1A52-3F0E-4C59-9D1A-0B9D5C8E7A11';
    expect(v.parse(orderIdSchema, upper)).toBe(upper.toLowerCase());
    expect(parseOrderMessage(JSON.stringify({ orderId: upper }))).toEqual({ orderId: upper.toLowerCase() });
  });
});

describe('the local API Gateway event', () => {
  it('builds headers and multiValueHeaders as API Gateway does', () => {
    const { headers, multiValueHeaders } = proxyHeaders(['Content-Type', 'application/json', 'X-Trace', '1', 'content-type', 'text/plain', '__proto__', 'x']);
    expect(Object.entries(headers)).toEqual([['Content-Type', 'text/plain'], ['X-Trace', '1'], ['__proto__', 'x']]);
    expect(Object.entries(multiValueHeaders)).toEqual([['Content-Type', ['application/json', 'text/plain']], ['X-Trace', ['1']], ['__proto__', ['x']]]);
    expect(Object.getPrototypeOf(headers)).toBeNull();
  });

  it.each(['//', '//[', '//%zz', '/orders/../health', 'http://127.0.0.1:1/health?x=1'])('reads the request target %s as a path', (target) => {
    expect(parseTarget(target)?.origin).toBe('http://localhost');
  });

  it.each(['*', '', 'orders', 'javascript:alert(1)', undefined])('has no path for the request target %s', (target) => {
    expect(parseTarget(target)).toBeUndefined();
  });
});

describe("the handler's reading of a body", () => {
  const event = (multiValueHeaders: Record<string, string[]>, body: string, isBase64Encoded = false) =>
    ({
      headers: Object.fromEntries(Object.entries(multiValueHeaders).map(([k, v]) => [k, v.at(-1)])),
      multiValueHeaders,
      body,
      isBase64Encoded,
    }) as unknown as APIGatewayProxyEvent;
  const statusOf = (e: APIGatewayProxyEvent) => {
    try {
      readJsonBody(e);
      return 200;
    } catch (error) {
      return (error as { statusCode: number }).statusCode;
    }
  };

  it('refuses Content-Type values that disagree, in either order and in any case', () => {
    expect(statusOf(event({ 'Content-Type': ['application/json', 'text/plain'] }, '{}'))).toBe(415);
    expect(statusOf(event({ 'Content-Type': ['text/plain', 'application/json'] }, '{}'))).toBe(415);
    expect(statusOf(event({ 'Content-Type': ['application/json'], 'content-type': ['text/plain'] }, '{}'))).toBe(415);
    expect(statusOf(event({ 'Content-Type': ['application/json', 'application/json'] }, '{}'))).toBe(200);
  });

  it('decodes the body as strict UTF-8', () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]).toString('base64');
    expect(statusOf(event({ 'Content-Type': ['application/json'] }, bad, true))).toBe(400);
    const good = Buffer.from('{"a":"ñ"}').toString('base64');
    expect(statusOf(event({ 'Content-Type': ['application/json'] }, good, true))).toBe(200);
  });
});

describe('the outbox', () => {
  it('names a file only by the time, a valid order id (else "account") and a generated id', () => {
    const dir = tempDataDir();
    try {
      const outbox = new Outbox(dir);
      const mail = { from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' };
      for (const bad of ['/../../../outside/pwned', '..', '', 42, 'a'.repeat(36)]) expect(outbox.write({ ...mail, orderId: bad, kind: 'order-shipped' })).toMatchObject({ orderId: '', kind: 'account' });
      const written = outbox.write({ ...mail, orderId: '6F1C1A52-3F0E-4C59-9D1A-0B9D5C8E7A11', kind: 'order-shipped' });
      expect(written).toMatchObject({ orderId: '6f1c1a52-3f0e-4c59-9d1a-0b9d5c8e7a11', kind: 'order-shipped' });
      const files = readdirSync(dir, { recursive: true }).map(String).sort();
      expect(files.filter((f) => f.includes('6f1c1a52'))).toEqual([expect.stringMatching(/^outbox\/[^/]+_6f1c1a52-3f0e-4c59-9d1a-0b9d5c8e7a11_[0-9a-f-]{36}\.eml$/)]);
      expect(files.every((f) => f === 'outbox' || /^outbox\/[^/]+_(account|6f1c1a52-3f0e-4c59-9d1a-0b9d5c8e7a11)_[0-9a-f-]{36}\.eml$/.test(f))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('local routes of the API Gateway emulator', () => {
  it('run a destructive route only for a POST with the X-Local-Action header, from no other site', async () => {
    let runs = 0;
    const server = createApiGateway({
      handler: async () => {
        throw new Error('not an API request');
      },
      localRoutes: { '/_local/reset': { destructive: true, run: () => ({ reset: ++runs }) } },
      allowedOrigins: ['http://127.0.0.1:5173'],
      log: () => undefined,
    });
    const port = await listen(server, 0);
    const call = (init: RequestInit) => fetch(`http://127.0.0.1:${port}/_local/reset`, init).then((r) => r.status);
    try {
      expect(await call({ method: 'GET' })).toBe(405);
      expect(await call({ method: 'POST' })).toBe(403);
      expect(await call({ method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })).toBe(403);
      expect(await call({ method: 'POST', headers: { 'X-Local-Action': 'reset', Origin: 'http://evil.example' } })).toBe(403);
      expect(await call({ method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'POST' } })).toBe(405);
      expect(runs).toBe(0);
      expect(await call({ method: 'POST', headers: { 'X-Local-Action': 'reset' } })).toBe(200);
      expect(runs).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
