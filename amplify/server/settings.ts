/**
 * Settings and names of the server side, defined once: the AWS resources' names, keys and
 * settings and the functions' service names (the environment variables the handlers read and the
 * custom metrics' names: environment.ts). The cloud definition (`amplify/backend.ts`,
 * `amplify/cloud/`), the handlers and the local runtime (`local/`) all read them from here, and a
 * test checks that the synthesized template agrees. Plain data: importing it loads no library.
 */
import { TOKEN_LIFETIMES } from '../domain/auth.ts';
import { ENV } from './environment.ts';

export const ORDERS_TABLE = {
  /** Local table name; in AWS the name is generated and passed in `ENV.ordersTable`. */
  localName: 'orders',
  partitionKey: 'orderId',
  /**
   * A customer's orders, newest first (`GET /orders`). The index holds the
   * keys and `status` (the list's filter); the list then reads the orders by id (BatchGetItem).
   * Projecting whole orders would rewrite the index entry on every update of an order (each step
   * records something); now only a status change does (one write unit).
   */
  customerIndex: {
    name: 'CustomerIndex',
    partitionKey: 'customerId',
    sortKey: 'orderDate',
    projection: { type: 'INCLUDE', attributes: ['status'] },
  },
  /**
   * A sparse index of the orders not yet in a final status, sorted by when their next step is due,
   * for the recovery job: an order carries `openMarker` from its creation until its final status
   * removes it, and `nextStepDueAt` says when it should next move (now, for a step the workflow
   * runs at once; the estimated delivery date for a shipped order). The job queries only the open
   * orders overdue by more than `RECOVERY.staleAfterMinutes`, so an order waiting for its delivery
   * date is never looked at. Keys only: the job needs just the id.
   */
  openOrdersIndex: {
    name: 'OpenOrdersDueIndex',
    partitionKey: 'openMarker',
    sortKey: 'nextStepDueAt',
    marker: 'OPEN',
    projection: { type: 'KEYS_ONLY' },
  },
  /**
   * Every order by status, newest first: the staff's filtered lists and the counts per status
   * (`GET /orders` for staff) query it, one partition per status, never a Scan. It holds the keys
   * and `customerId` (a customer's counts filter on it); lists read the orders by id, as above.
   */
  statusIndex: {
    name: 'StatusDateIndex',
    partitionKey: 'status',
    sortKey: 'orderDate',
    projection: { type: 'INCLUDE', attributes: ['customerId'] },
  },
  /**
   * Staff look an order up by the short number a customer reads out (`orderNumberOf`). Keys only:
   * the number never changes, so each order writes it once; a search reads the order by its id.
   */
  orderNumberIndex: {
    name: 'OrderNumberIndex',
    partitionKey: 'orderNumber',
    projection: { type: 'KEYS_ONLY' },
  },
  /**
   * Staff find a customer's orders by the e-mail address on them (`GET /orders?customerEmail=`),
   * newest first, never a Scan. Keys only: an order's status changes never rewrite its entry (2.8
   * writes an order saved, $0.24 per 100,000 orders); the list reads the orders by id and filters a
   * status there. Addresses are stored and searched in lower case.
   */
  customerEmailIndex: {
    name: 'CustomerEmailIndex',
    partitionKey: 'customerEmail',
    sortKey: 'orderDate',
    projection: { type: 'KEYS_ONLY' },
  },
} as const;

/**
 * Every global secondary index of the orders table, in one list: the cloud table
 * (amplify/cloud/data.ts), the local one (local/dynamodb.ts) and the throttle alarms
 * (amplify/cloud/monitoring.ts) are all built from it.
 */
export const ORDERS_TABLE_INDEXES = [
  ORDERS_TABLE.customerIndex,
  ORDERS_TABLE.openOrdersIndex,
  ORDERS_TABLE.statusIndex,
  ORDERS_TABLE.orderNumberIndex,
  ORDERS_TABLE.customerEmailIndex,
] as const;
export type OrdersTableIndex = (typeof ORDERS_TABLE_INDEXES)[number];

