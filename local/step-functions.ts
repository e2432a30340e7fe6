/**
 * A local Step Functions service: the AWS JSON API (StartExecution, DescribeExecution) over the aws-local-stepfunctions interpreter running the deployed ASL file.
 *
 * Executions are kept on disk by `ExecutionStore`, each saved before it is acknowledged. The
 * interpreter cannot checkpoint, so an
 * execution that was running when the stack stopped is run again from its first state at the next
 * start; that is safe because every step of the workflow is idempotent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import { renderWorkflow, WORKFLOW_DEFINITION } from '../amplify/server/workflow.ts';
import { STATE_MACHINE } from '../amplify/server/settings.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws.ts';
import { ExecutionStore, type ExecutionRecord, type ExecutionStatus } from './execution-store.ts';
import { answerClientErrors, guardAwsEndpoint, readBody, type Log } from './http-guard.ts';

export type { ExecutionRecord, ExecutionStatus } from './execution-store.ts';

type TaskRunner = (stateName: string, input: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  dataDir: string;
  processOrderArn: string;
  runTask: TaskRunner;
  waitMs: number;
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
}

export class LocalStepFunctions {
  readonly stateMachineArn = localStateMachineArn;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly store: ExecutionStore;
  private readonly machine: InstanceType<typeof StateMachine>;
  private readonly overrides: Record<string, unknown>;
  private server?: http.Server;
  private stopped = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.store = new ExecutionStore(options.dataDir);
    for (const record of this.store.load()) this.executions.set(record.name, record);
    const definition = JSON.parse(renderWorkflow(options.processOrderArn));
    this.machine = new StateMachine(definition, { validationOptions: { checkArn: true } });
    const states = Object.entries(WORKFLOW_DEFINITION.States as Record<string, AslState>);
    const tasks = states.filter(([, s]) => s.Type === 'Task').map(([name]) => name);
    this.overrides = {
      taskResourceLocalHandlers: Object.fromEntries(tasks.map((name) => [name, (input: unknown) => options.runTask(name, input)])),
      retryIntervalOverrides: Object.fromEntries(tasks.map((name) => [name, options.retryIntervalMs])),
      waitTimeOverrides: Object.fromEntries(states.filter(([, s]) => s.Type === 'Wait').map(([name]) => [name, options.waitMs])),
    };
  }

  /** Executions left running by a previous process, to be run again. */
  interrupted(): ExecutionRecord[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING' && !this.running.has(e.name));
  }

  resumeInterrupted(): number {
    const list = this.interrupted();
    for (const record of list) this.run(record);
    return list.length;
  }

  startExecution(input: { stateMachineArn?: string; name?: string; input?: string }) {
    if (input.stateMachineArn !== this.stateMachineArn) throw new StepFunctionsError('StateMachineDoesNotExist', `No state machine ${input.stateMachineArn}`);
    if (!input.name || !/^[A-Za-z0-9_-]{1,80}$/.test(input.name)) throw new StepFunctionsError('InvalidName', `Invalid execution name ${input.name}`);
    const text = input.input ?? '{}';
    const existing = this.executions.get(input.name);
    if (existing) {
      // As in AWS: the same name and input while running returns the running execution.
      if (existing.status === 'RUNNING' && existing.input === text) return { executionArn: existing.executionArn, startDate: existing.startDate };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution already exists: '${existing.executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
      name: input.name,
      input: text,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      transitions: 0,
      retries: 0,
    };
    this.store.save(record); // durable before it is acknowledged
    this.executions.set(record.name, record);
    this.run(record);
    return { executionArn: record.executionArn, startDate: record.startDate };
  }

  describeExecution(input: { executionArn?: string }) {
    const record = [...this.executions.values()].find((e) => e.executionArn === input.executionArn);
    if (!record) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution does not exist: '${input.executionArn}'`);
    return { ...record, stateMachineArn: this.stateMachineArn };
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
      context: { Execution: { Id: record.executionArn, Name: record.name, Input: JSON.parse(record.input), StartTime: record.startDate } },
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
        if (this.stopped) return; // left RUNNING on disk: resumed at the next start
        const { Error: name, Cause } = failureOf(error);
        this.finish(record, 'FAILED', { error: name, cause: Cause });
      },
    );
    const tracked = Promise.all([done, counting]).then(() => undefined);
    this.running.set(record.name, { abort: execution.abort, done: tracked });
    void tracked.finally(() => this.running.delete(record.name));
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
      if (target === 'DescribeExecution') return reply(200, toWire(this.describeExecution(input)));
      throw new StepFunctionsError('UnknownOperationException', `Not supported locally: ${target}`);
    } catch (error) {
      const type = error instanceof StepFunctionsError ? error.type : 'InvalidArgument';
      reply(400, { __type: type, message: (error as Error).message });
    }
  }

  /** Stops the service; running executions stay RUNNING on disk and are resumed by the next start. */
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
