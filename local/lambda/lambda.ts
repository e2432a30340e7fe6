/** Invoking a handler as the Lambda service would: JSON in, JSON out, and a context object. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../shared/aws.ts';
import { inFunctionEnvironment, type FunctionEnvironment } from './function-environment.ts';

export type LambdaHandler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R>;

export function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(functionName),
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export const localFunctionArn = (functionName: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;

export interface InvocationCounters {
  invocations: Map<string, number>;
  /** Milliseconds spent in the handler (what Lambda bills), by function. */
  durations: Map<string, number>;
  /** Invocations still running (a stop waits for them before closing the stand-ins). */
  running?: Set<Promise<unknown>>;
}

/**
 * Calls `handler` with a serialized copy of `event` in its function's `environment`, as a Lambda
 * invocation would, and meters it.
 */
export function invoker<E, R>(functionName: string, timeoutSeconds: number, environment: FunctionEnvironment, handler: LambdaHandler<E, R>, counters: InvocationCounters) {
  return async (event: E): Promise<R> => {
    counters.invocations.set(functionName, (counters.invocations.get(functionName) ?? 0) + 1);
    const started = performance.now();
    const invocation = inFunctionEnvironment(environment, () => handler(JSON.parse(JSON.stringify(event)) as E, lambdaContext(functionName, timeoutSeconds)));
    counters.running?.add(invocation);
    try {
      const result = await invocation;
      return result === undefined ? result : (JSON.parse(JSON.stringify(result)) as R);
    } finally {
      counters.running?.delete(invocation);
      counters.durations.set(functionName, (counters.durations.get(functionName) ?? 0) + performance.now() - started);
    }
  };
}
