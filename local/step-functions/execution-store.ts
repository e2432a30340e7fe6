/**
 * Where the local Step Functions service keeps its executions: one JSON file per execution under
 * `<dataDir>/executions/`, written to a temporary file and renamed into place. Saving one
 * execution costs the same however many exist, and a save is complete when it returns, so an
 * execution is on disk before `StartExecution` acknowledges it (a kill right after cannot lose it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** State transitions, retries included (Standard workflows bill them; Express bills requests and duration). */
  transitions: number;
  retries: number;
}

/**
 * One file per execution: `<name>.<id>` for an Express execution ARN (`...:express:<machine>:<name>:<id>`),
 * the name for older records. Names are `[A-Za-z0-9_-]{1,80}` (checked by StartExecution) and ids
 * UUIDs, so they are safe file names.
 */
const SAFE_NAME = /^[A-Za-z0-9_-]{1,80}(\.[0-9a-f-]{36})?$/;
export const executionFileKey = (record: Pick<ExecutionRecord, 'executionArn' | 'name'>) => {
  const parts = record.executionArn.split(':');
  return parts[5] === 'express' ? `${record.name}.${parts.at(-1)}` : record.name;
};

export class ExecutionStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'executions');
    mkdirSync(this.dir, { recursive: true });
    this.migrateSingleFile(path.join(dataDir, 'executions.json'));
  }

  /** Every execution on disk. */
  load(): ExecutionRecord[] {
    return readExecutionFiles(this.dir);
  }

  /** Writes one execution; synchronous so that it is on disk when the call returns. */
  save(record: ExecutionRecord): void {
    const key = executionFileKey(record);
    if (!SAFE_NAME.test(key)) throw new Error(`Invalid execution name ${record.name}`);
    const file = path.join(this.dir, `${key}.json`);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, file);
  }

  /** Data folders written before executions had a file each kept them all in `executions.json`. */
  private migrateSingleFile(legacy: string): void {
    if (!existsSync(legacy)) return;
    for (const record of JSON.parse(readFileSync(legacy, 'utf8')) as ExecutionRecord[]) this.save(record);
    rmSync(legacy);
  }
}

/** The executions a stopped stack left in `dataDir` (for `npm run reconcile`). */
export function readExecutions(dataDir: string): ExecutionRecord[] {
  return readExecutionFiles(path.join(dataDir, 'executions'));
}

function readExecutionFiles(dir: string): ExecutionRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ExecutionRecord);
}