/**
 * Stock per product (`amplify/server/aws/dynamodb-stock-ledger.ts`): its own table, on-demand, no
 * index. Per product one stock item (`entry` = `stockEntry`) holding `available`, `sold` and the open
 * reservations as a map `reservations.<orderId>:<attempt> = { qty, at }`; every reserve, release and
 * sale is one conditional UpdateItem on that item that moves the count and the map entry together
 * (atomic without transactions, idempotent by the map entry). Beside it, one item per staff change
 * (`entry` = `historyPrefix<at>#<id>`), read newest first with a Query on the product.
 * Bounds: an item holds at most 400 KB, a reservation entry ~70 bytes, so ~5,000 open reservations
 * per product (orders paid and in their cancel window, or not yet paid); each write costs one write
 * unit per KB of the item, so a product with 100 open reservations pays ~7 units per reserve, release
 * or sale. The entries grow with a product's order rate times the cancel window: at ~1.4 orders a
 * second of one product (an hour's window) the item reaches the size limit, each write then costing
 * ~340 units against the partition's 1,000 a second (the hot key; docs/inventory.md), far above this
 * store's ~0.04 orders a second in all. No index: `GET /products` and the recovery job read every product's
 * stock item by key (BatchGetItem, the catalog's ids), never a Scan.
 */
export const STOCK_TABLE = {
  localName: 'stock',
  partitionKey: 'productId',
  sortKey: 'entry',
  stockEntry: 'STOCK',
  historyPrefix: 'HISTORY#',
} as const;

/** Powertools idempotency records (https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/). */
export const IDEMPOTENCY_TABLE = {
  localName: 'idempotency',
  partitionKey: 'id',
  ttlAttribute: 'expiration',
} as const;

/**
 * The shop's figures per day (issue 27; `amplify/domain/stats.ts`), kept as counters while orders
 * move, never read from the orders. One item per day: partition key `DAY#<time zone>` (the shop's
 * `SHOP_TIME_ZONE`; a new zone starts a new series, which the backfill fills), sort key the day
 * `YYYY-MM-DD`. `GET /stats` is one Query over a range of days (at most 366 items of about 1 KB: one
 * page). Every status change is one `UpdateItem ... ADD` on its day's item, per-product units and
 * revenue included (`u#<productId>`, `c#<productId>`: ~29 bytes a product sold that day, so the item
 * stays under 1 KB, one write unit, up to ~28 products sold in a day; 400 KB is ~13,000 products).
 * Hot key: all of a day's changes update one item (DynamoDB: 1,000 write units a second per
 * partition, ~270 orders a second at ~3.7 changes an order); past that, shard the sort key.
 */
export const STATS_TABLE = {
  localName: 'stats',
  partitionKey: 'pk',
  sortKey: 'day',
  dayPartitionPrefix: 'DAY#',
} as const;

/**
 * A customer's Idempotency-Key for `POST /orders`, recorded in the idempotency table beside the
 * random order id it created (`amplify/server/aws/dynamodb-order-keys.ts`). The record id hashes the caller's
 * `sub` with the key, so keys are scoped to the caller and an order id reveals nothing.
 */
export const ORDER_KEYS = {
  idPrefix: 'order-key#',
  /**
   * How long a key is remembered: its record carries `IDEMPOTENCY_TABLE.ttlAttribute` and DynamoDB's
   * TTL deletes it some time after (a client's retries come within minutes; Stripe keeps keys 24
   * hours). Until then the same key lands on the same order; after, it places a new one.
   */
  expiresAfterSeconds: 24 * 60 * 60,
} as const;

/**
 * Orders per account per minute (`ENV.orderRateLimit`, default `defaultLimit`; 0 turns it off):
 * more is a 429 with `Retry-After`. A person checking out places one order in minutes; 20 a
 * minute leaves room for a family sharing an account or a shop assistant, and stops a script (one
 * account placed 30 orders in 1.8 s, each sending mail). Counted in the idempotency table.
 */
/**
 * A deleted account (`DELETE /me`) is remembered on the idempotency table for as long as a token
 * it was issued can still be valid (the ID token's lifetime, and margin): orders from it are refused
 * (403), so none arrives after its orders were anonymized.
 */
export const CLOSED_ACCOUNTS = {
  idPrefix: 'closed-account#',
  keepSeconds: (TOKEN_LIFETIMES.idTokenMinutes + 60) * 60,
} as const;

export const ORDER_RATE = {
  idPrefix: 'order-rate#',
  defaultLimit: 20,
  /** How long a minute's counter is kept after the minute (TTL). */
  keepSeconds: 120,
} as const;

/**
 * Written by the storefront's `/prod/*` viewer-request function (CloudFront, with WAF on): the
 * viewer's IP address, the one WAF's API rule counts, and app-server's per-minute limit on guests'
 * orders (`ENV.viewerIpTrusted`).
 */
export const VIEWER_IP_HEADER = 'x-viewer-ip';

