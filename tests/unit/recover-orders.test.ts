/**
 * recover-orders called with the EventBridge scheduled event, DynamoDB, Step Functions and SQS
 * mocked at the SDK: an overdue order whose workflow never started is enqueued again, one whose
 * execution failed gets the next execution, a running one is left alone, one that used up its
 * executions is reported (an ERROR log: a person must look at it).
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HANDLER_ENV, lambdaContext, QUEUE_URL, scheduledEvent, STATE_MACHINE_ARN } from './events.ts';
import { captureLogs } from './logs.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
let handler: (event: ScheduledEvent, context: Context) => Promise<object>;
let logs: ReturnType<typeof captureLogs>;

const NEVER_STARTED = '11111111-1111-4111-8111-111111111111';
const FAILED = '22222222-2222-4222-8222-222222222222';
const RUNNING = '33333333-3333-4333-8333-333333333333';
const EXHAUSTED = '44444444-4444-4444-8444-444444444444';
const executionArn = (name: string) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
const doesNotExist = () => new ExecutionDoesNotExist({ message: 'Execution does not exist', $metadata: {} });

beforeAll(async () => {
  for (const [name, value] of Object.entries(HANDLER_ENV)) vi.stubEnv(name, value);
  ({ handler } = await import('../../amplify/functions/recover-orders/handler.ts'));
});
afterAll(() => {
  vi.unstubAllEnvs();
  [ddb, sfn, sqs].forEach((mock) => mock.restore());
});
beforeEach(() => {
  [ddb, sfn, sqs].forEach((mock) => mock.reset());
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('recover-orders', () => {
  it('re-enqueues, restarts, leaves alone and gives up, each where it should, from one index page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [NEVER_STARTED, FAILED, RUNNING, EXHAUSTED].map((orderId) => ({ orderId })) });
    sfn.on(DescribeExecutionCommand).rejects(doesNotExist());
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn(FAILED) }).resolves({ status: 'FAILED' });
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn(RUNNING) }).resolves({ status: 'RUNNING' });
    for (const name of [EXHAUSTED, `${EXHAUSTED}-r1`, `${EXHAUSTED}-r2`, `${EXHAUSTED}-r3`]) {
      sfn.on(DescribeExecutionCommand, { executionArn: executionArn(name) }).resolves({ status: 'TIMED_OUT' });
    }
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    const report = await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));

    expect(report).toMatchObject({ examined: 4, pages: 1, enqueued: [NEVER_STARTED], restarted: [FAILED], gaveUp: [EXHAUSTED], failed: [], stoppedEarly: false });
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ TableName: 'orders-table', IndexName: 'OpenOrdersDueIndex' });
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ orderId: NEVER_STARTED }) },
    ]);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: `${FAILED}-r1`, input: JSON.stringify({ orderId: FAILED }) },
    ]);
    expect(logs.messages('error')).toEqual(['Orders still stuck after every recovery attempt; they need a person']);
    expect(logs.lines.find((line) => line.level === 'error')!.extra[0]).toEqual({ gaveUp: [EXHAUSTED] });
  });

  it('goes on with the other orders when one fails, and counts it as failed (a warning, not an error)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ orderId: FAILED }, { orderId: NEVER_STARTED }] });
    sfn.on(DescribeExecutionCommand).rejects(doesNotExist());
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn(FAILED) }).rejects(new Error('Rate exceeded'));
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    const report = await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));

    expect(report).toMatchObject({ examined: 2, failed: [FAILED], enqueued: [NEVER_STARTED] });
    expect(logs.messages('warn')).toEqual(['Could not recover this order now; the next run retries']);
    expect(logs.messages('error')).toEqual([]);
  });

  it('stops before its timeout and says so, leaving the rest to the next run', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ orderId: NEVER_STARTED }] });

    // Less time left than the margin the job keeps back: it starts nothing.
    const report = await handler(scheduledEvent(), lambdaContext('recover-orders', 5_000));

    expect(report).toMatchObject({ examined: 0, stoppedEarly: true });
    expect(ddb.calls()).toHaveLength(0);
    expect(logs.messages('warn')).toEqual(['Recovery run stopped at its deadline; the next run continues']);
  });
});
