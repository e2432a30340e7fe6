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

/** A global secondary index from its definition in `ORDERS_TABLE` (string keys; the sort key optional). */
const index = (
  { name, partitionKey, sortKey }: { name: string; partitionKey: string; sortKey?: string },
  projectionType: dynamodb.ProjectionType,
): dynamodb.GlobalSecondaryIndexProps => ({
  indexName: name,
  partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
  ...(sortKey ? { sortKey: { name: sortKey, type: dynamodb.AttributeType.STRING } } : {}),
  projectionType,
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
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.customerIndex, dynamodb.ProjectionType.ALL));
    // Sparse: only orders not yet final carry its key (see ORDERS_TABLE.openOrdersIndex).
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.openOrdersIndex, dynamodb.ProjectionType.KEYS_ONLY));
    // Staff lists by status and date, and the counts per status (never a Scan).
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.statusIndex, dynamodb.ProjectionType.ALL));
    // Staff's search by order number (written once per order; see ORDERS_TABLE.orderNumberIndex).
    this.ordersTable.addGlobalSecondaryIndex(index(ORDERS_TABLE.orderNumberIndex, dynamodb.ProjectionType.KEYS_ONLY));

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
