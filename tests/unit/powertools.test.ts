/**
 * `amplify/functions/shared/powertools.ts`: the handler wrapper every function uses. With tracing
 * on (in Lambda), the handler runs in its own `## <handler>` subsegment with the cold-start and
 * service annotations, an error is attached as metadata and rethrown, and the parent segment is
 * restored; with tracing off (locally) the handler is called as it is. Metrics are published when
 * the handler ends, also when it throws, and only when it added some. The tracer and metrics are
 * recording stand-ins: X-Ray segments exist only inside Lambda.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createObservability, traced, tracingOn, withObservability } from '../../amplify/functions/shared/powertools.ts';
import { ENV, requireEnv } from '../../amplify/server/environment.ts';
import { lambdaContext } from './events.ts';

const context = lambdaContext('unit-function');

/** A tracer that records what the wrapper does with segments. */
function recordingTracer(enabled: boolean, withSegment = true) {
  const calls: string[] = [];
  const subsegment = { name: '', close: () => void calls.push(`close ${subsegment.name}`) };
  const segment = {
    name: 'facade',
    addNewSubsegment: (name: string) => {
      calls.push(`open ${name}`);
      subsegment.name = name;
      return subsegment;
    },
  };
  const tracer = {
    isTracingEnabled: () => enabled,
    getSegment: () => (withSegment ? segment : undefined),
    setSegment: (s: { name: string }) => void calls.push(`set ${s.name}`),
    annotateColdStart: () => void calls.push('annotate cold start'),
    addServiceNameAnnotation: () => void calls.push('annotate service'),
    addErrorAsMetadata: (error: Error) => void calls.push(`error ${error.message}`),
  };
  return { tracer: tracer as unknown as Tracer, calls };
}

afterEach(() => vi.unstubAllEnvs());

describe('traced', () => {
  it('with tracing off calls the handler as it is, touching no segment', async () => {
    const { tracer, calls } = recordingTracer(false);
    const handler = traced(tracer, async (event: { n: number }, ctx: Context) => ({ doubled: event.n * 2, fn: ctx.functionName }));
    expect(await handler({ n: 2 }, context)).toEqual({ doubled: 4, fn: 'unit-function' });
    expect(calls).toEqual([]);
  });

  it('with tracing on runs the handler in a "## <handler>" subsegment, annotated, and restores the segment', async () => {
    vi.stubEnv('_HANDLER', 'index.handler');
    const { tracer, calls } = recordingTracer(true);
    const handler = traced(tracer, async (event: { n: number }) => {
      calls.push('handler');
      return event.n + 1;
    });
    expect(await handler({ n: 1 }, context)).toBe(2);
    expect(calls).toEqual(['open ## index.handler', 'set ## index.handler', 'annotate cold start', 'annotate service', 'handler', 'close ## index.handler', 'set facade']);
  });

  it('names the subsegment "## handler" when Lambda gives no handler name', async () => {
    vi.stubEnv('_HANDLER', undefined as unknown as string);
    delete process.env._HANDLER;
    const { tracer, calls } = recordingTracer(true);
    await traced(tracer, async () => undefined)({}, context);
    expect(calls[0]).toBe('open ## handler');
  });

  it('attaches an error as metadata, closes the subsegment and rethrows', async () => {
    vi.stubEnv('_HANDLER', 'index.handler');
    const { tracer, calls } = recordingTracer(true);
    const failing = traced(tracer, async () => {
      throw new Error('boom');
    });
    await expect(failing({}, context)).rejects.toThrow('boom');
    expect(calls.slice(-3)).toEqual(['error boom', 'close ## index.handler', 'set facade']);
  });

  it('without a segment (none active) runs the handler and sets nothing', async () => {
    const { tracer, calls } = recordingTracer(true, false);
    expect(await traced(tracer, async () => 'ok')({}, context)).toBe('ok');
    expect(calls).toEqual(['annotate cold start', 'annotate service']);
  });
});

