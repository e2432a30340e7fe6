/**
 * The data box: the orders table (with its three indexes) and the idempotency table. Keys and
 * index names come from `amplify/server/settings.ts`, the same the local runtime builds from.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE } from '../server/settings.ts';

export interface OrderDataProps {
  /** Keep the tables when the stack is deleted (branch deployments); sandboxes clean up. */
  readonly retainData: boolean;
}

type IndexDefinition = (typeof ORDERS_TABLE)['customerIndex' | 'openOrdersIndex' | 'statusIndex' | 'orderNumberIndex'];

/** A global secondary index from its definition in `ORDERS_TABLE` (string keys, the sort key optional, its projection). */
const index = (definition: IndexDefinition): dynamodb.GlobalSecondaryIndexProps => ({
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

  constructor(scope: Construct, id: string, props: OrderDataProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.ordersTable = new dynamodb.Table(this, 'OrdersTable', {
      partitionKey: { name: ORDERS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.retainData,
      removalPolicy,
    });
    // Projections, and why, with each index in ORDERS_TABLE.
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.customerIndex));
    // Sparse: only orders not yet final carry its key (see ORDERS_TABLE.openOrdersIndex).
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.openOrdersIndex));
    // Staff lists by status and date, and the counts per status (never a Scan).
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.statusIndex));
    // Staff's search by order number (written once per order; see ORDERS_TABLE.orderNumberIndex).
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.orderNumberIndex));

    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
  }
}
