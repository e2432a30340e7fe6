/**
 * A local stack in its own process, driven by the bench over IPC. The handlers read their
 * endpoints once at import, so each stack the bench needs gets a fresh process; the load
 * generator (autocannon, in the parent) then does not share an event loop with the server.
 *
 *   speed: payment success 1, delivery wait and retry interval 0; answers `outputs`,
 *          `pipeline` (resolves when `expected` executions exist, none is running and `expected`
 *          orders are final: a delivery by schedule comes after its workflow), `pause`/
 *          `resume` (the order queue's poller), `floor-template`, `cpu` (this process's CPU time so
 *          far) and `stop`. It also serves the
 *          SDK floor (sdk-floor.ts) from this process, beside the stack.
 *   cost:  `instrument: true`, default payment success rate (0.9) and local timings; runs the
 *          cost scenario itself (see cost-scenario.ts) and sends back what it counted.
 */
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { FINAL_STATUSES } from '../amplify/domain/order-rules.ts';
import { FUNCTION_LOGGING } from '../amplify/server/settings/functions.ts';
import { DEFAULT_PAYMENT_SUCCESS_RATE } from '../amplify/server/environment.ts';
import { LOCAL_AWS } from '../local/shared/aws.ts';
import { pausePolling, resumePolling } from '../local/lambda/queue-poller.ts';
import { startLocalStack, type LocalStack } from '../local/stack/stack.ts';
import { benchToken } from './order-request.ts';
import { runCostScenario } from './cost-scenario.ts';
import { startSdkFloor } from './sdk-floor.ts';

export type ChildRequest =
  | { type: 'outputs' }
  | { type: 'pipeline'; expected: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'floor-template'; orderId: string }
  | { type: 'cpu' }
  | { type: 'stop' };

export type ChildReply =
  | { type: 'ready'; apiUrl: string; floorUrl: string; dynamodb: string; ordersTable: string; idToken: string }
  | { type: 'done'; request: ChildRequest['type'] }
  | { type: 'outputs'; outputs: Record<string, unknown> }
  | { type: 'pipeline'; executions: number; succeeded: number; failed: number }
  | { type: 'cost'; counts: unknown }
  /** `process.cpuUsage()` of this process, in microseconds. */
  | { type: 'cpu'; user: number; system: number }
  | { type: 'error'; message: string };

const mode = process.argv[2] === 'cost' ? 'cost' : 'speed';
const send = (reply: ChildReply) => process.send?.(reply);
const dataDir = mkdtempSync(path.join(tmpdir(), `orders-bench-${mode}-`));

// Speed: quiet handlers. Cost: the level the functions log at in the cloud (FUNCTION_LOGGING,
// amplify/cloud/functions.ts): the log bytes are priced.
process.env.POWERTOOLS_LOG_LEVEL = mode === 'cost' ? FUNCTION_LOGGING.applicationLevel : 'ERROR';

async function main(): Promise<void> {
  const stack: LocalStack = await startLocalStack({
    apiPort: 0,
    dataDir,
    paymentSuccessRate: mode === 'cost' ? DEFAULT_PAYMENT_SUCCESS_RATE : 1,
    // Speed: nothing waits; cost: the local defaults (LocalConfig), as a developer runs it.
    deliveryWaitMs: mode === 'cost' ? 3000 : 0,
    retryIntervalMs: mode === 'cost' ? 200 : 0,
    // Cost: the cancel window is on in AWS (an hour): each paid order is held and started again by
    // its schedule, measured here with a short window. Speed: none.
    cancelWindowSeconds: mode === 'cost' ? 1 : 0,
    visibilityTimeoutSeconds: 5,
    recoveryIntervalMs: 3_600_000,
    // The benchmark places thousands of orders from one account: the per-account limit is off.
    orderRateLimit: 0,
    instrument: mode === 'cost',
    log: (line) => process.stderr.write(`[stack] ${line}\n`),
  });
  const floor = mode === 'speed' ? await startSdkFloor(stack.endpoints, stack.names) : undefined;
  const stop = async () => {
    await floor?.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };

  if (mode === 'cost') {
    const count = Number(process.argv[3] ?? 100);
    const counts = await runCostScenario(stack, count);
    send({ type: 'cost', counts });
    await stop();
    return;
  }

  process.on('message', (raw) => {
    const request = raw as ChildRequest;
    void (async () => {
      try {
        if (request.type === 'outputs') send({ type: 'outputs', outputs: stack.outputs() });
        if (request.type === 'cpu') send({ type: 'cpu', ...process.cpuUsage() });
        if (request.type === 'stop') await stop();
        if (request.type === 'pause') await pausePolling(stack.names.queueUrl);
        if (request.type === 'resume') resumePolling(stack.names.queueUrl);
        if (request.type === 'floor-template') await floor!.useTemplate(request.orderId);
        if (request.type === 'pause' || request.type === 'resume' || request.type === 'floor-template') send({ type: 'done', request: request.type });
        if (request.type === 'pipeline') {
          for (;;) {
            const list = stack.stepFunctions.list();
            if (list.length >= request.expected && list.every((e) => e.status !== 'RUNNING') && (await finalOrders(stack)) >= request.expected) {
              send({
                type: 'pipeline',
                executions: list.length,
                succeeded: list.filter((e) => e.status === 'SUCCEEDED').length,
                failed: list.filter((e) => e.status === 'FAILED').length,
              });
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
      } catch (error) {
        send({ type: 'error', message: (error as Error).stack ?? String(error) });
      }
    })();
  });
  send({ type: 'ready', apiUrl: stack.apiUrl, floorUrl: floor!.url, dynamodb: stack.endpoints.dynamodb, ordersTable: stack.names.ordersTable, idToken: await benchToken(stack) });
}

/** Orders in a final status (a direct count, not through the counting proxies). */
async function finalOrders(stack: LocalStack): Promise<number> {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb });
  const values = Object.fromEntries(FINAL_STATUSES.map((status, i) => [`:s${i}`, { S: status }]));
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: stack.names.ordersTable,
          Select: 'COUNT',
          FilterExpression: `#status IN (${Object.keys(values).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return count;
}

main().catch((error: unknown) => {
  send({ type: 'error', message: (error as Error).stack ?? String(error) });
  process.exit(1);
});