describe('withObservability', () => {
  function recordingMetrics(stored: boolean) {
    const published: string[] = [];
    const metrics = { hasStoredMetrics: () => stored, publishStoredMetrics: () => void published.push('published') };
    return { metrics: metrics as unknown as Metrics, published };
  }
  const logger = () => {
    const contexts: Context[] = [];
    return { logger: { addContext: (c: Context) => void contexts.push(c) } as unknown as Parameters<typeof withObservability>[0]['logger'], contexts };
  };

  it('adds the invocation context to the logger and publishes stored metrics after the handler', async () => {
    const { metrics, published } = recordingMetrics(true);
    const { logger: log, contexts } = logger();
    const handler = withObservability({ logger: log, metrics, tracer: recordingTracer(false).tracer }, async () => {
      expect(published).toEqual([]);
      return 'done';
    });
    expect(await handler({}, context)).toBe('done');
    expect(contexts).toEqual([context]);
    expect(published).toEqual(['published']);
  });

  it('publishes the metrics also when the handler throws, and none when it added none', async () => {
    const stored = recordingMetrics(true);
    const failing = withObservability({ logger: logger().logger, metrics: stored.metrics, tracer: recordingTracer(false).tracer }, async () => {
      throw new Error('boom');
    });
    await expect(failing({}, context)).rejects.toThrow('boom');
    expect(stored.published).toEqual(['published']);

    const empty = recordingMetrics(false);
    await withObservability({ logger: logger().logger, metrics: empty.metrics, tracer: recordingTracer(false).tracer }, async () => 1)({}, context);
    expect(empty.published).toEqual([]);
    // A function without metrics (order-starter) has nothing to publish.
    expect(await withObservability({ logger: logger().logger, tracer: recordingTracer(false).tracer }, async () => 2)({}, context)).toBe(2);
  });
});

describe('createObservability', () => {
  it("names the service on log lines and metrics, under the deployment's namespace", () => {
    vi.stubEnv(ENV.deploymentName, 'sandbox-ana');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    try {
      const { logger, metrics } = createObservability('order-starter');
      logger.info('probe');
      metrics.addMetric('Probe', MetricUnit.Count, 1);
      const emf = metrics.serializeMetrics() as unknown as { _aws: { CloudWatchMetrics: { Namespace: string }[] }; service: string };
      expect({ namespace: emf._aws.CloudWatchMetrics[0]!.Namespace, service: emf.service }).toEqual({ namespace: 'OrderPlatform/sandbox-ana', service: 'sandbox-ana/order-starter' });
      metrics.clearMetrics();
      const line = written.map((chunk) => JSON.parse(chunk) as { message: string; service: string }).find((entry) => entry.message === 'probe');
      expect(line?.service).toBe('order-starter');
    } finally {
      write.mockRestore();
    }
  });
});

describe('tracingOn', () => {
  it("follows the Tracer's own rules: in Lambda unless turned off; never in Amplify's mock, SAM local or outside Lambda", () => {
    const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
    expect(tracingOn(lambda)).toBe(true);
    expect(tracingOn({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(true);
    expect(tracingOn({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'FALSE' })).toBe(false);
    expect(tracingOn({ ...lambda, AWS_SAM_LOCAL: 'true' })).toBe(false);
    expect(tracingOn({ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' })).toBe(false);
    expect(tracingOn({})).toBe(false);
  });

  it('off (here, outside Lambda): the tracer traces nothing and leaves SDK clients as they are', () => {
    const { tracer } = createObservability('unit-function');
    const client = { send: () => undefined };
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(tracer.captureAWSv3Client(client)).toBe(client);
  });
});

describe('requireEnv', () => {
  it('returns a set variable and names a missing or empty one', () => {
    vi.stubEnv('UNIT_REQUIRED', 'value');
    expect(requireEnv('UNIT_REQUIRED')).toBe('value');
    vi.stubEnv('UNIT_REQUIRED', '');
    expect(() => requireEnv('UNIT_REQUIRED')).toThrow('Environment variable UNIT_REQUIRED is not set');
    expect(() => requireEnv('UNIT_NEVER_SET')).toThrow('Environment variable UNIT_NEVER_SET is not set');
  });
});
