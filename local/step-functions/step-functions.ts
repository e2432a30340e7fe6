/**
 * A local Step Functions service for the Express order workflow: the AWS JSON API's StartExecution
 * over the aws-local-stepfunctions interpreter running the deployed ASL file, with Express's
 * semantics: every start is a new execution (no execution-name deduplication: a duplicated start
 * of an order runs twice, as in AWS), and no DescribeExecution.
 *
 * Executions are kept on disk by `ExecutionStore` (standing in for the workflow's CloudWatch Logs,
 * for tests and `npm run reconcile`). An Express execution keeps no state between its states, so
 * one that was running when the stack stopped is not resumed: the next start marks it ABORTED and
 * the recovery job restarts its order (every step is idempotent), as it would in AWS.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import { renderWorkflow, WORKFLOW_DEFINITION } from '../../amplify/server/workflow.ts';
import { STATE_MACHINE } from '../../amplify/server/settings/pipeline.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../shared/aws.ts';
import { ExecutionStore, type ExecutionRecord, type ExecutionStatus } from './execution-store.ts';
import { answerClientErrors, guardAwsEndpoint, readBody, type Log } from '../shared/http-guard.ts';

export type { ExecutionRecord, ExecutionStatus } from './execution-store.ts';

type TaskRunner = (stateName: string, input: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  dataDir: string;
  processOrderArn: string;
  runTask: TaskRunner;
  retryIntervalMs: number;
  log?: Log;
}

export class StepFunctionsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const localStateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${STATE_MACHINE.localName}`;

interface AslState {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[] }[];
}

/** Retried on a clock the local stack does not compress: a charge another invocation holds until its idempotency record expires. */
const REAL_CLOCK_ERRORS = ['IdempotencyAlreadyInProgressError'];

/**
 * How long each of a state's retriers waits locally: `compressedMs` (LOCAL_RETRY_INTERVAL_MS), but
 * the definition's own interval (-1: no override) for a retrier waiting on a real clock.
 */
function localRetryWaits(state: AslState, compressedMs: number): number | number[] {
  const retriers = state.Retry ?? [];
  if (!retriers.some((r) => r.ErrorEquals.some((e) => REAL_CLOCK_ERRORS.includes(e)))) return compressedMs;
  return retriers.map((r) => (r.ErrorEquals.some((e) => REAL_CLOCK_ERRORS.includes(e)) ? -1 : compressedMs));
}

