/**
 * Names, keys and settings of the AWS resources, defined once. The cloud definition
 * (`amplify/backend.ts`) and the local runtime (`local/`) both build their resources from here,
 * and a test checks that the synthesized template agrees.
 */

export const ORDERS_TABLE = {
  /** Local table name; in AWS the name is generated and passed in `ENV.ordersTable`. */
  localName: 'orders',
  partitionKey: 'orderId',
  customerIndex: {
    name: 'CustomerIndex',
    partitionKey: 'customerId',
    sortKey: 'orderDate',
  },
  /**
   * A sparse index of the orders not yet in a final status, for the recovery job: an order carries
   * `openMarker` from its creation until its final status removes it, so the job queries the open
   * orders instead of scanning every order ever placed. Keys only: the job needs just the id.
   */
  openOrdersIndex: {
    name: 'OpenOrdersIndex',
    partitionKey: 'openMarker',
    sortKey: 'updatedAt',
    marker: 'OPEN',
  },
  /**
   * Every order by status, newest first: the staff's filtered lists and the counts per status
   * (`GET /orders` for staff) query it, one partition per status, never a Scan.
   */
  statusIndex: {
    name: 'StatusDateIndex',
    partitionKey: 'status',
    sortKey: 'orderDate',
  },
} as const;

/** Powertools idempotency records (https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/). */
export const IDEMPOTENCY_TABLE = {
  localName: 'idempotency',
  partitionKey: 'id',
  ttlAttribute: 'expiration',
} as const;

/**
 * A customer's Idempotency-Key for `POST /orders`, recorded in the idempotency table beside the
 * random order id it created (`amplify/domain/order-keys.ts`). The record id hashes the caller's
 * `sub` with the key, so keys are scoped to the caller and an order id reveals nothing.
 */
export const ORDER_KEYS = {
  idPrefix: 'order-key#',
} as const;

export const ORDER_QUEUE = {
  localName: 'order-queue',
  visibilityTimeoutSeconds: 300,
  retentionPeriodSeconds: 14 * 24 * 60 * 60,
  receiveWaitTimeSeconds: 20,
  /** Receives before a message is moved to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Messages handed to one `order-starter` invocation. */
  batchSize: 10,
  deadLetter: {
    localName: 'order-dlq',
    retentionPeriodSeconds: 14 * 24 * 60 * 60,
  },
} as const;

export const NOTIFICATION_TOPIC = {
  localName: 'order-notifications',
  displayName: 'Order notifications',
} as const;

/** The Amplify resource group (nested stack) holding the functions and every custom resource. */
export const RESOURCE_GROUP = 'orders';

export const FUNCTIONS = {
  appServer: { name: 'app-server', memoryMB: 128, timeoutSeconds: 30 },
  orderStarter: { name: 'order-starter', memoryMB: 128, timeoutSeconds: 30 },
  processOrder: { name: 'process-order', memoryMB: 128, timeoutSeconds: 30 },
  /**
   * Scheduled recovery job. 120 s: it scans the orders table (1 MB pages) and makes up to
   * `MAX_RECOVERY_EXECUTIONS + 1` DescribeExecution calls per stale open order, one by one; that
   * fits with a wide margin, and stays well under the schedule interval so runs do not overlap.
   */
  recoverOrders: { name: 'recover-orders', memoryMB: 128, timeoutSeconds: 120 },
} as const;

/** The recovery job (`amplify/domain/recovery.ts`): how often it runs, and when an order counts as stuck. */
export const RECOVERY = {
  scheduleMinutes: 5,
  /** Open orders untouched for longer than this are stuck (the workflow's steps take seconds). */
  staleAfterMinutes: 15,
} as const;

export const STATE_MACHINE = {
  localName: 'order-workflow',
  /** Placeholder in the ASL file replaced by the process-order function's ARN. */
  processOrderArnPlaceholder: 'ProcessOrderFunctionArn',
} as const;

/** Environment variables the handlers read. */
export const ENV = {
  ordersTable: 'ORDERS_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
  queueUrl: 'QUEUE_URL',
  stateMachineArn: 'STATE_MACHINE_ARN',
  topicArn: 'SNS_TOPIC_ARN',
  paymentSuccessRate: 'PAYMENT_SUCCESS_RATE',
} as const;

export const DEFAULT_PAYMENT_SUCCESS_RATE = 0.9;

/** Reads a required environment variable; a missing one is a deployment bug, so fail loudly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
