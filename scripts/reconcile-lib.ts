/**
 * Reconciliation of the order pipeline's three records of truth: the orders table, the workflow
 * executions and the e-mails in the outbox. Used by `npm run reconcile` (scripts/reconcile.ts) and
 * by the tests, which hand it a running local stack.
 *
 * Checks (each failure is a mismatch):
 * - every order is in a final status (DELIVERED / PAYMENT_FAILED / SHIPMENT_FAILED); open ones are
 *   listed, and count as mismatches unless `allowOpen` is set (a stack with orders in flight);
 * - each order has a workflow execution named after it (more than one when its queue message was
 *   delivered twice: the workflow is Express and does not deduplicate starts), plus recovery
 *   executions `<orderId>-r<n>` only where recovery happened (numbered 1, 2, ... without gaps, each
 *   started after the one before it ended, at most RECOVERY.maxExecutionsPerOrder; one may follow a
 *   succeeded execution: the order's delivery schedule may have failed after it);
 * - no execution without an order;
 * - no transactionId is used by two orders; every order at or past PAYMENT_PROCESSED has one;
 *   PAYMENT_FAILED (and PENDING) orders have none;
 * - at most one e-mail of each kind per order, and an order has an e-mail of a kind iff its
 *   `emailsSent` records that kind (unless SES reported its address, `emailStatus`, or the account was deleted, `anonymizedDate`); every e-mail
 *   is addressed to the order's customer; no e-mail for an order that does not exist.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Order } from '../amplify/domain/order.ts';
import { FINAL_STATUSES, ORDER_STATUSES, PAID_STATUSES, refundStatusOf, type OrderStatus } from '../amplify/domain/order-rules.ts';
import { CANCEL_WINDOW } from '../amplify/server/settings/pipeline.ts';
import { RECOVERY } from '../amplify/server/settings/recovery.ts';
import { ORDERS_TABLE } from '../amplify/server/settings/tables.ts';
import { LOCAL_AWS } from '../local/shared/aws.ts';
import { startDynamo } from '../local/dynamodb/dynamodb.ts';
import { readExecutions } from '../local/step-functions/execution-store.ts';
import { Outbox, type MailMessage } from '../local/ses/outbox.ts';

/** What reconciliation needs of an execution (a subset of the local ExecutionRecord). */
export interface ExecutionInfo {
  name: string;
  status: string;
  startDate?: string;
  stopDate?: string;
}

/** What reconciliation needs of an e-mail. */
export type MailInfo = Pick<MailMessage, 'id' | 'orderId' | 'kind' | 'to'>;

export interface ReconcileData {
  orders: Order[];
  executions: ExecutionInfo[];
  mails: MailInfo[];
}

/** A running local stack, as `startLocalStack` returns it (only the parts read here). */
export interface StackSource {
  endpoints: { dynamodb: string };
  names: { ordersTable: string };
  stepFunctions: { list(): ExecutionInfo[] };
  outbox: { list(): MailInfo[] };
}

/** Where to read from: a running stack, the data folder of a stopped one, or the data itself. */
export type ReconcileSource = StackSource | { dataDir: string } | ReconcileData;

export interface ReconcileOptions {
  /** Report open orders without counting them as mismatches (a stack with orders in flight). */
  allowOpen?: boolean;
}

export type MismatchKind =
  | 'order-not-final'
  | 'missing-execution'
  | 'unexpected-recovery-execution'
  | 'orphan-execution'
  | 'duplicate-transaction-id'
  | 'missing-transaction-id'
  | 'refund-owed'
  | 'unexpected-transaction-id'
  | 'duplicate-email'
  | 'email-not-recorded'
  | 'email-to-someone-else'
  | 'recorded-email-not-sent'
  | 'orphan-email';

export interface Mismatch {
  kind: MismatchKind;
  /** The order (or the execution / e-mail without an order) concerned. */
  id: string;
  message: string;
}

