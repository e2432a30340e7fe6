/** Starts the local stack for a test file, in a fresh data folder, with fast local timings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalStack, type LocalStack, type StackOptions } from '../../local/stack/stack.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { isFinal } from '../../amplify/domain/order-rules.ts';
import { ensureUser, signInWithPassword } from '../../local/cognito/cognito.ts';

/** A signed-in account of the local user pool. */
export interface TestUser {
  email: string;
  sub: string;
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export type TestStack = LocalStack & { dataDir: string; removeData(): void; customer: TestUser };

let users = 0;
/** A new confirmed account (in the staff group when asked), signed in. */
export async function createUser(stack: LocalStack, options: { staff?: boolean; email?: string } = {}): Promise<TestUser> {
  const email = options.email ?? `${options.staff ? 'staff' : 'customer'}-${process.pid}-${Date.now()}-${++users}@example.com`;
  const password = 'Test#pass1';
  await ensureUser(stack.cognito.call, stack.cognito.userPoolId, stack.cognito.clientId, { email, password, staff: options.staff ?? false });
  return signIn(stack, email, password);
}

export async function signIn(stack: LocalStack, email: string, password: string): Promise<TestUser> {
  const tokens = await signInWithPassword(stack.cognito, email, password);
  const claims = JSON.parse(Buffer.from(tokens.IdToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string };
  return { email, sub: claims.sub, idToken: tokens.IdToken, accessToken: tokens.AccessToken, refreshToken: tokens.RefreshToken };
}

export type TestStackOptions = Partial<StackOptions>;

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'orders-test-'));
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? tempDataDir();
  const stack = await startLocalStack({
    apiPort: 0,
    dataDir,
    paymentSuccessRate: 1,
    deliveryWaitMs: 200,
    retryIntervalMs: 20,
    visibilityTimeoutSeconds: 1,
    recoveryIntervalMs: 60_000,
    ...options,
  });
  const customer = await createUser(stack);
  return Object.assign(stack, { dataDir, customer, removeData: () => rmSync(dataDir, { recursive: true, force: true }) });
}

/**
 * A request to the local API, signed in as `as` (by default the stack's customer; `null`: no
 * token). An `Authorization` header in `init` is sent as it is.
 */
export async function api(stack: LocalStack, route: string, init: RequestInit = {}, as: TestUser | null = defaultUser(stack)) {
  const headers = new Headers(init.headers);
  if (as && !headers.has('authorization')) headers.set('Authorization', as.idToken);
  const response = await fetch(new URL(route.replace(/^\//, ''), stack.apiUrl), { ...init, headers });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

function defaultUser(stack: LocalStack): TestUser | null {
  return (stack as Partial<TestStack>).customer ?? null;
}

export function postOrder(stack: LocalStack, body: unknown, headers: Record<string, string> = {}, as: TestUser | null = defaultUser(stack)) {
  return api(
    stack,
    '/orders',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    as,
  );
}

/** Polls the API until the order reaches a final status (or `timeoutMs` passes). */
export async function waitForFinal(stack: LocalStack, orderId: string, timeoutMs = 30_000, as: TestUser | null = defaultUser(stack)): Promise<Order> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(stack, `/orders/${orderId}`, {}, as);
    if (body?.status && isFinal(body.status)) return body as Order;
    if (Date.now() > deadline) throw new Error(`Order ${orderId} still ${body?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once `condition` holds, asking every 20 ms; throws after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The e-mails sent for an order, once at least `expected` have arrived (or the outbox drained). */
export async function mailsFor(stack: LocalStack, orderId: string, expected: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = stack.outbox.list().filter((m) => m.orderId === orderId);
    if (mails.length >= expected || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The kinds of e-mails, sorted (the outbox lists newest first). */
export const kindsOf = (mails: { kind: string }[]) => mails.map((m) => m.kind).sort();

/** A delivered order's e-mails, each exactly once. */
export const DELIVERED_MAILS = ['order-confirmed', 'order-delivered', 'order-shipped'];
