/**
 * The tables' names, keys and indexes, defined once: the cloud tables (amplify/cloud/data.ts), the
 * local ones (local/dynamodb/dynamodb.ts) and the DynamoDB adapters (amplify/server/aws/) all read them from
 * here, and a cloud test checks that the synthesized template agrees. Plain data.
 */

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
 * (amplify/cloud/data.ts), the local one (local/dynamodb/dynamodb.ts) and the throttle alarms
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
