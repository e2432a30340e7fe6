/**
 * What every local HTTP server needs so that a laptop on any network, and any web page open in a
 * browser, cannot use or stop the local stack:
 * - `isLoopbackHost`: a `Host` header naming the loopback address and port the server serves
 *   (a DNS-rebinding page reaches 127.0.0.1 under its own host name, so it fails this).
 * - `guardAwsEndpoint`: in front of the local DynamoDB, SQS/SNS and Step Functions, refuses every
 *   request a browser sends (the AWS SDK never sends `Origin` or `Sec-Fetch-*`) and every request
 *   for another host. Those services have no CORS of their own to rely on (dynalite answers any
 *   origin's preflight).
 * - `answerClientErrors`: a JSON answer and a log line for what Node's HTTP parser refuses
 *   (oversized headers -> 431, a timed-out request -> 408, a malformed request line -> 400).
 * - `readBody`: a request body with a size limit and a timeout, failing with a typed error
 *   instead of an unhandled rejection when the client aborts or stalls.
 * - `serveAwsEndpoint`: the last three put together for a stand-in speaking an AWS API: listening
 *   on 127.0.0.1, with its endpoint and its stop.
 */
import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Log = (line: string) => void;

/** Loopback host names under which the local servers may be addressed. */
const LOOPBACK_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** True when `host` (a Host header) is a loopback name with exactly the server's port. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return LOOPBACK_HOSTNAMES.some((name) => host.toLowerCase() === `${name}:${port}`);
}

/** The origins a page served by a loopback server on `port` can have. */
export function loopbackOrigins(port: number): string[] {
  return LOOPBACK_HOSTNAMES.map((name) => `http://${name}:${port}`);
}

/** True when the request carries any header only a browser sends. */
export function fromBrowser(req: http.IncomingMessage): boolean {
  return req.headers.origin !== undefined || Object.keys(req.headers).some((name) => name.startsWith('sec-fetch-'));
}

/** Wraps the server's request listeners: `guard` answers a request itself by returning true. */
export function prependGuard(server: http.Server, guard: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): void {
  const listeners = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (guard(req, res)) return;
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/**
 * For a server whose request handler throws from a request's `error` event (dynalite's index.js:
 * `req.on('error', function (err) { throw err })`): a client that drops its body mid-way would
 * stop the whole process. The handler's `error` listeners are replaced by a log line.
 */
export function containRequestErrors(server: http.Server, name: string, log: Log): void {
  const listeners = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    for (const listener of listeners) listener.call(server, req, res);
    req.removeAllListeners('error');
    req.on('error', (error) => {
      log(`${name}: request not completed (${error.message})`);
      res.destroy();
    });
  });
}

/** Port a listening server is bound to. */
const portOf = (server: http.Server) => (server.address() as { port: number } | null)?.port ?? -1;

/**
 * Refuses browser requests and foreign Host headers in front of a local AWS stand-in (`name` is
 * for the log). Call after the server listens, so its port is known.
 */
export function guardAwsEndpoint(server: http.Server, name: string, log: Log): void {
  prependGuard(server, (req, res) => {
    const reason = fromBrowser(req) ? 'a browser request' : !isLoopbackHost(req.headers.host, portOf(server)) ? 'a foreign Host header' : undefined;
    if (!reason) return false;
    log(`${name}: refused ${reason} (${req.method} Host=${JSON.stringify(req.headers.host ?? '')} Origin=${JSON.stringify(req.headers.origin ?? '')})`);
    // Drain what the client sends so the answer is not lost to a reset; no CORS headers.
    req.resume();
    res.writeHead(403, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(JSON.stringify({ __type: 'AccessDeniedException', message: `The local ${name} answers only the local stack, not ${reason}` }));
    return true;
  });
}

/** What Node's parser refused, as the status a client should see. */
function statusForClientError(error: NodeJS.ErrnoException): [number, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request header fields too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return [408, 'Request timeout'];
    default:
      return [400, 'Bad request'];
  }
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Answers a request the HTTP parser could not read (no request event is emitted for those) with
 * the API's JSON error shape, and logs it. Without this Node answers 431/400 with no body.
 */
export function answerClientErrors(server: http.Server, name: string, log: Log): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A response already under way on this connection cannot be followed by another one.
    const inProgress = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage?.headersSent === true;
    if (error.code === 'ECONNRESET' || !socket.writable || inProgress) {
      socket.destroy();
      return;
    }
    const [status, message] = statusForClientError(error);
    log(`${name}: ${status} ${message} (${error.code ?? error.message})`);
    const body = JSON.stringify({ error: message, details: [{ path: 'request', message: error.code ?? error.message }] });
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** A request body that could not be read: answered with `status`. */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The whole body of `req`, or a BodyError: 413 past `maxBytes`, 408 when it has not arrived within
 * `timeoutMs`, 400 when the client aborted it. Never rejects with anything else.
 */
export function readBody(req: http.IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error?: BodyError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      if (error) {
        // Stop reading; the caller answers and then closes the connection.
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new BodyError(413, 'Request Too Long'));
      else chunks.push(chunk);
    };
    const timer = setTimeout(() => finish(new BodyError(408, `Request body not received within ${timeoutMs} ms`)), timeoutMs);
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('aborted', () => finish(new BodyError(400, 'Request body aborted by the client')));
    req.once('error', (error) => finish(new BodyError(400, `Request body could not be read: ${error.message}`)));
    req.once('close', () => {
      if (!req.complete) finish(new BodyError(400, 'Request body aborted by the client'));
    });
  });
}

/**
 * Starts `server` as a local AWS endpoint: client errors answered, listening on 127.0.0.1 (`port`,
 * or any free one), guarded against browsers and foreign hosts. Its endpoint URL, and a stop that
 * also closes the connections still open.
 */
export async function serveAwsEndpoint(server: http.Server, name: string, log: Log, port = 0): Promise<{ endpoint: string; stop(): Promise<void> }> {
  answerClientErrors(server, name, log);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  guardAwsEndpoint(server, name, log);
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
