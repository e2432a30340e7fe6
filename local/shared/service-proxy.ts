/**
 * A pass-through HTTP proxy in front of a local AWS stand-in. It counts every API operation the
 * handlers call (the benchmark prices them) and can make chosen operations fail, as a throttled or
 * unavailable service would (the fault-injection tests). Off unless the stack is started with
 * `instrument: true`, so normal runs and raw-speed measurements go straight to the stand-ins.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardAwsEndpoint, readBody, type Log } from './http-guard.ts';

export interface OperationStats {
  requests: number;
  requestBytes: number;
  responseBytes: number;
  /** Requests answered with an injected fault. */
  faults: number;
  /** Requests the service refused (4xx/5xx), e.g. a failed conditional write. */
  errors: number;
}

/** A call the service answered, for observers that need more than counts (the cost bench's index accounting). */
export interface ObservedCall {
  operation: string;
  requestBody: Buffer;
  status: number;
}

interface Fault {
  remaining: number;
  status: number;
  type: string;
}

/**
 * The API operation of a request: JSON protocols name it in X-Amz-Target, query ones in Action,
 * REST ones by the path (SES v2's one route here).
 */
function operationOf(req: http.IncomingMessage, body: Buffer): string {
  if (req.method === 'POST' && req.url?.split('?')[0] === '/v2/email/outbound-emails') return 'SendEmail';
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'));
  return action?.[1] ?? 'Unknown';
}

/** The table a DynamoDB request names (JSON protocol), if any. */
function tableOf(body: Buffer): string | undefined {
  try {
    const table = (JSON.parse(body.toString('utf8')) as { TableName?: unknown }).TableName;
    return typeof table === 'string' ? table : undefined;
  } catch {
    return undefined;
  }
}

export class ServiceProxy {
  readonly stats = new Map<string, OperationStats>();
  /** Requests by `<table>:<operation>` for services whose requests name a table (DynamoDB). */
  readonly byTable = new Map<string, number>();
  /** Called with every call the service answered (not injected faults), after the response. */
  readonly observers: ((call: ObservedCall) => void)[] = [];
  private readonly faults = new Map<string, Fault>();
  private readonly server: http.Server;
  private readonly target: URL;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    target: string,
    private readonly name = 'proxy',
    private readonly log: Log = () => undefined,
  ) {
    this.target = new URL(target);
    this.server = http.createServer((req, res) => {
      this.forward(req, res).catch((error: Error) => {
        // Never an unhandled rejection (which would stop the process): answer and log.
        this.log(`${this.name}: ${error.message}`);
        if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json', Connection: 'close' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: error.message }));
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    // Like the stand-in behind it, the proxy answers only the local stack, not a browser.
    guardAwsEndpoint(this.server, this.name, this.log);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Makes the next `times` calls of `operation` fail with a server error (retryable by the SDK). */
  inject(operation: string, times: number, status = 500, type = 'InternalFailure'): void {
    this.faults.set(operation, { remaining: times, status, type });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  count(operation: string): number {
    return this.stats.get(operation)?.requests ?? 0;
  }

  /** Calls of `operation` the service carried out (neither refused nor faulted). */
  succeeded(operation: string): number {
    const stats = this.stats.get(operation);
    return stats ? stats.requests - stats.errors - stats.faults : 0;
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, 16 * 1024 * 1024, 30_000);
    const operation = operationOf(req, body);
    const stats = this.stats.get(operation) ?? { requests: 0, requestBytes: 0, responseBytes: 0, faults: 0, errors: 0 };
    this.stats.set(operation, stats);
    stats.requests += 1;
    stats.requestBytes += body.length;
    const table = tableOf(body);
    if (table) this.byTable.set(`${table}:${operation}`, (this.byTable.get(`${table}:${operation}`) ?? 0) + 1);

    const fault = this.faults.get(operation);
    if (fault && fault.remaining > 0) {
      fault.remaining -= 1;
      stats.faults += 1;
      res.writeHead(fault.status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-errortype': fault.type });
      res.end(JSON.stringify({ __type: fault.type, message: `Injected fault in ${operation}` }));
      return;
    }

    const upstream = http.request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.target.host },
        agent: this.agent,
      },
      (response) => {
        if ((response.statusCode ?? 502) >= 400) stats.errors += 1;
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.on('data', (chunk: Buffer) => (stats.responseBytes += chunk.length));
        if (this.observers.length > 0) {
          const call = { operation, requestBody: body, status: response.statusCode ?? 502 };
          response.on('end', () => this.observers.forEach((observe) => observe(call)));
        }
        response.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      this.log(`${this.name}: ${error.message}`);
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'Content-Type': 'application/json' }).end(JSON.stringify({ __type: 'InternalFailure', message: error.message }));
    });
    upstream.end(body);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
