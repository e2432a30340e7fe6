/**
 * The order workflow on Step Functions (Express): every start is a new execution, also under a
 * name already used (Express does not deduplicate names); the steps' idempotency makes a repeated
 * start harmless.
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { WorkflowStarter } from '../ports.ts';

/** An order's first execution is named after it; recovery attempt n's is `<orderId>-r<n>`. */
export const executionName = (orderId: string, attempt = 0) => (attempt === 0 ? orderId : `${orderId}-r${attempt}`);

export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** Starts an execution named by `executionName` with the input `{ orderId }`. */
  async start(orderId: string, attempt = 0): Promise<void> {
    await this.sfn.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionName(orderId, attempt), input: JSON.stringify({ orderId }) }),
    );
  }
}
