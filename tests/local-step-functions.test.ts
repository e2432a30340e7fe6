/**
 * The local Step Functions stand-in's persistence: an execution it acknowledged is on disk before
 * the acknowledgement, so a process killed right after cannot lose it (the cause of a flaky
 * restart test), and saving one execution writes one file whatever the number of executions.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readExecutions } from '../local/execution-store.ts';
import { LocalStepFunctions } from '../local/step-functions.ts';

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
    waitMs: 0,
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

  it('offers an acknowledged execution to the next process to resume', () => {
    const dataDir = tempDir();
    const first = service(dataDir);
    first.startExecution({ stateMachineArn: first.stateMachineArn, name: 'order-2', input: '{}' });
    // No stop(): as after SIGKILL, the next process reads what is on disk.
    const next = new LocalStepFunctions({ dataDir, processOrderArn: 'arn:aws:lambda:us-east-1:000000000000:function:process-order', runTask: async () => ({}), waitMs: 0, retryIntervalMs: 0 });
    expect(next.interrupted().map((e) => e.name)).toEqual(['order-2']);
  });

  it('keeps one file per execution, so a save does not rewrite the others', () => {
    const dataDir = tempDir();
    const sfn = service(dataDir);
    for (let i = 0; i < 50; i++) sfn.startExecution({ stateMachineArn: sfn.stateMachineArn, name: `order-${i}`, input: '{}' });
    const files = readdirSync(path.join(dataDir, 'executions'));
    expect(files).toHaveLength(50);
    expect(new Set(files)).toContain('order-49.json');
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
