/** The order workflow on Step Functions: one execution per name, so a repeated start is a no-op. */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { WorkflowStarter } from '../ports.ts';

export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** Starts `executionName` (default: the order id) with the input `{ orderId }`. */
  async start(orderId: string, executionName: string = orderId): Promise<'started' | 'alreadyStarted'> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionName, input: JSON.stringify({ orderId }) }),
      );
      return 'started';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'alreadyStarted';
      throw error;
    }
  }
}
