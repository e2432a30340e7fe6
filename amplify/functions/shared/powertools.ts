/**
 * One configured logger, metrics object and tracer per function, created at module scope and
 * reused; `withObservability` wraps a handler with all three.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { metricsNamespace, metricsServiceName } from '../../server/environment.ts';

export function createObservability(serviceName: string) {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: metricsNamespace(), serviceName: metricsServiceName(serviceName) }),
    // Off outside Lambda (the local runtime): the SDK clients it captures are then left as they are.
    tracer: new Tracer({ serviceName }),
  };
}

/**
 * The handler in a `## <handler>` subsegment with the cold-start and service annotations and any
 * error as metadata (what Powertools' middy middleware does, without middy). Responses are not
 * recorded: they hold customers' names and addresses.
 */
export function traced<E, R>(tracer: Tracer, handler: (event: E, context: Context) => Promise<R>) {
  return async (event: E, context: Context): Promise<R> => {
    if (!tracer.isTracingEnabled()) return handler(event, context);
    const segment = tracer.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      return await handler(event, context);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
    }
  };
}

export type Observability = Pick<ReturnType<typeof createObservability>, 'logger' | 'tracer'> & { metrics?: Metrics };

/**
 * The handler with its observability: the invocation's context on every log line, its X-Ray
 * subsegment (`traced`), and the metrics it added published when it ends, also when it throws.
 */
export function withObservability<E, R>({ logger, metrics, tracer }: Observability, handler: (event: E, context: Context) => Promise<R>) {
  return traced(tracer, async (event: E, context: Context): Promise<R> => {
    logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  });
}
