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
  /** State transitions, retries included (what Standard workflows bill). */
  transitions: number;
  retries: number;
}

/** Execution names are `[A-Za-z0-9_-]{1,80}` (checked by StartExecution), so they are safe file names. */
const SAFE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

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
    if (!SAFE_NAME.test(record.name)) throw new Error(`Invalid execution name ${record.name}`);
    const file = path.join(this.dir, `${record.name}.json`);
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
