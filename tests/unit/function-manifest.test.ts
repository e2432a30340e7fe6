/**
 * The functions' manifests (amplify/functions/manifest.ts): a function's environment is exactly its
 * manifest's variables that have a value, a required one without a value is an error, and locally
 * a handler sees its own environment only (local/lambda/function-environment.ts).
 */
import { describe, expect, it } from 'vitest';
import { FUNCTION_MANIFESTS, functionEnvironment, type VariableValues } from '../../amplify/functions/manifest.ts';
import { ENV } from '../../amplify/server/environment.ts';
import { inFunctionEnvironment } from '../../local/lambda/function-environment.ts';

const every = Object.fromEntries(Object.keys(ENV).map((key) => [key, `value of ${key}`])) as VariableValues;

describe('functionEnvironment', () => {
  it('gives each function exactly its manifest variables', () => {
    for (const [key, manifest] of Object.entries(FUNCTION_MANIFESTS)) {
      const names = [...manifest.required, ...manifest.optional].map((variable) => ENV[variable]);
      expect(Object.keys(functionEnvironment(key as keyof typeof FUNCTION_MANIFESTS, every, 'the test')).sort()).toEqual(names.sort());
    }
    expect(functionEnvironment('orderStarter', every, 'the test')).toEqual({ [ENV.stateMachineArn]: 'value of stateMachineArn', [ENV.deploymentName]: 'value of deploymentName' });
  });

  it('leaves out an optional variable without a value and refuses a required one without', () => {
    expect(functionEnvironment('recoverOrders', { ...every, recoveryStaleAfterMs: undefined }, 'the test')).not.toHaveProperty(ENV.recoveryStaleAfterMs);
    expect(() => functionEnvironment('recoverOrders', { ...every, queueUrl: undefined, stockTable: undefined }, 'the test')).toThrow(
      `recover-orders reads ${ENV.stockTable}, ${ENV.queueUrl}, which the test has no value for`,
    );
  });
});

describe('inFunctionEnvironment', () => {
  it('answers the platform variables from the running function only, and the rest from the process', async () => {
    process.env[ENV.topicArn] = 'the process’s';
    const own = { [ENV.queueUrl]: 'its queue' };
    const seen = await inFunctionEnvironment(own, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { queue: process.env[ENV.queueUrl], topic: process.env[ENV.topicArn], hasTopic: ENV.topicArn in process.env, path: process.env.PATH, keys: Object.keys(process.env) };
    });
    expect(seen).toMatchObject({ queue: 'its queue', topic: undefined, hasTopic: false, path: process.env.PATH });
    expect(seen.keys).toContain(ENV.queueUrl);
    expect(seen.keys).not.toContain(ENV.topicArn);
    expect(process.env[ENV.queueUrl]).toBeUndefined();
    expect(process.env[ENV.topicArn]).toBe('the process’s');
    process.env[ENV.topicArn] = 'changed';
    expect(process.env[ENV.topicArn]).toBe('changed');
    delete process.env[ENV.topicArn];
  });
});
