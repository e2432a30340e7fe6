/**
 * The local Step Functions stand-in: Express semantics (every start is a new execution, names
 * repeat; no DescribeExecution) and its record of executions: one acknowledged is on disk before
 * the acknowledgement, one cut short by a stop is marked ABORTED by the next process (an Express
 * execution cannot be resumed; the recovery job restarts its order), and saving one execution
 * writes one file whatever the number of executions.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { readExecutions } from '../../local/step-functions/execution-store.ts';
import { LocalStepFunctions } from '../../local/step-functions/step-functions.ts';

const dirs: string[] = [];
const services: LocalStepFunctions[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A service whose tasks never finish (the process is "killed" while they run). */
function service(dataDir: string): LocalStepFunctions {
  const sfn = new LocalStepFunctions({
    dataDir,
    processOrderArn: 'arn:aws:lambda:us-east-1:000000000000:function:process-order',
    runTask: () => new Promise(() => undefined),
    retryIntervalMs: 0,
  });
  services.push(sfn);
  return sfn;
}

const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'local-sfn-'));
  dirs.push(dir);
  return dir;
};

describe('local Step Functions persistence', () => {
  it('has an execution on disk as RUNNING as soon as StartExecution returns', () => {
    const dataDir = tempDir();
    const sfn = service(dataDir);
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, name: 'order-1', input: '{"orderId":"order-1"}' });
    // Read synchronously, with no timer given a chance to run.
    const onDisk = readExecutions(dataDir);
    expect(onDisk).toEqual([expect.objectContaining({ name: 'order-1', executionArn, status: 'RUNNING', input: '{"orderId":"order-1"}' })]);
  });

  it('starts a new execution for every start of the same name (Express: no deduplication)', () => {
    const sfn = service(tempDir());
    const first = sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, name: 'order-3', input: '{"orderId":"order-3"}' });
    const second = sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, name: 'order-3', input: '{"orderId":"order-3"}' });
    expect(first.executionArn).not.toBe(second.executionArn);
    expect(first.executionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:express:order-workflow:order-3:[0-9a-f-]{36}$/);
    expect(sfn.list().filter((e) => e.name === 'order-3').map((e) => e.status)).toEqual(['RUNNING', 'RUNNING']);
    // A name is optional: one is generated.
    expect(sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, input: '{}' }).executionArn).toMatch(/:express:order-workflow:[0-9a-f-]{36}:[0-9a-f-]{36}$/);
  });

  it('answers DescribeExecution as unsupported (Express has none)', async () => {
    const sfn = service(tempDir());
    const client = new SFNClient({ ...LOCAL_AWS, endpoint: await sfn.listen() });
    try {
      await expect(
        client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:express:order-workflow:x:y' })),
      ).rejects.toMatchObject({ name: 'UnknownOperationException' });
    } finally {
      client.destroy();
    }
  });

  it('marks an execution a killed process left running ABORTED at the next start, and runs nothing of it', () => {
    const dataDir = tempDir();
    const first = service(dataDir);
    first.startExecution({ stateMachineArn: first.stateMachineArn, name: 'order-2', input: '{}' });
    // No stop(): as after SIGKILL, the next process reads what is on disk.
    const tasks: string[] = [];
    const next = new LocalStepFunctions({
      dataDir,
      processOrderArn: 'arn:aws:lambda:us-east-1:000000000000:function:process-order',
      runTask: async (state) => void tasks.push(state),
      retryIntervalMs: 0,
    });
    services.push(next);
    expect(next.interrupted().map((e) => e.name)).toEqual(['order-2']);
    expect(next.abortInterrupted()).toBe(1);
    expect(readExecutions(dataDir).map((e) => [e.name, e.status])).toEqual([['order-2', 'ABORTED']]);
    expect(next.interrupted()).toEqual([]);
    expect(tasks).toEqual([]);
  });

  it('keeps one file per execution, so a save does not rewrite the others', () => {
    const dataDir = tempDir();
    const sfn = service(dataDir);
    for (let i = 0; i < 50; i++) sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, name: `order-${i}`, input: '{}' });
    const files = readdirSync(path.join(dataDir, 'executions'));
    expect(files).toHaveLength(50);
    expect(files.some((f) => /^order-49\.[0-9a-f-]{36}\.json$/.test(f))).toBe(true);
  });

  it('moves a data folder written by the single-file format into the per-execution files', () => {
    const dataDir = tempDir();
    const legacy = [{ executionArn: 'arn:x:order-9', name: 'order-9', input: '{}', status: 'SUCCEEDED', startDate: '2026-01-01T00:00:00.000Z', transitions: 7, retries: 0 }];
    writeFileSync(path.join(dataDir, 'executions.json'), JSON.stringify(legacy));
    const sfn = service(dataDir);
    expect(sfn.list()).toEqual(legacy);
    expect(readdirSync(dataDir)).not.toContain('executions.json');
  });
});
