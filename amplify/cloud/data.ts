/**
 * The data box: the orders table (with the indexes of `ORDERS_TABLE_INDEXES`), the idempotency
 * table, the stock table (one stock item and the stock history per product, no index) and the stats table (per-day counters). Keys and indexes come from `amplify/server/settings/tables.ts`, the same the local runtime builds from.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE, ORDERS_TABLE_INDEXES, STATS_TABLE, STOCK_TABLE, type OrdersTableIndex } from '../server/settings/tables.ts';

export interface OrderDataProps {
  /** Keep the tables when the stack is deleted (branch deployments); sandboxes clean up. */
  readonly retainData: boolean;
}

/** A global secondary index from its definition in `ORDERS_TABLE` (string keys, the sort key optional, its projection). */
const index = (definition: OrdersTableIndex): dynamodb.GlobalSecondaryIndexProps => ({
  indexName: definition.name,
  partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
  ...('sortKey' in definition ? { sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
  ...(definition.projection.type === 'INCLUDE'
    ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...definition.projection.attributes] }
    : { projectionType: dynamodb.ProjectionType.KEYS_ONLY }),
});

export class OrderData extends Construct {
  readonly ordersTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly stockTable: dynamodb.Table;
  /** The shop's per-day counters (`STATS_TABLE`, issue 27): rebuilt from the orders by the backfill if lost. */
  readonly statsTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: OrderDataProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    /** Every table: on demand, point-in-time recovery, AWS-managed encryption, kept on branches. */
    const table = (tableId: string, keys: Pick<dynamodb.TableProps, 'partitionKey' | 'sortKey' | 'timeToLiveAttribute' | 'deletionProtection'>) =>
      new dynamodb.Table(this, tableId, {
        ...keys,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        removalPolicy,
      });
    const text = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });

    this.ordersTable = table('OrdersTable', { partitionKey: text(ORDERS_TABLE.partitionKey), deletionProtection: props.retainData });
    // What each index serves and why its projection, with its definition in ORDERS_TABLE.
    for (const definition of ORDERS_TABLE_INDEXES) this.ordersTable.addGlobalSecondaryIndex(index(definition));

    this.idempotencyTable = table('IdempotencyTable', { partitionKey: text(IDEMPOTENCY_TABLE.partitionKey), timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute });

    // On-demand: a few writes per order (reserve, then release or sale, per product); the item-size
    // and hot-key bounds are written beside STOCK_TABLE. Kept like the orders (deletion protection
    // on branches): stock counts are the shop's books.
    this.stockTable = table('StockTable', { partitionKey: text(STOCK_TABLE.partitionKey), sortKey: text(STOCK_TABLE.sortKey), deletionProtection: props.retainData });

    this.statsTable = table('StatsTable', { partitionKey: text(STATS_TABLE.partitionKey), sortKey: text(STATS_TABLE.sortKey) });
  }
}