export interface ReconcileReport {
  counts: {
    orders: number;
    byStatus: Record<OrderStatus, number>;
    open: number;
    executions: number;
    executionsByStatus: Record<string, number>;
    recoveryExecutions: number;
    mails: number;
    transactionIds: number;
    withNotificationSentDate: number;
    /** E-mail kinds recorded on the orders (`emailsSent`), all orders together. */
    recordedEmails: number;
  };
  /** Orders not yet in a final status (also in `mismatches` unless `allowOpen`). */
  open: { orderId: string; status: OrderStatus; updatedAt: string }[];
  mismatches: Mismatch[];
  ok: boolean;
}

const RECOVERY_NAME = /^(.+)-r(\d+)$/;

/** The pure check: no I/O. */
export function checkReconciliation(data: ReconcileData, options: ReconcileOptions = {}): ReconcileReport {
  const mismatches: Mismatch[] = [];
  const add = (kind: MismatchKind, id: string, message: string) => mismatches.push({ kind, id, message });
  const orders = new Map(data.orders.map((o) => [o.orderId, o]));

  // Statuses.
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  const open: ReconcileReport['open'] = [];
  for (const order of data.orders) {
    byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
    if (!FINAL_STATUSES.includes(order.status)) {
      open.push({ orderId: order.orderId, status: order.status, updatedAt: order.updatedAt });
      if (!options.allowOpen) add('order-not-final', order.orderId, `Order is still ${order.status} (last change ${order.updatedAt})`);
    }
  }

  // Executions: group by order, the first one named after the order, recoveries `-r<n>`.
  const executionsByStatus: Record<string, number> = {};
  type OrderExecutions = { base?: ExecutionInfo; recoveries: Map<number, ExecutionInfo> };
  const perOrder = new Map<string, OrderExecutions>();
  let recoveryExecutions = 0;
  for (const execution of data.executions) {
    executionsByStatus[execution.status] = (executionsByStatus[execution.status] ?? 0) + 1;
    // Started by the order's cancel-window shipment schedule (`<orderId>-ship` locally): the order's own.
    const shipmentOf = execution.name.endsWith(CANCEL_WINDOW.localExecutionSuffix) ? execution.name.slice(0, -CANCEL_WINDOW.localExecutionSuffix.length) : undefined;
    if (shipmentOf !== undefined && orders.has(shipmentOf)) continue;
    const recovery = RECOVERY_NAME.exec(execution.name);
    // An order id never ends in `-r<n>` (it is a UUID), so a name that does is a recovery.
    const orderId = recovery && !orders.has(execution.name) ? recovery[1]! : execution.name;
    if (!orders.has(orderId)) {
      add('orphan-execution', execution.name, `Execution ${execution.name} (${execution.status}) has no order`);
      continue;
    }
    const entry: OrderExecutions = perOrder.get(orderId) ?? { recoveries: new Map() };
    perOrder.set(orderId, entry);
    if (orderId === execution.name) entry.base = execution;
    else {
      recoveryExecutions += 1;
      entry.recoveries.set(Number(recovery![2]), execution);
    }
  }
  for (const order of data.orders) {
    const entry = perOrder.get(order.orderId);
    if (!entry?.base) {
      add('missing-execution', order.orderId, `No workflow execution named ${order.orderId} (order is ${order.status})`);
    }
    for (const [n, execution] of [...(entry?.recoveries ?? new Map<number, ExecutionInfo>())].sort(([a], [b]) => a - b)) {
      const previous = n === 1 ? entry?.base : entry?.recoveries.get(n - 1);
      const problem =
        n < 1 || n > RECOVERY.maxExecutionsPerOrder
          ? `attempt ${n} is outside 1..${RECOVERY.maxExecutionsPerOrder}`
          : !previous
            ? `no execution before it (attempt ${n - 1} missing)`
            : previous.status === 'RUNNING'
              ? `the execution before it is ${previous.status}: nothing to recover`
              : previous.stopDate && execution.startDate && execution.startDate < previous.stopDate
                ? `started ${execution.startDate}, before the execution before it ended (${previous.stopDate})`
                : undefined;
      if (problem) add('unexpected-recovery-execution', order.orderId, `Recovery execution ${execution.name}: ${problem}`);
    }
  }

  // Transactions.
  const byTransaction = new Map<string, string[]>();
  let transactionIds = 0;
  for (const order of data.orders) {
    const { transactionId } = order;
    const hasTransaction = typeof transactionId === 'string' && transactionId.length > 0;
    if (hasTransaction) {
      transactionIds += 1;
      byTransaction.set(transactionId, [...(byTransaction.get(transactionId) ?? []), order.orderId]);
    }
    if (PAID_STATUSES.includes(order.status) && !hasTransaction) {
      add('missing-transaction-id', order.orderId, `Order is ${order.status} but has no transactionId`);
    }
    // A cancelled, unshipped or returned order that was charged must have been refunded.
    if (refundStatusOf(order) === 'pending') {
      add('refund-owed', order.orderId, `Order is ${order.status} with transactionId ${transactionId} but no refundId`);
    }
    if (!PAID_STATUSES.includes(order.status) && order.status !== 'CANCELLED' && transactionId !== undefined) {
      add('unexpected-transaction-id', order.orderId, `Order is ${order.status} but has transactionId ${JSON.stringify(transactionId)}`);
    }
  }
  for (const [transactionId, orderIds] of byTransaction) {
    if (orderIds.length > 1) {
      for (const orderId of orderIds) add('duplicate-transaction-id', orderId, `transactionId ${transactionId} is shared by ${orderIds.join(', ')}`);
    }
  }

  // E-mails.
  const mailsByOrder = new Map<string, MailInfo[]>();
  for (const mail of data.mails) mailsByOrder.set(mail.orderId, [...(mailsByOrder.get(mail.orderId) ?? []), mail]);
  for (const [orderId, mails] of mailsByOrder) {
    if (!orders.has(orderId)) add('orphan-email', orderId, `${mails.length} e-mail(s) for an order that does not exist`);
  }
  let withNotificationSentDate = 0;
  let recordedEmails = 0;
  for (const order of data.orders) {
    const mails = (mailsByOrder.get(order.orderId) ?? []).filter((m) => m.kind !== 'account');
    if (order.notificationSentDate) withNotificationSentDate += 1;
    // A list through the API, a string set (a JS Set) when scanned from the table.
    const recorded = [...(order.emailsSent ?? [])] as string[];
    recordedEmails += recorded.length;
    const kinds = new Set([...recorded, ...mails.map((m) => m.kind)]);
    for (const kind of kinds) {
      const sent = mails.filter((m) => m.kind === kind);
      if (sent.length > 1) add('duplicate-email', order.orderId, `${sent.length} ${kind} e-mails (${sent.map((m) => m.id).join(', ')})`);
      if (sent.length > 0 && !recorded.includes(kind)) add('email-not-recorded', order.orderId, `${kind} e-mail sent but not in the order's emailsSent (${order.status})`);
      if (sent.length === 0 && recorded.includes(kind) && !order.emailStatus && !order.anonymizedDate) add('recorded-email-not-sent', order.orderId, `emailsSent has ${kind} but no such e-mail is in the outbox`);
    }
    for (const mail of mails) if (mail.to !== order.customerEmail) add('email-to-someone-else', order.orderId, `${mail.kind} e-mail to ${mail.to}, not the order's customer`);
  }

  return {
    counts: {
      orders: data.orders.length,
      byStatus,
      open: open.length,
      executions: data.executions.length,
      executionsByStatus,
      recoveryExecutions,
      mails: data.mails.length,
      transactionIds,
      withNotificationSentDate,
      recordedEmails,
    },
    open,
    mismatches,
    ok: mismatches.length === 0,
  };
}