/**
 * The secret guest orders' tokens are derived from (`amplify/server/order-token.ts`): generated
 * by CloudFormation in AWS (its name too, so two deployments in an account never collide), by the
 * local Secrets Manager locally. Not rotated: a token already in a customer's e-mail would stop
 * matching the links of the order's later e-mails.
 */
export const ORDER_TOKEN_SECRET = {
  localName: 'order-token',
  /** Characters CloudFormation generates (letters and digits: about 380 bits). */
  length: 64,
} as const;

/**
 * How long app-server trusts its last look at a staff member in the user pool (group membership,
 * enabled, TOTP set up) before asking again: removal from `ADMINS`, disabling or deletion takes
 * staff powers away within this (plus one request), whatever the ID token still says.
 */
export const STAFF_CHECK = { cacheSeconds: 60 } as const;

export const ORDER_QUEUE = {
  localName: 'order-queue',
  visibilityTimeoutSeconds: 300,
  retentionPeriodSeconds: 14 * 24 * 60 * 60,
  receiveWaitTimeSeconds: 20,
  /** Receives before a message is moved to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Messages handed to one `order-starter` invocation. */
  batchSize: 10,
  /**
   * At most this many order-starter invocations at once (the SQS event source's
   * `MaximumConcurrency`, 2-1000): a burst of orders queues up instead of taking the account's
   * Lambda concurrency (1,000 by default, shared with every other function) from other apps. Each
   * invocation starts up to `batchSize` executions in well under a second.
   */
  maxConcurrency: 5,
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

/**
 * Each function: its name, which is also its Powertools service name (logs, traces, metrics), and
 * its X-Ray tracing mode. `Active`: Lambda follows the caller's sampling decision and, when there
 * is none, samples by its own fixed rule (the first request each second, then 5%), which at this
 * store's volume records every invocation. `PassThrough`: Lambda records a trace only when the
 * caller's header says sampled. order-starter (fed by the queue) and process-order (called by the
 * workflow, and by the delivery schedules, which send no header) use PassThrough: they are traced
 * only as part of a trace someone upstream sampled, and never start traces of their own. So a
 * workflow execution is traced only when the decision order-starter hands Step Functions says so
 * (`amplify/cloud/tracing.ts`); an order's API requests are traced at 5%.
 */
export const FUNCTIONS = {
  /**
   * Under API Gateway's 29-second integration timeout (`API_INTEGRATION_TIMEOUT_SECONDS`): past it
   * the client has its 504 while the function would still run, and might place the order it was
   * told failed. Ending first, the function's own error is what the client sees.
   */
  appServer: { name: 'app-server', memoryMB: 128, timeoutSeconds: 25, tracing: 'Active' },
  orderStarter: { name: 'order-starter', memoryMB: 128, timeoutSeconds: 30, tracing: 'PassThrough' },
  processOrder: { name: 'process-order', memoryMB: 128, timeoutSeconds: 30, tracing: 'PassThrough' },
  /**
   * Scheduled recovery job. 120 s, well under the schedule interval so runs do not overlap; the
   * job stops starting new work `RECOVERY.stopBeforeTimeoutSeconds` before it, so it always ends
   * (and publishes its metrics) on its own; the next run continues.
   */
  recoverOrders: { name: 'recover-orders', memoryMB: 128, timeoutSeconds: 120, tracing: 'Active' },
} as const;

/** API Gateway REST's limit on waiting for an integration (Lambda proxy), seconds. */
export const API_INTEGRATION_TIMEOUT_SECONDS = 29;

/**
 * How the functions log in AWS (Lambda's logging configuration, set by amplify/cloud/functions.ts):
 *   - JSON, the format Lambda's log-level filtering needs.
 *   - Application logs at INFO and above. Powertools' metrics are log lines without a level, which
 *     Lambda counts as INFO: a stricter level would drop them. The handlers log the happy path's
 *     steps at DEBUG (each step's outcome is on the order and in the metrics), so a successful
 *     order writes no application log line; warnings and errors are always logged.
 *   - Lambda's own lines at WARN: the START and REPORT lines (INFO) it writes for every invocation
 *     are dropped. Lambda's metrics (duration, errors, throttles) do not depend on them.
 * Powertools' logger follows Lambda's application level (AWS_LAMBDA_LOG_LEVEL takes precedence over
 * POWERTOOLS_LOG_LEVEL). The bench's cost run logs at this level; `npm start` at WARN unless
 * POWERTOOLS_LOG_LEVEL says otherwise (a quiet console). To follow each step of a deployed
 * function, set its application log level to DEBUG. What WARN costs: Lambda's REPORT line also
 * carried each invocation's duration, memory used and init time (Lambda's metrics keep duration).
 */
export const FUNCTION_LOGGING = { format: 'JSON', applicationLevel: 'INFO', systemLevel: 'WARN' } as const;

/** The recovery job (`amplify/server/recovery.ts`): how often it runs, and when an order counts as stuck. */
export const RECOVERY = {
  scheduleMinutes: 5,
  /**
   * Open orders overdue by longer than this are stuck (the workflow's steps take seconds). The
   * cloud's value; `ENV.recoveryStaleAfterMs` sets another (the local runtime), see `recoveryStaleAfterMs`.
   */
  staleAfterMinutes: 15,
  /** Open orders read per index page (keys only). */
  pageSize: 100,
  /** Time kept back from the function's timeout for the order in hand and publishing metrics. */
  stopBeforeTimeoutSeconds: 20,
  /** New executions the job gives one order (counted on it) before it gives up and says so. */
  maxExecutionsPerOrder: 3,
} as const;

/** Retention of every log group of a deployment (functions, API, workflow). */
export const LOG_RETENTION = '1 month' as const;

export const STATE_MACHINE = {
  localName: 'order-workflow',
  /**
   * Express: payment, shipment and e-mail take seconds; Express bills requests and duration, not
   * state transitions. It has no execution-name deduplication and no DescribeExecution: the
   * order's conditional status updates and the idempotent steps make a duplicated start harmless.
   */
  type: 'EXPRESS',
  /** Express executions end after at most 5 minutes: an older start cannot still be running. */
  maxDurationMinutes: 5,
  /** Placeholder in the ASL file replaced by the process-order function's ARN. */
  processOrderArnPlaceholder: 'ProcessOrderFunctionArn',
} as const;

/**
 * The one-time EventBridge Scheduler schedule per shipped order that confirms its delivery at the
 * estimated delivery date (`amplify/functions/process-order/delivery-schedule.ts`).
 */
export const DELIVERY_SCHEDULE = {
  /** Schedule name: `<prefix><orderId>` (a second create for the same order is a ConflictException). */
  namePrefix: 'deliver-',
  /** Locally only the default group exists; in AWS each deployment has its own group. */
  localGroupName: 'default',
  /** A schedule is never due sooner than this after its creation (a late re-creation by recovery). */
  minLeadSeconds: 60,
  /**
   * Scheduler's retries of an invocation Lambda did not accept (throttled, unavailable). Scheduler
   * invokes Lambda asynchronously: once Lambda accepts the event, a failing handler is retried by
   * Lambda's own asynchronous retries (2, its default), not these. What is left is the recovery job's.
   */
  retryAttempts: 10,
  maxEventAgeSeconds: 24 * 60 * 60,
} as const;

/**
 * The cancel window: after payment, shipment is arranged only this many seconds later, so the
 * customer can cancel for that long (staff: until it ships). The workflow holds a paid order and
 * a one-time schedule (`ship-<orderId>`, in the delivery schedule group) starts its execution
 * again when the window closes. `CANCEL_WINDOW_SECONDS` sets it (process-order's environment);
 * 0 ships at once.
 */
export const CANCEL_WINDOW = {
  cloudDefaultSeconds: 3600,
  /** `npm start`: long enough to try a cancel, short enough for the demo to deliver quickly. */
  localDefaultSeconds: 20,
  maxSeconds: 7 * 24 * 3600,
  scheduleNamePrefix: 'ship-',
  /** Locally, the execution a shipment schedule starts is named `<orderId>-ship` (AWS names it itself). */
  localExecutionSuffix: '-ship',
} as const;

/**
 * How long an open order must be overdue before the recovery job drives it on, in milliseconds:
 * `ENV.recoveryStaleAfterMs` where it is set (the local runtime's `LOCAL_RECOVERY_STALE_AFTER_MS`),
 * else `RECOVERY.staleAfterMinutes` (the cloud sets no variable). Also checks a run's own value
 * (`RecoveryRunDetail`): a whole number; a negative one looks ahead (orders due that much later).
 */
export function recoveryStaleAfterMs(value: unknown = process.env[ENV.recoveryStaleAfterMs]): number {
  if (value === undefined || value === '') return RECOVERY.staleAfterMinutes * 60_000;
  const ms = typeof value === 'string' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) {
    throw new RangeError(`The recovery staleness must be a whole number of milliseconds, not ${JSON.stringify(value)}`);
  }
  return ms;
}
