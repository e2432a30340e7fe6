/**
 * recover-orders called with the EventBridge scheduled event, DynamoDB, Step Functions and SQS
 * mocked at the SDK. No DescribeExecution (the workflow is Express): each overdue order's recovery
 * attempt is claimed on the order by a conditional update; a PENDING order at its first attempt
 * is enqueued again, any other gets the next execution, one that used up its attempts is reported
 * (an ERROR log: a person must look at it), one closed meanwhile is left alone.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RECOVERY } from '../../amplify/server/settings/recovery.ts';
import { ENV } from '../../amplify/server/environment.ts';
import { HANDLER_ENV, lambdaContext, QUEUE_URL, scheduledEvent, STATE_MACHINE_ARN } from './events.ts';
import { captureLogs } from './logs.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
let handler: (event: ScheduledEvent, context: Context) => Promise<object>;
let logs: ReturnType<typeof captureLogs>;

const NEVER_STARTED = '11111111-1111-4111-8111-111111111111';
const FAILED = '22222222-2222-4222-8222-222222222222';
const CLOSED = '33333333-3333-4333-8333-333333333333';
const EXHAUSTED = '44444444-4444-4444-8444-444444444444';
const STALLED_PENDING = '55555555-5555-4555-8555-555555555555';
const MOVING = '66666666-6666-4666-8666-666666666666';

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
/** The claim of an order's recovery attempt succeeds: the order as updated. */
const claimed = (orderId: string, status: string, recoveryAttempts: number) =>
  ddb.on(UpdateCommand, { Key: { orderId } }).resolves({ Attributes: { orderId, status, recoveryAttempts, openMarker: 'OPEN' } });
