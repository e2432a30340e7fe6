/**
 * What an order waits for, by schedule: instead of a workflow waiting days (or an hour), process-order
 * creates one one-time EventBridge Scheduler schedule per order and purpose, named after the order:
 * - its delivery, at the estimated delivery time: invokes process-order with `confirm_delivery`;
 * - its shipment, when the cancel window closes: starts the order workflow again
 *   (`{ orderId, resume: "shipment" }`), which arranges the shipment.
 * Each deletes itself after completion. Creating one again (a repeated step, a duplicated
 * execution, the recovery job) meets the existing one (ConflictException) and changes nothing.
 */
import { ConflictException, CreateScheduleCommand, type CreateScheduleCommandInput, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { CANCEL_WINDOW, DELIVERY_SCHEDULE } from '../../server/settings/pipeline.ts';

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

/** Creates a one-time schedule that deletes itself after it ran; false when it existed already. */
type ScheduleInput = Pick<CreateScheduleCommandInput, 'Name' | 'GroupName' | 'Description' | 'ScheduleExpression'> & { Target: { Arn: string; RoleArn: string; Input: string } };

async function createOnce(scheduler: SchedulerClient, input: ScheduleInput): Promise<boolean> {
  try {
    await scheduler.send(
      new CreateScheduleCommand({
        ...input,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          ...input.Target,
          RetryPolicy: { MaximumRetryAttempts: DELIVERY_SCHEDULE.retryAttempts, MaximumEventAgeInSeconds: DELIVERY_SCHEDULE.maxEventAgeSeconds },
        },
      }),
    );
    return true;
  } catch (error) {
    // Named after the order: it exists already, from an earlier attempt of this step.
    if (error instanceof ConflictException) return false;
    throw error;
  }
}

export async function scheduleDelivery(
  scheduler: SchedulerClient,
  target: DeliveryScheduleTarget,
  order: { orderId: string; estimatedDeliveryDate?: string },
  now = new Date(),
): Promise<ScheduledDelivery> {
  const scheduleName = deliveryScheduleName(order.orderId);
  const deliverAt = deliveryTime(order.estimatedDeliveryDate, now);
  const created = await createOnce(scheduler, {
    Name: scheduleName,
    GroupName: target.groupName,
    Description: `Confirms the delivery of order ${order.orderId}`,
    ScheduleExpression: atExpression(deliverAt),
    Target: { Arn: target.functionArn, RoleArn: target.roleArn, Input: confirmDeliveryInput(order.orderId) },
  });
  return { scheduleName, deliverAt: deliverAt.toISOString(), created };
}

export const shipmentScheduleName = (orderId: string) => `${CANCEL_WINDOW.scheduleNamePrefix}${orderId}`;

/** The workflow input a shipment schedule starts an execution with: straight to the shipment. */
export const resumeShipmentInput = (orderId: string) => JSON.stringify({ orderId, resume: 'shipment' });

export interface ScheduledShipment {
  scheduleName: string;
  shipAt: string;
  created: boolean;
}

/**
 * The order's shipment schedule: when its cancel window closes (rounded up to the second), it
 * starts the order workflow (`stateMachineArn`, Scheduler's Step Functions target) at the shipment.
 */
export async function scheduleShipment(
  scheduler: SchedulerClient,
  target: Omit<DeliveryScheduleTarget, 'functionArn'> & { stateMachineArn: string },
  order: { orderId: string; cancellableUntil: string },
): Promise<ScheduledShipment> {
  const scheduleName = shipmentScheduleName(order.orderId);
  const shipAt = new Date(Math.ceil(Date.parse(order.cancellableUntil) / 1000) * 1000);
  const created = await createOnce(scheduler, {
    Name: scheduleName,
    GroupName: target.groupName,
    Description: `Arranges the shipment of order ${order.orderId} once its cancel window closes`,
    ScheduleExpression: atExpression(shipAt),
    Target: { Arn: target.stateMachineArn, RoleArn: target.roleArn, Input: resumeShipmentInput(order.orderId) },
  });
  return { scheduleName, shipAt: shipAt.toISOString(), created };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` without a version or alias qualifier. */
export function unqualifiedFunctionArn(invokedFunctionArn: string): string {
  return invokedFunctionArn.split(':').slice(0, 7).join(':');
}