/** Every item of a table, all pages, through a local DynamoDB endpoint. */
export async function scanTable<T = Record<string, unknown>>(endpoint: string, tableName: string): Promise<T[]> {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const db = DynamoDBDocumentClient.from(client);
  const items: T[] = [];
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
      items.push(...((page.Items ?? []) as T[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  return items;
}

/** The internal attribute app-server keeps on each item; not part of the order. */
function withoutInternal(item: Record<string, unknown>): Order {
  const { requestFingerprint: _internal, ...order } = item;
  return order as unknown as Order;
}

export async function loadFromStack(stack: StackSource): Promise<ReconcileData> {
  const items = await scanTable(stack.endpoints.dynamodb, stack.names.ordersTable);
  return {
    orders: items.map(withoutInternal),
    executions: stack.stepFunctions.list().map(({ name, status, startDate, stopDate }) => ({ name, status, startDate, stopDate })),
    mails: stack.outbox.list().map(({ id, orderId, kind, to }) => ({ id, orderId, kind, to })),
  };
}

/**
 * The data a stopped `npm start` left in `dataDir`: dynalite's files under `dynamodb/`, the
 * executions under `executions/`, the e-mails under `outbox/`. DynamoDB is started on the folder
 * for the scan (it holds a lock: the stack that owns the folder must not be running).
 */
export async function loadFromDataDir(dataDir: string): Promise<ReconcileData> {
  const dynamoDir = path.join(dataDir, 'dynamodb');
  if (!existsSync(dynamoDir)) throw new Error(`No local data in ${dataDir} (expected ${dynamoDir}); run \`npm start\` first, or pass --data-dir`);
  let dynamo;
  try {
    dynamo = await startDynamo(dynamoDir);
  } catch (error) {
    throw new Error(`Cannot open ${dynamoDir} (${(error as Error).message}). Is \`npm start\` still running on it? Stop it first.`, { cause: error });
  }
  try {
    const items = await scanTable(dynamo.endpoint, ORDERS_TABLE.localName);
    const executions = readExecutions(dataDir);
    const mails = existsSync(path.join(dataDir, 'outbox')) ? new Outbox(dataDir).list() : [];
    return {
      orders: items.map(withoutInternal),
      executions: executions.map(({ name, status, startDate, stopDate }) => ({ name, status, startDate, stopDate })),
      mails: mails.map(({ id, orderId, kind, to }) => ({ id, orderId, kind, to })),
    };
  } finally {
    await dynamo.stop();
  }
}

function isStack(source: ReconcileSource): source is StackSource {
  return 'stepFunctions' in source && 'endpoints' in source;
}

/** Reads the sources and checks them; see the module comment for what is checked. */
export async function reconcile(source: ReconcileSource, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const data = isStack(source) ? await loadFromStack(source) : 'dataDir' in source ? await loadFromDataDir(source.dataDir) : source;
  return checkReconciliation(data, options);
}

/** The report as text, for the CLI and test logs. */
export function formatReport(report: ReconcileReport, maxListed = 50): string {
  const { counts } = report;
  const lines = [
    `Orders: ${counts.orders}`,
    ...ORDER_STATUSES.map((s) => `  ${s.padEnd(18)} ${counts.byStatus[s]}`),
    `Open (not final): ${counts.open}`,
    `Executions: ${counts.executions} (${Object.entries(counts.executionsByStatus)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ') || 'none'}), recovery executions: ${counts.recoveryExecutions}`,
    `E-mails: ${counts.mails}; recorded on orders: ${counts.recordedEmails}; orders with notificationSentDate: ${counts.withNotificationSentDate}`,
    `Transaction ids: ${counts.transactionIds}`,
  ];
  if (report.open.length > 0) {
    lines.push(`Open orders${report.open.length > maxListed ? ` (first ${maxListed})` : ''}:`);
    for (const o of report.open.slice(0, maxListed)) lines.push(`  ${o.orderId} ${o.status} since ${o.updatedAt}`);
  }
  if (report.mismatches.length === 0) lines.push('Mismatches: 0');
  else {
    const byKind = new Map<string, number>();
    for (const m of report.mismatches) byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
    lines.push(`Mismatches: ${report.mismatches.length} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')})`);
    for (const m of report.mismatches.slice(0, maxListed)) lines.push(`  [${m.kind}] ${m.id}: ${m.message}`);
    if (report.mismatches.length > maxListed) lines.push(`  ... and ${report.mismatches.length - maxListed} more`);
  }
  return lines.join('\n');
}
