/**
 * order-starter: SQS event source -> one workflow execution per order message.
 * The workflow is Express: it does not deduplicate execution names, so a message delivered twice
 * starts two executions of the same order. That is safe by design: every status change is
 * conditional and every step idempotent (one charge, one shipment, one e-mail per order). The
 * execution is still named after the order, so its log lines name it.
 * Failed records are reported back (batch item failures) and retried, then dead-lettered.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SfnWorkflowStarter } from '../../server/aws/sfn-workflow-starter.ts';
import { parseOrderMessage } from '../../server/order-message.ts';
import { FUNCTIONS } from '../../server/settings/functions.ts';
import { ENV, requireEnv } from '../../server/environment.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';

const { logger, tracer } = createObservability(FUNCTIONS.orderStarter.name);
const workflow = new SfnWorkflowStarter(tracer.captureAWSv3Client(new SFNClient({})), requireEnv(ENV.stateMachineArn));
const processor = new BatchProcessor(EventType.SQS);

export class MalformedMessageError extends Error {
  // Stryker disable next-line StringLiteral: the batch response names only the failed record; the error's name is seen nowhere outside
  override readonly name = 'MalformedMessageError';
}

async function startWorkflow(record: SQSRecord): Promise<void> {
  const message = parseOrderMessage(record.body);
  if (!message) throw new MalformedMessageError(`Message ${record.messageId} is not an order message`);
  const { orderId } = message;
  await workflow.start(orderId);
  logger.debug('Workflow started', { orderId });
}

export const handler = withObservability({ logger, tracer }, async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  // Stryker disable next-line ObjectLiteral: the context is handed to record handlers that take a second argument; startWorkflow takes none
  processPartialResponse(event, startWorkflow, processor, { context }),
);