export class LocalStepFunctions {
  readonly stateMachineArn = localStateMachineArn;
  /** By execution ARN (names repeat: Express does not deduplicate them). */
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly store: ExecutionStore;
  private readonly machine: InstanceType<typeof StateMachine>;
  private readonly overrides: Record<string, unknown>;
  private server?: http.Server;
  private stopped = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.store = new ExecutionStore(options.dataDir);
    for (const record of this.store.load()) this.executions.set(record.executionArn, record);
    const definition = JSON.parse(renderWorkflow(options.processOrderArn));
    this.machine = new StateMachine(definition, { validationOptions: { checkArn: true } });
    const states = Object.entries(WORKFLOW_DEFINITION.States as Record<string, AslState>);
    const tasks = states.filter(([, s]) => s.Type === 'Task');
    this.overrides = {
      taskResourceLocalHandlers: Object.fromEntries(tasks.map(([name]) => [name, (input: unknown) => options.runTask(name, input)])),
      retryIntervalOverrides: Object.fromEntries(tasks.map(([name, state]) => [name, localRetryWaits(state, options.retryIntervalMs)])),
    };
    if (states.some(([, s]) => s.Type === 'Wait')) throw new Error('The order workflow is Express (at most 5 minutes): it has no Wait state');
  }

  /** Executions a previous process left running (an Express execution cannot be resumed). */
  interrupted(): ExecutionRecord[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING' && !this.running.has(e.executionArn));
  }

  /** Marks the executions a previous process left running ABORTED; the recovery job restarts their orders. */
  abortInterrupted(): number {
    const list = this.interrupted();
    for (const record of list) {
      Object.assign(record, { status: 'ABORTED', stopDate: new Date().toISOString(), cause: 'The local stack stopped while it ran' });
      this.store.save(record);
    }
    return list.length;
  }

  /** As Express: each call starts a new execution, whatever its name (a name is optional and may repeat). */
  startExecution(input: { stateMachineArn?: string; name?: string; input?: string }) {
    if (input.stateMachineArn !== this.stateMachineArn) throw new StepFunctionsError('StateMachineDoesNotExist', `No state machine ${input.stateMachineArn}`);
    const id = randomUUID();
    const name = input.name ?? id;
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new StepFunctionsError('InvalidName', `Invalid execution name ${name}`);
    const text = input.input ?? '{}';
    const record: ExecutionRecord = {
      // Express execution ARNs: `...:express:<state machine>:<name>:<id>`.
      executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':express:')}:${name}:${id}`,
      name,
      input: text,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      transitions: 0,
      retries: 0,
    };
    this.store.save(record); // recorded before it is acknowledged
    this.executions.set(record.executionArn, record);
    this.run(record);
    return { executionArn: record.executionArn, startDate: record.startDate };
  }

  list(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  /** Resolves when no execution is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private run(record: ExecutionRecord): void {
    const execution = this.machine.run(JSON.parse(record.input), {
      overrides: this.overrides,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, Input: JSON.parse(record.input), StartTime: record.startDate },
        StateMachine: { Id: this.stateMachineArn, Name: STATE_MACHINE.localName },
      },
    });
    const counting = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') record.transitions += 1;
        if (event.type === 'StateRetried') record.retries += 1;
      }
    })().catch(() => undefined);
    const done = execution.result.then(
      (output) => this.finish(record, 'SUCCEEDED', { output: JSON.stringify(output) }),
      (error: Error & { cause?: unknown }) => {
        if (this.stopped) return; // left RUNNING on disk: the next start marks it ABORTED
        const { Error: name, Cause } = failureOf(error);
        this.finish(record, 'FAILED', { error: name, cause: Cause });
      },
    );
    const tracked = Promise.all([done, counting]).then(() => undefined);
    this.running.set(record.executionArn, { abort: execution.abort, done: tracked });
    void tracked.finally(() => this.running.delete(record.executionArn));
  }

  private finish(record: ExecutionRecord, status: ExecutionStatus, fields: Partial<ExecutionRecord>): void {
    if (this.stopped) return;
    Object.assign(record, fields, { status, stopDate: new Date().toISOString() });
    this.store.save(record);
  }

  async listen(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const log = this.options.log ?? (() => undefined);
    guardAwsEndpoint(this.server, 'Step Functions', log);
    answerClientErrors(this.server, 'Step Functions', log);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      chunks.push(await readBody(req, 1024 * 1024, 10_000));
    } catch (error) {
      // An aborted or stalled request: answered (if the client still listens) and logged, never thrown.
      this.options.log?.(`Step Functions: ${(error as Error).message}`);
      res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0', Connection: 'close' });
      res.end(JSON.stringify({ __type: 'InvalidArgument', message: (error as Error).message }));
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    try {
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (target === 'StartExecution') return reply(200, toWire(this.startExecution(input)));
      throw new StepFunctionsError('UnknownOperationException', `Not supported locally: ${target}`);
    } catch (error) {
      const type = error instanceof StepFunctionsError ? error.type : 'InvalidArgument';
      reply(400, { __type: type, message: (error as Error).message });
    }
  }

  /** Stops the service; running executions stay RUNNING on disk (the next start marks them ABORTED). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { abort } of this.running.values()) abort();
    await Promise.all([...this.running.values()].map((r) => r.done.catch(() => undefined)));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The AWS API sends timestamps as epoch seconds. */
function toWire<T extends object>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (key, v) => (/Date$/.test(key) && typeof v === 'string' ? Date.parse(v) / 1000 : v)));
}

function failureOf(error: Error & { cause?: unknown }): { Error: string; Cause: string } {
  // ExecutionError wraps the state's error; the Fail state's Error/Cause are on it.
  const inner = (error.cause ?? error) as { name?: string; message?: string };
  return { Error: inner.name ?? error.name, Cause: inner.message ?? error.message };
}
