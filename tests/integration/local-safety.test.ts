/**
 * The local stack is safe to run on a laptop on any network, and no request can stop it (issue 9).
 * Against `npm start`'s script in a child process (the stack and the storefront, as a user runs
 * them):
 * - every socket its process tree listens on, read from /proc/net/tcp and tcp6, is a loopback one;
 * - another web site (an `Origin`, a `Sec-Fetch-*` header, a rebound `Host`) can read nothing: not
 *   the API's answers, not `/_local/*`, not the local DynamoDB, SQS/SNS or Step Functions;
 * - each hostile request (malformed targets, aborted and stalled bodies, 17 KB headers, a slow
 *   client, bytes that are not UTF-8, two Content-Types) gets a JSON 4xx and a log line, and an
 *   order placed right after it is still delivered;
 * - a message on the outbox queue cannot choose the file it is written to or forge header lines.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEAD_LETTERS_PATH, LOCAL_MAILBOX_PATH } from '../../local/api-gateway/api-gateway.ts';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { SesMailer } from '../../amplify/server/aws/ses-mailer.ts';
import { orderRequest } from '../fixtures.ts';
import { npmStartRunner, READY_MS } from '../helpers/npm-start.ts';
import { startTestStack } from '../helpers/stack.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'orders-safety-'));
const runner = npmStartRunner(dir);
const dataDir = runner.dataDir;
const BODY_TIMEOUT_MS = 1000;
let child: ChildProcess;
/** What `npm start` printed so far. */
let output = () => '';
const urls = { api: '', web: '', dynamodb: '', sqs: '', sfn: '', ses: '' };
const port = (url: string) => Number(new URL(url).port);

beforeAll(async () => {
  const running = await runner.start({
    LOCAL_DELIVERY_WAIT_MS: '0',
    LOCAL_RETRY_INTERVAL_MS: '20',
    LOCAL_VISIBILITY_TIMEOUT_SECONDS: '1',
    LOCAL_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
  });
  child = running.process;
  output = running.output;
  Object.assign(urls, { api: running.apiUrl, web: running.webUrl, dynamodb: running.dynamodbUrl, sqs: running.sqsUrl, sfn: running.sfnUrl, ses: running.sesUrl });
  // Every /orders route wants the demo customer's ID token (the authorizer answers 401 before any
  // of the checks below would run).
  idToken = await runner.signIn('customer');
}, READY_MS + 30_000);

let idToken = '';

afterAll(async () => {
  await runner.killLeftovers();
  rmSync(dir, { recursive: true, force: true });
});

/** The stack is still up: not exited, and an order placed now reaches DELIVERED. */
async function placeAndDeliver(): Promise<void> {
  expect(child.exitCode, output()).toBeNull();
  const response = await fetch(new URL('orders', urls.api), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: idToken },
    body: JSON.stringify(orderRequest()),
  });
  expect(response.status).toBe(201);
  const { orderId } = (await response.json()) as { orderId: string };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const order = (await (await fetch(new URL(`orders/${orderId}`, urls.api), { headers: { Authorization: idToken } })).json()) as { status: string };
    if (order.status === 'DELIVERED') return;
    if (Date.now() > deadline) throw new Error(`order ${orderId} still ${order.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// Listening sockets
// ---------------------------------------------------------------------------------------------

/** The process and all its descendants (Vite's helpers, if any), from /proc/<pid>/stat. */
function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** Socket inodes the processes hold open. */
function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return inodes;
}

/** `0100007F` (little-endian IPv4) or 32 hex digits (IPv6, four little-endian words) as text. */
function decodeAddress(hex: string): string {
  const bytes = (word: string) => word.match(/../g)!.map((b) => parseInt(b, 16)).reverse();
  if (hex.length === 8) return bytes(hex).join('.');
  const all = hex.match(/.{8}/g)!.flatMap(bytes);
  if (all.slice(0, 10).every((b) => b === 0) && all[10] === 0xff && all[11] === 0xff) return `::ffff:${all.slice(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((all[2 * i]! << 8) | all[2 * i + 1]!).toString(16));
  return groups.join(':').replace(/\b(?:0:)+0\b|^(?:0:)+|(?::0)+$/, '::').replace(/:{3,}/, '::');
}

const isLoopback = (address: string) => /^127\./.test(address) || /^::ffff:127\./.test(address) || address === '::1';

/** Listening TCP sockets (state 0A) among `inodes`, as `address:port`. */
function listeningSockets(inodes: Set<string>): { address: string; port: number }[] {
  const found: { address: string; port: number }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9]!)) continue;
      const [addressHex, portHex] = cols[1]!.split(':') as [string, string];
      found.push({ address: decodeAddress(addressHex), port: parseInt(portHex, 16) });
    }
  }
  return found;
}

