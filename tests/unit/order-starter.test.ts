/**
 * order-starter called with SQS batches as the event source mapping delivers them, Step Functions
 * mocked at the SDK: one execution per order, named after it; failed records reported back as
 * batch item failures (retried by SQS, then dead-lettered), the rest of the batch unaffected.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HANDLER_ENV, lambdaContext, sqsEvent, STATE_MACHINE_ARN } from './events.ts';
import { captureLogs } from './logs.ts';

const sfn = mockClient(SFNClient);
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let logs: ReturnType<typeof captureLogs>;
const context = lambdaContext('order-starter');
const ORDER_A = '0b6e4a3c-1d2f-4e5a-8b7c-9d0e1f2a3b4c';
const ORDER_B = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';

beforeAll(async () => {
  for (const [name, value] of Object.entries(HANDLER_ENV)) vi.stubEnv(name, value);
  ({ handler } = await import('../../amplify/functions/order-starter/handler.ts'));
});
afterAll(() => {
  vi.unstubAllEnvs();
  sfn.restore();
});
beforeEach(() => {
  sfn.reset();
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('order-starter', () => {
  it('starts one execution per order, named after the order, with {orderId} as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });

    const result = await handler(sqsEvent([JSON.stringify({ orderId: ORDER_A }), JSON.stringify({ orderId: ORDER_B })]), context);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: ORDER_A, input: JSON.stringify({ orderId: ORDER_A }) },
      { stateMachineArn: STATE_MACHINE_ARN, name: ORDER_B, input: JSON.stringify({ orderId: ORDER_B }) },
    ]);
  });

  it('logs each started workflow with its order id', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    await handler(sqsEvent([JSON.stringify({ orderId: ORDER_A }), '{"orderId": 42}']), context);
    // DEBUG: a started workflow writes no application log line in the cloud (FUNCTION_LOGGING).
    expect(logs.lines.filter((line) => line.level === 'debug').map((line) => [line.message, line.extra])).toEqual([['Workflow started', [{ orderId: ORDER_A }]]]);
    expect(logs.messages('info')).toEqual([]);
  });

  it('starts a message delivered twice twice (Express does not deduplicate; the steps are idempotent)', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });

    const result = await handler(sqsEvent([JSON.stringify({ orderId: ORDER_A }), JSON.stringify({ orderId: ORDER_A })]), context);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([ORDER_A, ORDER_A]);
  });

  it('reports a malformed message and a failed start as batch item failures, and starts the rest', async () => {
    sfn
      .on(StartExecutionCommand, { name: ORDER_B })
      .rejects(new Error('Rate exceeded'))
      .on(StartExecutionCommand, { name: ORDER_A })
      .resolves({ executionArn: 'arn', startDate: new Date() });

    const result = await handler(
      sqsEvent([JSON.stringify({ orderId: ORDER_A }), '{"orderId": 42}', JSON.stringify({ orderId: ORDER_B })]),
      context,
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-2' }, { itemIdentifier: 'message-3' }]);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([ORDER_A, ORDER_B]);
  });
});
