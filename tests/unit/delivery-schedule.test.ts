/**
 * The delivery schedule process-order creates per shipped order, with Scheduler mocked at the SDK:
 * one-time `at()` in UTC at the estimated delivery date (never sooner than a minute from now),
 * named after the order, deleting itself after completion, invoking process-order's
 * `confirm_delivery` with the scheduler role; a second create (ConflictException) is a no-op.
 */
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_SCHEDULE } from '../../amplify/server/settings/pipeline.ts';
import {
  atExpression,
  deliveryScheduleName,
  deliveryTime,
  scheduleDelivery,
  unqualifiedFunctionArn,
} from '../../amplify/functions/process-order/delivery-schedule.ts';

const scheduler = mockClient(SchedulerClient);
afterAll(() => scheduler.restore());
beforeEach(() => scheduler.reset());

const ORDER_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:process-order';
const target = { groupName: 'deliveries', roleArn: 'arn:aws:iam::123456789012:role/scheduler', functionArn: FUNCTION_ARN };
const NOW = new Date('2026-11-29T10:00:00.250Z');

describe('delivery time', () => {
  it('is the estimated delivery date, rounded up to the second, as an at() expression in UTC', () => {
    const at = deliveryTime('2026-12-02T10:00:00.250Z', NOW);
    expect(at.toISOString()).toBe('2026-12-02T10:00:01.000Z');
    expect(atExpression(at)).toBe('at(2026-12-02T10:00:01)');
  });

  it('is a minute from now when the estimated date has passed or is missing (a schedule re-created late)', () => {
    expect(deliveryTime('2026-11-20T00:00:00.000Z', NOW).toISOString()).toBe('2026-11-29T10:01:01.000Z');
    expect(deliveryTime(undefined, NOW).toISOString()).toBe('2026-11-29T10:01:01.000Z');
    expect(DELIVERY_SCHEDULE.minLeadSeconds).toBe(60);
  });
});

describe('scheduleDelivery', () => {
  it('creates a one-time schedule named after the order that invokes confirm_delivery and deletes itself', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    const result = await scheduleDelivery(scheduler as unknown as SchedulerClient, target, { orderId: ORDER_ID, estimatedDeliveryDate: '2026-12-02T10:00:00.000Z' }, NOW);

    expect(result).toEqual({ scheduleName: `deliver-${ORDER_ID}`, deliverAt: '2026-12-02T10:00:00.000Z', created: true });
    expect(deliveryScheduleName(ORDER_ID).length).toBeLessThanOrEqual(64); // Scheduler's limit
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: `deliver-${ORDER_ID}`,
        GroupName: 'deliveries',
        Description: `Confirms the delivery of order ${ORDER_ID}`,
        ScheduleExpression: 'at(2026-12-02T10:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: FUNCTION_ARN,
          RoleArn: target.roleArn,
          Input: JSON.stringify({ action: 'confirm_delivery', orderId: ORDER_ID }),
          RetryPolicy: { MaximumRetryAttempts: DELIVERY_SCHEDULE.retryAttempts, MaximumEventAgeInSeconds: DELIVERY_SCHEDULE.maxEventAgeSeconds },
        },
      },
    ]);
  });

  it('takes a schedule that already exists (ConflictException) as done', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'Schedule already exists', Message: 'Schedule already exists', $metadata: {} }));
    const result = await scheduleDelivery(scheduler as unknown as SchedulerClient, target, { orderId: ORDER_ID, estimatedDeliveryDate: '2026-12-02T10:00:00.000Z' }, NOW);
    expect(result).toMatchObject({ created: false, scheduleName: `deliver-${ORDER_ID}` });
  });

  it('lets any other error through (the workflow retries the step)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(scheduleDelivery(scheduler as unknown as SchedulerClient, target, { orderId: ORDER_ID }, NOW)).rejects.toThrow('Rate exceeded');
  });

  it('targets the function, not the version or alias it was invoked through', () => {
    expect(unqualifiedFunctionArn(`${FUNCTION_ARN}:live`)).toBe(FUNCTION_ARN);
    expect(unqualifiedFunctionArn(FUNCTION_ARN)).toBe(FUNCTION_ARN);
  });
});