describe('listening sockets', () => {
  it('decodes /proc/net addresses', () => {
    expect(decodeAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeAddress('00000000')).toBe('0.0.0.0');
    expect(decodeAddress('00000000000000000000000001000000')).toBe('::1');
    expect(decodeAddress('00000000000000000000000000000000')).toBe('::');
    expect(decodeAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('::')).toBe(false);
  });

  it('are all on the loopback interface, one per local server', () => {
    const sockets = listeningSockets(socketInodes(processTree(child.pid!)));
    console.log(`npm start listens on: ${sockets.map((s) => `${s.address}:${s.port}`).join(', ')}`);
    const exposed = sockets.filter((s) => !isLoopback(s.address));
    expect(exposed, 'sockets listening beyond loopback').toEqual([]);
    // The API, the storefront and the AWS stand-ins, each found by its printed port.
    const ports = sockets.map((s) => s.port);
    for (const url of Object.values(urls)) expect(ports, url).toContain(port(url));
  });

  it('are all on the loopback interface also with the counting proxies of the tests and the benchmark', async () => {
    const stack = await startTestStack({ instrument: true });
    try {
      const sockets = listeningSockets(socketInodes([process.pid]));
      console.log(`instrumented stack listens on: ${sockets.map((s) => `${s.address}:${s.port}`).join(', ')}`);
      expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
      const ports = sockets.map((s) => s.port);
      const proxies = Object.values(stack.services!).length;
      expect(proxies).toBe(5);
      for (const url of [stack.apiUrl, ...Object.values(stack.endpoints)]) expect(ports).toContain(port(url));
      expect(sockets.length).toBeGreaterThanOrEqual(4 + 3);
    } finally {
      await stack.stop();
      stack.removeData();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Other web sites
// ---------------------------------------------------------------------------------------------

const EVIL = 'http://evil.example';

/** A request as given (node:http keeps Host and Origin as set; fetch would not). */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const target = new URL(url);
  const body = options.body;
  const head = [
    `${options.method ?? 'GET'} ${options.path ?? target.pathname + target.search} HTTP/1.1`,
    ...Object.entries({ Host: target.host, Connection: 'close', ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }), ...options.headers }).map(
      ([name, value]) => `${name}: ${value}`,
    ),
  ].join('\r\n');
  return rawSocket(port(url), Buffer.concat([Buffer.from(`${head}\r\n\r\n`), Buffer.from(body ?? '')]));
}

/** Writes bytes to a port and reads the answer until the server closes the connection. */
function rawSocket(
  toPort: number,
  bytes: Buffer | string,
  { abortAfterWrite = false, timeoutMs = 15_000 } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(toPort, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      let payload = rest.join('\r\n\r\n');
      if (headers['transfer-encoding'] === 'chunked') payload = dechunk(payload);
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, text: payload });
    });
    socket.write(bytes, () => {
      if (abortAfterWrite) socket.destroy();
    });
  });
}

/** A chunked body's data (sizes are in bytes; the answers here are ASCII JSON). */
function dechunk(text: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const lineEnd = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!size) return out;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

