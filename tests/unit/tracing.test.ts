/**
 * Tracing (issue 11): every handler creates the Powertools Tracer and captures each AWS SDK client
 * it uses, so its calls appear in the X-Ray trace that API Gateway and Step Functions start.
 * The handlers are loaded as in Lambda (`AWS_EXECUTION_ENV` set: tracing on); nothing is called.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENV } from '../../amplify/server/environment.ts';

const savedEnv = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_TRACE_ENABLED: 'true',
    [ENV.ordersTable]: 'orders',
    [ENV.idempotencyTable]: 'idempotency',
    [ENV.stockTable]: 'stock',
    [ENV.statsTable]: 'stats',
    [ENV.queueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/orders',
    [ENV.stateMachineArn]: 'arn:aws:states:us-east-1:000000000000:stateMachine:orders',
    [ENV.topicArn]: 'arn:aws:sns:us-east-1:000000000000:orders',
    [ENV.orderTokenSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:order-token-AbCdEf',
    [ENV.storefrontUrl]: 'https://shop.example',
  });
});
afterAll(() => {
  process.env = savedEnv;
  vi.restoreAllMocks();
});

/** The SDK clients each handler captures, by client class. */
const EXPECTED: Record<string, string[]> = {
  'app-server': ['DynamoDBClient', 'SQSClient', 'SecretsManagerClient'],
  'order-starter': ['SFNClient'],
  'process-order': ['DynamoDBClient', 'SNSClient', 'SchedulerClient', 'SecretsManagerClient'],
  'recover-orders': ['DynamoDBClient', 'SFNClient', 'SQSClient'],
};

describe.each(Object.keys(EXPECTED))('%s', (name) => {
  it('captures each of its AWS SDK clients with an active tracer', async () => {
    vi.resetModules();
    const captured: { client: string; enabled: boolean; instrumented: boolean }[] = [];
    const capture = Tracer.prototype.captureAWSv3Client;
    const spy = vi.spyOn(Tracer.prototype, 'captureAWSv3Client').mockImplementation(function (this: Tracer, client) {
      const traced = capture.call(this, client);
      const stack = (traced as { middlewareStack: { identify(): string[] } }).middlewareStack.identify();
      captured.push({
        client: (client as object).constructor.name,
        enabled: this.isTracingEnabled(),
        instrumented: stack.some((m) => m.startsWith('XRaySDKInstrumentation')),
      });
      return traced;
    });
    try {
      const mod = (await import(`../../amplify/functions/${name}/handler.ts`)) as { handler: unknown };
      expect(typeof mod.handler).toBe('function');
    } finally {
      spy.mockRestore();
    }
    expect(captured.map((c) => c.client).sort()).toEqual(EXPECTED[name]);
    for (const c of captured) expect(c).toMatchObject({ enabled: true, instrumented: true });
  });
});
