/**
 * The delivery of a shipped order, by schedule: instead of a workflow waiting days, process-order
 * creates one one-time EventBridge Scheduler schedule per order, named after it, at the estimated
 * delivery time. The schedule invokes process-order with `confirm_delivery` and deletes itself
 * after completion. Creating it again (a repeated step, a duplicated execution, the recovery job)
 * meets the existing one (ConflictException) and changes nothing.
 */
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { DELIVERY_SCHEDULE } from '../../server/settings.ts';

export const deliveryScheduleName = (orderId: string) => `${DELIVERY_SCHEDULE.namePrefix}${orderId}`;

/** Scheduler's one-time expression, `at(yyyy-mm-ddThh:mm:ss)`, read in UTC (`ScheduleExpressionTimezone`). */
export const atExpression = (when: Date) => `at(${when.toISOString().slice(0, 19)})`;

/**
 * When the schedule fires: the estimated delivery date, or shortly from now when that has already
 * passed (a schedule re-created late by the recovery job), rounded up to the second.
 */
export function deliveryTime(estimatedDeliveryDate: string | undefined, now: Date): Date {
  const earliest = now.getTime() + DELIVERY_SCHEDULE.minLeadSeconds * 1000;
  const estimated = estimatedDeliveryDate ? Date.parse(estimatedDeliveryDate) : Number.NaN;
  const at = Number.isNaN(estimated) ? earliest : Math.max(estimated, earliest);
  return new Date(Math.ceil(at / 1000) * 1000);
}

/** The event the schedule hands to process-order (a step input, as the workflow's Tasks send). */
export const confirmDeliveryInput = (orderId: string) => JSON.stringify({ action: 'confirm_delivery', orderId });

export interface DeliveryScheduleTarget {
  /** The schedule group (per deployment in AWS; `default` locally). */
  groupName: string;
  /** The role Scheduler assumes to invoke the target (lambda:InvokeFunction on it only). */
  roleArn: string;
  /** The function that confirms the delivery: process-order itself, unqualified ARN. */
  functionArn: string;
}

export interface ScheduledDelivery {
  scheduleName: string;
  deliverAt: string;
  /** False when the schedule already existed (this call changed nothing). */
  created: boolean;
}

export async function scheduleDelivery(
  scheduler: SchedulerClient,
  target: DeliveryScheduleTarget,
  order: { orderId: string; estimatedDeliveryDate?: string },
  now = new Date(),
): Promise<ScheduledDelivery> {
  const scheduleName = deliveryScheduleName(order.orderId);
  const deliverAt = deliveryTime(order.estimatedDeliveryDate, now);
  try {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: scheduleName,
        GroupName: target.groupName,
        Description: `Confirms the delivery of order ${order.orderId}`,
        ScheduleExpression: atExpression(deliverAt),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: target.functionArn,
          RoleArn: target.roleArn,
          Input: confirmDeliveryInput(order.orderId),
          RetryPolicy: {
            MaximumRetryAttempts: DELIVERY_SCHEDULE.retryAttempts,
            MaximumEventAgeInSeconds: DELIVERY_SCHEDULE.maxEventAgeSeconds,
          },
        },
      }),
    );
    return { scheduleName, deliverAt: deliverAt.toISOString(), created: true };
  } catch (error) {
    // Named after the order: it exists already, from an earlier attempt of this step.
    if (error instanceof ConflictException) return { scheduleName, deliverAt: deliverAt.toISOString(), created: false };
    throw error;
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` without a version or alias qualifier. */
export function unqualifiedFunctionArn(invokedFunctionArn: string): string {
  return invokedFunctionArn.split(':').slice(0, 7).join(':');
}
