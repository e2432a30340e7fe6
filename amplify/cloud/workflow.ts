/**
 * The order workflow and the delivery schedules:
 * - an Express state machine (payment -> shipment -> e-mail -> delivery schedule, with their
 *   retries, catches and compensation), from the ASL file the local runtime runs too;
 * - a schedule group for the one-time EventBridge Scheduler schedules process-order creates per
 *   shipped order (`amplify/functions/process-order/delivery-schedule.ts`), and the role Scheduler
 *   assumes to invoke process-order's `confirm_delivery` (lambda:InvokeFunction on it, nothing else);
 * - process-order's permissions to create those schedules (in this group only) and to pass that
 *   role (to Scheduler only).
 */
import { Aws, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STATE_MACHINE } from '../server/settings/pipeline.ts';
import { renderWorkflow } from '../server/workflow.ts';
import { acknowledge } from './nag.ts';

export interface OrderWorkflowProps {
  /** Unique per deployment: part of the workflow's log group name. */
  readonly deploymentName: string;
  readonly processOrder: lambda.Function;
  /** Keep the workflow's logs when the stack is deleted (branch deployments). */
  readonly retainData: boolean;
}

/**
 * The last group of the stack's id (`arn:...:stack/<name>/<uuid>`): 12 hex digits, new each time
 * the stack is created. A retained resource with a name of our own carries it, so deleting a
 * deployment and creating it again (same stack name) never meets the old one ("already exists").
 */
export function stackCreationSuffix(): string {
  return Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

export class OrderWorkflow extends Construct {
  readonly logs: logs.LogGroup;
  readonly stateMachine: sfn.StateMachine;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Assumed by EventBridge Scheduler to invoke process-order (`confirm_delivery`). */
  readonly schedulerRole: iam.Role;
  /** `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/*`: the schedules process-order may create. */
  readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: OrderWorkflowProps) {
    super(scope, id);
    const { processOrder } = props;

    // Under /aws/vendedlogs/states/: Step Functions then needs no entry in the account's 5,120-
    // character CloudWatch Logs resource policy (one per log group elsewhere, until it is full).
    // Retained with a branch (the only record of its executions), so named per stack creation.
    this.logs = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.deploymentName}-order-workflow-${stackCreationSuffix()}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    if (STATE_MACHINE.type !== 'EXPRESS') throw new Error('The order workflow is defined as Express');
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      // Inline (not `fromFile`, which uploads an asset): the template carries the definition.
      definitionBody: sfn.DefinitionBody.fromString(renderWorkflow(processOrder.functionArn)),
      tracingEnabled: true,
      // Express keeps no execution history: its logs are the only record. ERROR logs every failed
      // execution and failed state (ExecutionFailed, TaskFailed, ...) with its error name and
      // cause, and the execution's name is the order id, so a failure can be traced to its order;
      // a successful execution writes nothing (log ingestion is paid per byte). Execution data
      // (inputs and outputs) stays out: it holds customer names and e-mail addresses.
      logs: { destination: this.logs, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    // The ASL uses the plain Lambda ARN as Task resource: invoke on the unqualified ARN only.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [processOrder.functionArn] }),
    );

    // ------------------------------------------------------------ delivery schedules
    // Its name is generated from the construct path, which holds the deployment's stack name:
    // unique per deployment, and known at synthesis (so the IAM scope below is a plain string).
    // Deleted with the stack in every deployment: deleting a group deletes its schedules, which
    // would otherwise keep firing at the deleted function, and a kept group's fixed name would make
    // creating the same branch again fail. The retained orders table keeps each order's dates.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'DeliverySchedules', { removalPolicy: RemovalPolicy.DESTROY });
    this.schedulerRole = new iam.Role(this, 'DeliverySchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke process-order when an order is due for delivery, and to start the workflow when a cancel window closes',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    // A separate policy resource (not inline in the role): process-order's environment names the
    // role, and this statement names process-order, so neither may be part of the other.
    this.schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [processOrder.functionArn] }),
    );
    // A cancel window's shipment schedule starts the workflow again (Scheduler's Step Functions target).
    this.schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }));

    this.schedulesArn = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });
    // Create only (a second create is a ConflictException, the step's "already scheduled"); the
    // schedule deletes itself after completion (ActionAfterCompletion: DELETE), as Scheduler does
    // with its own service permissions.
    processOrder.addToRolePolicy(new iam.PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [this.schedulesArn] }));
    processOrder.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }

  /** cdk-nag findings of this construct, each with the reason it is accepted. */
  acknowledgeNagFindings(processOrderRole: iam.IRole): void {
    acknowledge(this.stateMachine, {
      id: 'AwsSolutions-SF1',
      reason:
        'The Express workflow logs at ERROR, not ALL: every failed execution and failed state is logged with its error name and cause and the execution (named after its order), which is what an investigation needs; ALL would add about ten log events for every successful order, paid per ingested byte (docs/performance.md, cost model). Successful orders are visible on the order itself (its status and dates) and in the X-Ray traces.',
    });
    acknowledge(this.stateMachine.role, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for logging and tracing: logs:CreateLogDelivery/GetLogDelivery/UpdateLogDelivery/DeleteLogDelivery/ListLogDeliveries/PutResourcePolicy/DescribeResourcePolicies/DescribeLogGroups and xray:PutTraceSegments/PutTelemetryRecords/GetSamplingRules/GetSamplingTargets do not support resource-level permissions. lambda:InvokeFunction is on the process-order ARN only.',
    });
    acknowledge(processOrderRole, {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.scheduleGroup.scheduleGroupName}/*]`,
      reason:
        'process-order creates one delivery schedule per shipped order, named after the order (unknown at deployment), so scheduler:CreateSchedule (only that action) needs a wildcard on the schedule name; it is scoped to this deployment\'s delivery schedule group.',
    });
  }
}
