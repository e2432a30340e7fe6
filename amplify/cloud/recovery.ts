/**
 * The scheduled recovery job: an EventBridge rule runs `recover-orders` every
 * `RECOVERY.scheduleMinutes`, and the function gets exactly what `recoverStuckOrders` uses:
 * query the open-orders index, count a recovery attempt on an order, start executions of the
 * (Express) order workflow, send to the queue. No DescribeExecution: Express has none.
 */
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RECOVERY } from '../server/settings/recovery.ts';
import { ORDERS_TABLE } from '../server/settings/tables.ts';

export interface OrderRecoveryProps {
  readonly recoverOrders: lambda.Function;
  readonly ordersTable: dynamodb.ITable;
  readonly stockTable: dynamodb.ITable;
  readonly stateMachine: sfn.StateMachine;
  readonly queue: sqs.IQueue;
}

export class OrderRecovery extends Construct {
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: OrderRecoveryProps) {
    super(scope, id);
    const { recoverOrders: fn, ordersTable, stockTable, stateMachine, queue } = props;

    // Open orders are queried on the sparse open-orders index (`OrderRepository.openOrdersDueBefore`).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${ordersTable.tableArn}/index/${ORDERS_TABLE.openOrdersIndex.name}`],
      }),
    );
    // Each recovery attempt is counted on the order (`OrderStore.claimRecoveryAttempt`, a
    // conditional update; a refused one reads the order to tell a closed order from an exhausted one).
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [ordersTable.tableArn] }));
    // Stock: seeds a product without a stock item (PutItem, conditional), reads every product's
    // reservations (BatchGetItem) and settles those of orders that stopped moving (UpdateItem).
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [stockTable.tableArn] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }));
    // The queue uses SQS-managed encryption (SSE-SQS): no KMS permission is needed to send.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));

    // A failed run is not retried by Lambda: the next scheduled run, minutes later, does the same
    // work, and a retry could overlap it. Its errors reach the alarms (see Monitoring).
    const interval = Duration.minutes(RECOVERY.scheduleMinutes);
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: interval });

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Runs the order recovery job every ${RECOVERY.scheduleMinutes} minutes`,
      schedule: events.Schedule.rate(interval),
      targets: [
        // EventBridge retries a failed delivery (throttling, service error) until the next run is
        // due; no dead-letter queue: a scheduled event carries nothing the next run does not redo.
        new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: interval }),
      ],
    });
  }
}
