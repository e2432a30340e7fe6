/**
 * order-starter: SQS event source -> one workflow execution per order.
 * The execution is named after the order, so a message delivered twice starts nothing twice.
 * Failed records are reported back (batch item failures) and retried, then dead-lettered.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SfnWorkflowStarter } from '../../server/aws/sfn-workflow-starter.ts';
import { parseOrderMessage } from '../../server/order-message.ts';
import { ENV, FUNCTIONS, requireEnv } from '../../server/settings.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';

const { logger, tracer } = createObservability(FUNCTIONS.orderStarter.name);
const workflow = new SfnWorkflowStarter(tracer.captureAWSv3Client(new SFNClient({})), requireEnv(ENV.stateMachineArn));
const processor = new BatchProcessor(EventType.SQS);

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

async function startWorkflow(record: SQSRecord): Promise<void> {
  const message = parseOrderMessage(record.body);
  if (!message) throw new MalformedMessageError(`Message ${record.messageId} is not an order message`);
  const { orderId } = message;
  const started = await workflow.start(orderId);
  logger.info(started === 'started' ? 'Workflow started' : 'Workflow already started for this order', { orderId });
}

export const handler = withObservability({ logger, tracer }, async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, startWorkflow, processor, { context }),
);
