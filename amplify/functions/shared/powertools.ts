/**
 * One configured logger, metrics object and tracer per function, created at module scope and
 * reused; `traced` wraps a handler in its X-Ray subsegment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { ENV } from '../../domain/resources.ts';

export const METRICS_NAMESPACE = 'OrderPlatform';

/*
 * In AWS the custom metrics' namespace and `service` dimension both carry the deployment's name
 * (`OrderPlatform/<deployment>`, `<deployment>/<function>`), so a sandbox never feeds another
 * deployment's metrics or alarms; locally they are plain. The cloud definition builds its alarms
 * with the same two functions.
 */
export function metricsNamespace(deploymentName = process.env[ENV.deploymentName]): string {
  return deploymentName ? `${METRICS_NAMESPACE}/${deploymentName}` : METRICS_NAMESPACE;
}

export function metricsServiceName(serviceName: string, deploymentName = process.env[ENV.deploymentName]): string {
  return deploymentName ? `${deploymentName}/${serviceName}` : serviceName;
}

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
