/**
 * order-starter: SQS event source -> one workflow execution per order.
 * The execution is named after the order, so a message delivered twice starts nothing twice.
 * Failed records are reported back (batch item failures) and retried, then dead-lettered.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseOrderMessage } from '../../server/order-message.ts';
import { ENV, FUNCTIONS, requireEnv } from '../../server/settings.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';

const { logger, tracer } = createObservability(FUNCTIONS.orderStarter.name);
const sfn = tracer.captureAWSv3Client(new SFNClient({}));
const stateMachineArn = requireEnv(ENV.stateMachineArn);
const processor = new BatchProcessor(EventType.SQS);

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

async function startWorkflow(record: SQSRecord): Promise<void> {
  const message = parseOrderMessage(record.body);
  if (!message) throw new MalformedMessageError(`Message ${record.messageId} is not an order message`);
  const { orderId } = message;
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: orderId, input: JSON.stringify({ orderId }) }));
    logger.info('Workflow started', { orderId });
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    logger.info('Workflow already started for this order', { orderId });
  }
}

export const handler = withObservability({ logger, tracer }, async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, startWorkflow, processor, { context }),
);