describe('another web site', () => {
  it('cannot read the API: CORS answers only the storefront origin', async () => {
    const storefront = urls.web.replace(/\/$/, '');
    const mine = await raw(new URL('health', urls.api).toString(), { headers: { Origin: storefront } });
    expect(mine.headers['access-control-allow-origin']).toBe(storefront);
    const theirs = await raw(new URL('orders', urls.api).toString(), { headers: { Origin: EVIL, Authorization: idToken } });
    expect(theirs.status).toBe(200);
    expect(theirs.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await raw(new URL('orders', urls.api).toString(), {
      method: 'OPTIONS',
      headers: { Origin: EVIL, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([LOCAL_MAILBOX_PATH, LOCAL_DEAD_LETTERS_PATH])('cannot read %s, from another origin or under another host name', async (route) => {
    const url = new URL(route, urls.api).toString();
    const storefront = urls.web.replace(/\/$/, '');
    const own = await raw(url, { headers: { Origin: storefront } });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBe(storefront);

    for (const headers of <Record<string, string>[]>[{ Origin: EVIL }, { Origin: 'null' }, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' }, { Host: `evil.example:${port(urls.api)}` }, { Host: `localhost:${port(urls.api) + 1}` }]) {
      const answer = await raw(url, { headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'Forbidden', details: [{ path: expect.any(String), message: expect.any(String) }] });
      expect(answer.text).not.toContain('messages');
    }
    // No preflight succeeds, so no cross-origin POST or custom header ever reaches a local route.
    const preflight = await raw(url, { method: 'OPTIONS', headers: { Origin: EVIL, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const post = await raw(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    expect(post.status).toBe(405);
  });

  it('refuses the whole API under a rebound host name', async () => {
    const answer = await raw(new URL('orders', urls.api).toString(), { headers: { Host: `attacker.example:${port(urls.api)}` } });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text).details[0].path).toBe('Host');
  });

  it.each([
    ['DynamoDB', () => urls.dynamodb, { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables' }, '{}'],
    ['SQS', () => urls.sqs, { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ListQueues' }, '{}'],
    ['SNS', () => urls.sqs, { 'Content-Type': 'application/x-www-form-urlencoded' }, 'Action=ListTopics&Version=2010-03-31'],
    ['Step Functions', () => urls.sfn, { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.ListExecutions' }, '{}'],
  ] as const)('cannot reach the local %s', async (_, url, headers, body) => {
    const preflight = await raw(url(), {
      method: 'OPTIONS',
      headers: { Origin: EVIL, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-amz-target' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    for (const extra of <Record<string, string>[]>[{ Origin: EVIL }, { Origin: 'null' }, { 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Site': 'cross-site' }, { Host: `rebound.example:${port(url())}` }]) {
      const answer = await raw(url(), { method: 'POST', headers: { ...headers, ...extra }, body });
      expect(answer.status, JSON.stringify(extra)).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.text).not.toMatch(/TableNames|QueueUrls|Topics|executions/);
    }
    // The same request without a browser's headers reaches the service (dynalite then wants a
    // signature: 400, the others answer); the SDK test below signs its requests.
    const sdkLike = await raw(url(), { method: 'POST', headers, body });
    expect(sdkLike.status).not.toBe(403);
  });

  it('still serves the AWS SDK', async () => {
    const dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: urls.dynamodb });
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: urls.sqs });
    try {
      expect((await dynamo.send(new ListTablesCommand({}))).TableNames?.length).toBeGreaterThan(0);
      expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls?.length).toBeGreaterThan(0);
    } finally {
      dynamo.destroy();
      sqs.destroy();
    }
  });

  it('cannot use the storefront dev server under a rebound host name or read it from another site', async () => {
    const answer = await raw(urls.web, { headers: { Host: `rebound.example:${port(urls.web)}` } });
    expect(answer.status).toBe(403);
    // Nor read its sources from another site (Vite's default CORS allows loopback origins only).
    const source = await raw(new URL('src/main.tsx', urls.web).toString(), { headers: { Origin: EVIL } });
    expect(source.headers['access-control-allow-origin']).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile requests: each answered in JSON, and an order still goes through
// ---------------------------------------------------------------------------------------------

/** A raw request, signed in (an Authorization header with the demo customer's ID token). */
const request = (line: string, headers: Record<string, string>, body = '') =>
  `${line}\r\n${Object.entries({ ...headers, Authorization: idToken })
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n${body}`;
const host = () => `127.0.0.1:${port(urls.api)}`;
const notUtf8 = Buffer.concat([Buffer.from(JSON.stringify(orderRequest()).replace('Ana García', 'Ana Garc__')), Buffer.alloc(0)]);
// The two placeholder bytes become 0xC3 0x28: a lead byte without its continuation.
notUtf8[notUtf8.indexOf('__')] = 0xc3;
notUtf8[notUtf8.indexOf('_')] = 0x28;

describe('no request stops the stack', () => {
  const cases: [name: string, bytes: () => Buffer | string, status: number][] = [
    ['GET //', () => request('GET // HTTP/1.1', { Host: host(), Connection: 'close' }), 404],
    ['GET //[', () => request('GET //[ HTTP/1.1', { Host: host(), Connection: 'close' }), 404],
    ['GET //%zz', () => request('GET //%zz HTTP/1.1', { Host: host(), Connection: 'close' }), 404],
    ['GET // from an <img> on another site', () => request('GET // HTTP/1.1', { Host: host(), Connection: 'close', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' }), 404],
    ['GET * (asterisk form)', () => request('GET * HTTP/1.1', { Host: host(), Connection: 'close' }), 400],
    ['a request line that is not HTTP', () => 'HELLO THERE\r\n\r\n', 400],
    ['a 17 KB header', () => request('GET /health HTTP/1.1', { Host: host(), 'X-Padding': 'a'.repeat(17 * 1024) }), 431],
    ['a body that is not UTF-8', () => Buffer.concat([Buffer.from(request('POST /orders HTTP/1.1', { Host: host(), Connection: 'close', 'Content-Type': 'application/json', 'Content-Length': String(notUtf8.length) })), notUtf8]), 400],
    ...(
      [
        ['application/json', 'text/plain'],
        ['text/plain', 'application/json'],
      ] as const
    ).map(([first, second]): [string, () => string, number] => [
      `two Content-Type headers (${first}, then ${second})`,
      () => {
        const body = JSON.stringify(orderRequest());
        return `POST /orders HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: ${idToken}\r\nConnection: close\r\nContent-Type: ${first}\r\ncontent-type: ${second}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      },
      415,
    ]),
  ];

  it.each(cases.map(([name, bytes, status]) => ({ name, bytes, status })))('$name: JSON $status, then an order is delivered', async ({ bytes, status }) => {
    const answer = await rawSocket(port(urls.api), bytes());
    expect(answer.status, answer.text).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text);
    expect(body.error).toEqual(expect.any(String));
    expect(Array.isArray(body.details)).toBe(true);
    await placeAndDeliver();
  });

  it('a POST body dropped midway (Content-Length 1000, 14 bytes, close), then an order is delivered', async () => {
    const head = request('POST /orders HTTP/1.1', { Host: host(), 'Content-Type': 'application/json', 'Content-Length': '1000' }, '{"customerId":');
    await rawSocket(port(urls.api), head, { abortAfterWrite: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await placeAndDeliver();
    expect(output()).toMatch(/\[local\] api: 400 POST \/orders: Request body aborted/);
  });

  it('a stalled body gets a JSON 408 after the body timeout, and orders go through meanwhile', async () => {
    const head = request('POST /orders HTTP/1.1', { Host: host(), 'Content-Type': 'application/json', 'Content-Length': '1000' }, '{"customerId":');
    const started = Date.now();
    const stalled = rawSocket(port(urls.api), head);
    await placeAndDeliver();
    const answer = await stalled;
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.text).details[0].path).toBe('(body)');
    expect(Date.now() - started).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
    await placeAndDeliver();
  });

  it('a slow client (headers one byte at a time) gets a JSON 408, and orders go through meanwhile', async () => {
    const bytes = request('GET /health HTTP/1.1', { Host: host(), 'X-Slow': 'x'.repeat(200) });
    const socket = net.connect(port(urls.api), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < bytes.length - 4 && !socket.destroyed) socket.write(bytes[sent++]!);
    }, 50);
    try {
      await placeAndDeliver();
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('slow client never cut off')), 15_000))]);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).error).toBe('Request timeout');
    await placeAndDeliver();
  });

  it('the local AWS services survive the same requests, and an order is delivered after them', async () => {
    for (const url of [urls.dynamodb, urls.sqs, urls.sfn, urls.web]) {
      expect(child.exitCode, output().slice(-3000)).toBeNull();
      const hostHeader = `127.0.0.1:${port(url)}`;
      const attempts = [
        request('GET //[ HTTP/1.1', { Host: hostHeader, Connection: 'close' }),
        request('POST //%zz HTTP/1.1', { Host: hostHeader, Connection: 'close', 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': '2' }, '{}'),
        request('GET / HTTP/1.1', { Host: hostHeader, 'X-Padding': 'a'.repeat(17 * 1024) }),
        'HELLO THERE\r\n\r\n',
      ];
      for (const bytes of attempts) {
        const answer = await rawSocket(port(url), bytes);
        // Any HTTP answer (dynalite answers GET with a health check); what matters is what follows.
        expect(answer.status, `${url} ${bytes.slice(0, 30)}`).toBeGreaterThanOrEqual(200);
      }
      const dropped = request('POST / HTTP/1.1', { Host: hostHeader, 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': '1000' }, '{"TableName":');
      await rawSocket(port(url), dropped, { abortAfterWrite: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await placeAndDeliver();
  });

  it('logged every refusal', () => {
    expect(output()).toMatch(/\[local\] api: 431 /);
    expect(output()).toMatch(/\[local\] api: 408 /);
    expect(output()).toMatch(/\[local\] api: 400 /);
    expect(output()).toMatch(/\[local\] DynamoDB: refused a browser request/);
    expect(output()).toMatch(/\[local\] SQS\/SNS: refused a foreign Host header/);
  });
});

// ---------------------------------------------------------------------------------------------
// Clean text and canonical ids, through the API
// ---------------------------------------------------------------------------------------------

describe('only clean text is stored', () => {
  const post = (body: unknown) =>
    fetch(new URL('orders', urls.api), { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: idToken }, body: JSON.stringify(body) });

  it('refuses a name of invisible characters and a bidi override, naming the field', async () => {
    for (const [field, value] of [
      ['customerName', '\u200b\u3164'],
      ['customerName', 'Ana \u202eaícraG'],
    ] as const) {
      const response = await post({ ...orderRequest(), [field]: value });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { details: { path: string }[] }).details.map((d) => d.path)).toContain(field);
    }
  });

  it('stores names NFC-normalized, and finds an order by its id in upper case', async () => {
    const response = await post({ ...orderRequest(), customerName: 'Jose\u0301 Garci\u0301a' });
    expect(response.status).toBe(201);
    const order = (await response.json()) as { orderId: string; customerName: string };
    expect(order.customerName).toBe('José García'.normalize('NFC'));
    const again = await fetch(new URL(`orders/${order.orderId.toUpperCase()}`, urls.api), { headers: { Authorization: idToken } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { orderId: string }).orderId).toBe(order.orderId);
  });
});

// ---------------------------------------------------------------------------------------------
// The outbox
// ---------------------------------------------------------------------------------------------

describe('the outbox', () => {
  it('writes no file a message names, and no forged header line', async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    const mailer = new SesMailer(new SESv2Client({ region: 'us-east-1', endpoint: urls.ses }), { from: 'orders@shop.example' });
    const orderId = '6F1C1A52-3F0E-4C59-9D1A-0B9D5C8E7A11';
    const mail = { kind: 'order-shipped' as const, to: 'ana@example.com', subject: 'Hi', text: 'Hello', html: '' };
    for (const hostile of ['/../../../outside/pwned', '../pwned', 'x\nSubject: forged', `${orderId}/../../pwned`]) {
      await mailer.send({ ...mail, orderId: hostile });
    }
    await mailer.send({ ...mail, orderId, subject: 'Your order\r\nX-Order-Id: 00000000-0000-4000-8000-000000000000\n\nforged body' });
    await expect(mailer.send({ ...mail, orderId, to: 'ana@example.com\r\nBcc: everyone@example.com' })).rejects.toThrow(/BadRequest/);
    const mails = ((await (await fetch(new URL(LOCAL_MAILBOX_PATH, urls.api))).json()) as { messages: { orderId: string; subject: string; text: string; to: string }[] }).messages;
    const written = mails.find((m) => m.orderId === orderId.toLowerCase())!;
    expect(written.subject).toBe('Your order X-Order-Id: 00000000-0000-4000-8000-000000000000 forged body');
    expect([written.text, written.to]).toEqual(['Hello', 'ana@example.com']);
    // Every mail is directly in the outbox, named <time>_<order id or "account">_<generated id>.eml.
    const outbox = path.join(dataDir, 'outbox');
    for (const file of readdirSync(outbox)) expect(file).toMatch(/^[0-9TZ-]+_([0-9a-f-]{36}|account)_[0-9a-f-]{36}\.eml$/);
    const everywhere = readdirSync(dir, { recursive: true }).map(String);
    expect(everywhere.filter((f) => /pwned|outside/.test(f))).toEqual([]);
    const text = readFileSync(path.join(outbox, readdirSync(outbox).find((f) => f.includes(orderId.toLowerCase()))!), 'utf8');
    expect(text.split('\n\n')[0]!.split('\n').map((line) => line.split(':')[0])).toEqual(['From', 'To', 'Subject', 'Date', 'Message-Id', 'X-Order-Id', 'X-Kind', 'MIME-Version', 'Content-Type']);
    await placeAndDeliver();
  });
});
