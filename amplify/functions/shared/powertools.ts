/**
 * One configured logger, metrics object and tracer per function, created at module scope and
 * reused; `withObservability` wraps a handler with all three.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { metricsNamespace, metricsServiceName } from '../../server/environment.ts';

/**
 * Whether Powertools' Tracer traces here, by its own rules (`Tracer.setTracingEnabled`): in Lambda
 * (`AWS_EXECUTION_ENV` set, not Amplify's mock nor SAM local) unless `POWERTOOLS_TRACE_ENABLED` is
 * `false`.
 */
export function tracingOn(env: NodeJS.ProcessEnv = process.env): boolean {
  const runtime = env.AWS_EXECUTION_ENV ?? '';
  return runtime !== '' && runtime !== 'AWS_Lambda_amplify-mock' && env.AWS_SAM_LOCAL !== 'true' && (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false';
}

/**
 * The Tracer is loaded only where it traces. Loading it loads the X-Ray SDK, whose context
 * (cls-hooked) enables an async hook with a destroy callback at import, traced or not
 * (aws/aws-xray-sdk-node#420): every promise of the process is then tracked until it is collected.
 * In the local stack, where the Tracer is off, that hook was the app-server's largest cost
 * (docs/performance.md).
 */
const PowertoolsTracer = tracingOn() ? (await import('@aws-lambda-powertools/tracer')).Tracer : undefined;

/** What the handlers use of the Tracer. */
export type ObservabilityTracer = Pick<Tracer, 'isTracingEnabled' | 'captureAWSv3Client' | 'getSegment' | 'setSegment' | 'annotateColdStart' | 'addServiceNameAnnotation' | 'addErrorAsMetadata'>;

/** The Tracer where tracing is off, as the Tracer itself is then: nothing traced, SDK clients left as they are. */
const TRACING_OFF: ObservabilityTracer = {
  isTracingEnabled: () => false,
  captureAWSv3Client: (client) => client,
  getSegment: () => undefined,
  setSegment: () => undefined,
  annotateColdStart: () => undefined,
  addServiceNameAnnotation: () => undefined,
  addErrorAsMetadata: () => undefined,
};

export function createObservability(serviceName: string) {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: metricsNamespace(), serviceName: metricsServiceName(serviceName) }),
    // Off outside Lambda (the local runtime): the SDK clients it captures are then left as they are.
    tracer: PowertoolsTracer ? (new PowertoolsTracer({ serviceName }) as ObservabilityTracer) : TRACING_OFF,
  };
}

/**
 * The handler in a `## <handler>` subsegment with the cold-start and service annotations and any
 * error as metadata (what Powertools' middy middleware does, without middy). Responses are not
 * recorded: they hold customers' names and addresses.
 */
export function traced<E, R>(tracer: ObservabilityTracer, handler: (event: E, context: Context) => Promise<R>) {
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
