/**
 * The order workflow on Step Functions (Express): every start is a new execution, also under a
 * name already used (Express does not deduplicate names); the steps' idempotency makes a repeated
 * start harmless.
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { WorkflowStarter } from '../ports.ts';

export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** Starts an execution named `executionName` (default: the order id) with the input `{ orderId }`. */
  async start(orderId: string, executionName: string = orderId): Promise<void> {
    await this.sfn.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionName, input: JSON.stringify({ orderId }) }),
    );
  }
}
