/**
 * The order workflow definition (Amazon States Language), read from the one ASL file that is both
 * deployed (`amplify/backend.ts`) and run locally (`local/step-functions/step-functions.ts`).
 */
import definition from '../workflow/order-workflow.asl.json' with { type: 'json' };
import { STATE_MACHINE } from './settings/pipeline.ts';

export const WORKFLOW_DEFINITION = definition;

/** The definition as text with the process-order function's ARN filled in. */
export function renderWorkflow(processOrderFunctionArn: string): string {
  return JSON.stringify(WORKFLOW_DEFINITION).replaceAll(
    '${' + STATE_MACHINE.processOrderArnPlaceholder + '}',
    processOrderFunctionArn,
  );
}

/** The actions `process-order` performs, one per Task state. */
export const PROCESS_ORDER_ACTIONS = [
  /** The first step: reserves the order's units (or ends it OUT_OF_STOCK) before any payment. */
  'reserve_stock',
  'process_payment',
  'arrange_shipment',
  'send_notification',
  /** Holds a paid order for its cancel window (its shipment schedule starts the workflow again). */
  'hold_for_cancel_window',
  'schedule_delivery',
  /** Not a Task of the workflow: the order's delivery schedule invokes it. */
  'confirm_delivery',
  'mark_payment_failed',
  'mark_shipment_failed',
  'compensate',
] as const;
export type ProcessOrderAction = (typeof PROCESS_ORDER_ACTIONS)[number];