/** The claim is refused; the order read after it tells why. */
const refused = (orderId: string, item: Record<string, unknown>) => {
  ddb.on(UpdateCommand, { Key: { orderId } }).rejects(conditionFailed());
  ddb.on(GetCommand, { Key: { orderId } }).resolves({ Item: { orderId, ...item } });
};

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
  // The stock's part of each run: every product already has its stock item, none is low, nothing reserved.
  ddb.on(BatchGetCommand).callsFake(({ RequestItems }) => ({
    Responses: Object.fromEntries(Object.entries(RequestItems as Record<string, { Keys: { productId: string }[] }>).map(([table, { Keys }]) => [table, Keys.map(({ productId }) => ({ productId, available: 100, sold: 0, reservations: {} }))])),
  }));
  ddb.on(PutCommand).resolves({});
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('recover-orders', () => {
  it('re-enqueues, restarts, leaves alone and gives up, each where it should, from one index page, with no DescribeExecution', async () => {
    ddb.on(QueryCommand).resolves({ Items: [NEVER_STARTED, FAILED, CLOSED, EXHAUSTED, STALLED_PENDING, MOVING].map((orderId) => ({ orderId })) });
    claimed(NEVER_STARTED, 'PENDING', 1);
    claimed(FAILED, 'PAYMENT_PROCESSED', 1);
    // Enqueued once before and still PENDING: its next attempt is an execution, not another message.
    claimed(STALLED_PENDING, 'PENDING', 2);
    refused(CLOSED, { status: 'DELIVERED' });
    refused(EXHAUSTED, { status: 'SHIPPED', openMarker: 'OPEN', recoveryAttempts: RECOVERY.maxExecutionsPerOrder });
    // Overdue (its due date is its creation) but changed since the cutoff: its execution is at work.
    refused(MOVING, { status: 'PAYMENT_PROCESSED', openMarker: 'OPEN', recoveryAttempts: 0 });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    const report = await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));

    expect(report).toMatchObject({
      examined: 6,
      pages: 1,
      enqueued: [NEVER_STARTED],
      restarted: [FAILED, STALLED_PENDING],
      gaveUp: [EXHAUSTED],
      failed: [],
      stoppedEarly: false,
    });
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ TableName: 'orders-table', IndexName: 'OpenOrdersDueIndex' });
    // The claim: conditional on the order being open, under the cap and unchanged for 15 minutes
    // (RECOVERY.staleAfterMinutes), and due again from now.
    const claim = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(claim.TableName).toBe('orders-table');
    expect(claim.Key).toEqual({ orderId: NEVER_STARTED });
    expect(claim.ConditionExpression).toBe('attribute_exists(#open) AND (attribute_not_exists(#attempts) OR #attempts < :max) AND #updatedAt < :unchangedSince');
    expect(claim.ExpressionAttributeValues?.[':max']).toBe(RECOVERY.maxExecutionsPerOrder);
    const unchangedSince = Date.parse(String(claim.ExpressionAttributeValues?.[':unchangedSince']));
    expect(Date.now() - unchangedSince).toBeGreaterThanOrEqual(15 * 60_000);
    expect(Date.now() - unchangedSince).toBeLessThan(15 * 60_000 + 60_000);
    expect(claim.UpdateExpression).toContain('#due = :now');
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ orderId: NEVER_STARTED }) },
    ]);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: `${FAILED}-r1`, input: JSON.stringify({ orderId: FAILED }) },
      { stateMachineArn: STATE_MACHINE_ARN, name: `${STALLED_PENDING}-r2`, input: JSON.stringify({ orderId: STALLED_PENDING }) },
    ]);
    // Step Functions is only ever asked to start executions.
    expect(sfn.calls().every((call) => call.args[0] instanceof StartExecutionCommand)).toBe(true);
    expect(logs.messages('error')).toEqual(['Orders still stuck after every recovery attempt; they need a person']);
    expect(logs.lines.find((line) => line.level === 'error')!.extra[0]).toEqual({ gaveUp: [EXHAUSTED] });
  });

  it('goes on with the other orders when one fails, and counts it as failed (a warning, not an error)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ orderId: FAILED }, { orderId: NEVER_STARTED }] });
    claimed(FAILED, 'PAYMENT_PROCESSED', 1);
    claimed(NEVER_STARTED, 'PENDING', 1);
    sfn.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    const report = await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));

    expect(report).toMatchObject({ examined: 2, failed: [FAILED], enqueued: [NEVER_STARTED] });
    expect(logs.messages('warn')).toEqual(['Could not recover this order now; the next run retries']);
    expect(logs.messages('error')).toEqual([]);
  });

  it('looks for orders overdue by the staleness setting (RECOVERY.staleAfterMinutes unless RECOVERY_STALE_AFTER_MS is set), or by a run\'s own', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const cutoffOf = (call: number) => Date.parse(ddb.commandCalls(QueryCommand)[call]!.args[0].input.ExpressionAttributeValues![':cutoff'] as string);
    const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(5_000);

    await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));
    near(cutoffOf(0), Date.now() - RECOVERY.staleAfterMinutes * 60_000);

    try {
      process.env[ENV.recoveryStaleAfterMs] = '60000';
      await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));
      near(cutoffOf(1), Date.now() - 60_000);

      // A run invoked with its own staleness (the local stack's start-up: 0) uses that one.
      await handler({ ...scheduledEvent(), detail: { staleAfterMs: 0 } }, lambdaContext('recover-orders', 120_000));
      near(cutoffOf(2), Date.now());

      // A bad value fails the run before it reads any order.
      process.env[ENV.recoveryStaleAfterMs] = 'soon';
      await expect(handler(scheduledEvent(), lambdaContext('recover-orders', 120_000))).rejects.toThrow(/whole number of milliseconds, not "soon"/);
      await expect(handler({ ...scheduledEvent(), detail: { staleAfterMs: 1.5 } }, lambdaContext('recover-orders', 120_000))).rejects.toThrow(RangeError);
      expect(ddb.commandCalls(QueryCommand)).toHaveLength(3);
    } finally {
      delete process.env[ENV.recoveryStaleAfterMs];
    }
  });

  it("publishes every run's figures as metrics, zeros included, and logs the report", async () => {
    const added: [string, string, number][] = [];
    const spy = vi.spyOn(Metrics.prototype, 'addMetric').mockImplementation(function (this: Metrics, name: string, unit: string, value: number) {
      added.push([name, unit, value]);
      return this;
    } as never);
    try {
      ddb.on(QueryCommand).resolves({ Items: [NEVER_STARTED, FAILED, EXHAUSTED].map((orderId) => ({ orderId })) });
      claimed(NEVER_STARTED, 'PENDING', 1);
      claimed(FAILED, 'PAYMENT_PROCESSED', 1);
      refused(EXHAUSTED, { status: 'SHIPPED', openMarker: 'OPEN', recoveryAttempts: RECOVERY.maxExecutionsPerOrder });
      sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
      sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
      await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));
      expect(added).toEqual([
        ['ReservationsSettled', 'Count', 0],
        ['LowStockProducts', 'Count', 0],
        ['OrdersExamined', 'Count', 3],
        ['OrdersReenqueued', 'Count', 1],
        ['OrdersRestarted', 'Count', 1],
        ['OrdersRecoveryGaveUp', 'Count', 1],
        ['RecoveryStoppedEarly', 'Count', 0],
      ]);
      const report = logs.lines.find((line) => line.message === 'Recovery run');
      expect(report?.level).toBe('info');
      expect(report?.extra[0]).toMatchObject({ examined: 3, enqueued: [NEVER_STARTED], restarted: [FAILED], gaveUp: [EXHAUSTED] });

      added.length = 0;
      ddb.reset();
      await handler(scheduledEvent(), lambdaContext('recover-orders', 5_000));
      expect(added).toEqual([
        ['OrdersExamined', 'Count', 0],
        ['OrdersReenqueued', 'Count', 0],
        ['OrdersRestarted', 'Count', 0],
        ['OrdersRecoveryGaveUp', 'Count', 0],
        ['RecoveryStoppedEarly', 'Count', 1],
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('names the order and the error when one cannot be recovered now', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ orderId: FAILED }] });
    claimed(FAILED, 'PAYMENT_PROCESSED', 1);
    const failure = new Error('Rate exceeded');
    sfn.on(StartExecutionCommand).rejects(failure);
    await handler(scheduledEvent(), lambdaContext('recover-orders', 120_000));
    const warning = logs.lines.find((line) => line.level === 'warn');
    expect(warning?.extra[0]).toMatchObject({ orderId: FAILED, error: expect.objectContaining({ message: 'Rate exceeded' }) });
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
