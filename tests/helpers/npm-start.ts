/**
 * `npm start` in a child process, as a newcomer runs it (the real CLI, local/stack/start.ts), with its
 * banner parsed: for tests that look at its process and sockets (local-safety), and for those that
 * stop it (SIGINT) or kill it (SIGKILL) and start it again on the same data folder. A restart
 * has to be a new process: in one process the handlers keep the SDK clients, and so the endpoints,
 * of the first stack. Each file makes its own runner over its own temporary folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_USERS, signInWithPassword } from '../../local/cognito/cognito.ts';
import { freePort } from './free-ports.ts';

/**
 * Bounds of every wait, generous for a loaded 2-core machine (load average 16 was seen): each one
 * fails with its own message naming what it waited for, well before the test's own timeout.
 */
export const READY_MS = 120_000; // `npm start` printing its URLs
export const PIPELINE_MS = 90_000; // an order reaching a status, an execution ending, an e-mail written
export const STOP_MS = 30_000; // the stack exiting after a signal

export interface Running {
  process: ChildProcess;
  apiUrl: string;
  webUrl: string;
  /** The local stand-ins' endpoints, as `npm start` printed them. */
  dynamodbUrl: string;
  /** SQS and SNS (one fauxqs). */
  sqsUrl: string;
  sfnUrl: string;
  sesUrl: string;
  output: () => string;
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function npmStartRunner(dir: string) {
  const dataDir = path.join(dir, 'data');
  const outputsPath = path.join(dir, 'amplify_outputs.json');
  /** Every stack this runner started: each test stops its own, also when it failed half-way. */
  const children = new Set<ChildProcess>();
  const killChildren = () => children.forEach((c) => !exited(c) && c.kill('SIGKILL'));
  process.once('exit', killChildren); // the worker itself ends (a timeout, Ctrl-C): no orphan holds the data folder
  // The same user pool port across restarts: the tokens' issuer names it.
  let cognitoPort: number | undefined;

  /** Runs `npm start`'s script and resolves when it has printed its whole banner (its URLs, the demo accounts). */
  async function start(env: Record<string, string> = {}): Promise<Running> {
    const [apiPort, webPort] = [freePort(), freePort()];
    cognitoPort ??= freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'local/stack/start.ts'], {
      env: {
        ...process.env,
        API_PORT: String(apiPort),
        WEB_PORT: String(webPort),
        COGNITO_PORT: String(cognitoPort),
        LOCAL_DATA_DIR: dataDir,
        AMPLIFY_OUTPUTS_PATH: outputsPath,
        STOREFRONT_VITE_CACHE_DIR: path.join(dir, 'vite-cache'),
        PAYMENT_SUCCESS_RATE: '1',
        CANCEL_WINDOW_SECONDS: '0', // ships at once (its own test: workflow-cancel-window)
        LOCAL_DELIVERY_WAIT_MS: '300',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(proc);
    let output = '';
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + READY_MS;
    while (!/Demo customer: .*\n/.test(output)) {
      if (exited(proc)) throw new Error(`npm start exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start not ready after ${READY_MS} ms:\n${output}`);
      await sleep(100);
    }
    return {
      process: proc,
      apiUrl: /API:\s+(\S+)/.exec(output)![1]!,
      webUrl: /Storefront: (\S+)/.exec(output)![1]!,
      dynamodbUrl: /DynamoDB (\S+)/.exec(output)![1]!,
      sqsUrl: /SQS\/SNS (\S+)/.exec(output)![1]!,
      sfnUrl: /Step Functions (http\S+)/.exec(output)![1]!,
      sesUrl: /SES (http\S+)/.exec(output)![1]!,
      output: () => output,
    };
  }

  /** Sends `signal` and resolves with the exit code; a stack still running after STOP_MS is killed and the call fails. */
  async function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
    const exit = new Promise<number | null>((resolve) => running.process.once('exit', (code) => resolve(code)));
    running.process.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_MS)));
    const code = await Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
    if (code === 'timeout') {
      running.process.kill('SIGKILL');
      await exit;
      throw new Error(`npm start did not exit within ${STOP_MS} ms of ${signal}:\n${running.output().slice(-2000)}`);
    }
    return code;
  }

  /** Kills what a test left running and waits for it to exit, so the next start finds the data folder free. */
  async function killLeftovers(): Promise<void> {
    const running = [...children].filter((c) => !exited(c));
    await Promise.all(
      running.map(
        (c) =>
          new Promise((resolve) => {
            c.once('exit', resolve);
            c.kill('SIGKILL');
          }),
      ),
    );
    children.clear();
  }

  /**
   * Polls `read` until `done` holds. It fails at once, with the stack's output, if the stack exited,
   * and after `timeoutMs` with a message naming what was awaited and the last value read.
   */
  async function waitFor<T>(running: Running, read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = PIPELINE_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited(running.process)) throw new Error(`npm start exited while waiting for ${what}:\n${running.output().slice(-2000)}`);
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last read: ${JSON.stringify(value)}`);
      await sleep(50);
    }
  }

  /** The ID token of a demo user (`customer` or `staff`), signed in through the user pool `npm start` wrote to its outputs. */
  async function signIn(who: keyof typeof DEMO_USERS): Promise<string> {
    const outputs = JSON.parse(readFileSync(outputsPath, 'utf8'));
    const pool = { clientId: outputs.auth.user_pool_client_id as string };
    const endpoint = outputs.custom.local.userPoolEndpoint as string;
    const call = async (action: string, body: Record<string, unknown>) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}` },
        body: JSON.stringify(body),
      });
      return (await response.json()) as never;
    };
    const { email, password } = DEMO_USERS[who];
    return (await signInWithPassword({ ...pool, call }, email, password)).IdToken;
  }

  return { dataDir, outputsPath, start, stop, killLeftovers, waitFor, signIn, cognitoPort: () => cognitoPort };
}
