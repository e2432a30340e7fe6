/**
 * A local EventBridge Scheduler: the subset of its REST-JSON API that `@aws-sdk/client-scheduler`
 * sends for one-time schedules in the default group (CreateSchedule, GetSchedule, DeleteSchedule),
 * and a clock that invokes each schedule's target once at its time.
 *
 * - Durable: each schedule is one JSON file under `<dataDir>/schedules/`, written to a temporary
 *   file and renamed into place before CreateSchedule answers (the style of `local/step-functions/execution-store.ts`):
 *   a schedule acknowledged is never lost, and saving one costs the same however many exist.
 * - Survives restarts: a start loads every schedule on disk and fires those whose time has passed
 *   (late ones) at once. A schedule stays on disk until its target ran (then it is deleted with
 *   `ActionAfterCompletion: DELETE`, or kept as completed), so delivery is at least once, as in AWS.
 * - `deliveryWaitMs` (LOCAL_DELIVERY_WAIT_MS) compresses the wait of every schedule but a cancel
 *   window's shipment schedule (`ship-<orderId>`, which keeps its time): one is due that long
 *   after its creation instead of at its `at()` time (the due time is stored, so a restart keeps it).
 *   It is the same wait the simulated carrier's estimated delivery date follows (`ENV.deliveryWaitMs`,
 *   set by local/stack/stack.ts from the same setting), so a delivery's schedule and its due date in the
 *   open-orders index agree: one local clock.
 * - A failed invoke is retried per the target's RetryPolicy (MaximumRetryAttempts, default 185,
 *   within MaximumEventAgeInSeconds, default 86,400) with a short local backoff, then left on disk
 *   and logged; the next start tries it again.
 * - `FlexibleTimeWindow` is validated and stored; locally a schedule fires at the start of its window.
 * - Errors carry `x-amzn-ErrorType` and a `{Message}` body, which is what the SDK's REST-JSON
 *   deserializer reads to raise ConflictException, ResourceNotFoundException, ValidationException.
 * The schedule records, their store and CreateSchedule's rules: local/scheduler/scheduler-records.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CANCEL_WINDOW } from '../../amplify/server/settings/pipeline.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../shared/aws.ts';
import { answerClientErrors, BodyError, guardAwsEndpoint, readBody, type Log } from '../shared/http-guard.ts';
import { parseAtExpression, ScheduleStore, SchedulerError, toWire, validateCreate, validation, type CreateInput, type ScheduleRecord } from './scheduler-records.ts';

export interface LocalSchedulerOptions {
  dataDir: string; // schedules persisted under it (LOCAL_DATA_DIR); survives restarts
  deliveryWaitMs?: number; // LOCAL_DELIVERY_WAIT_MS: when set, a schedule (not a shipment's) fires this long after creation instead of at its at() time
  invoke(target: { Arn: string; Input?: string }): Promise<void>; // runs the target (locally: the Lambda handler in-process)
  /** Where failed invokes are reported (default: stderr). */
  log?: Log;
}

/** The default group is the only one locally; another group name is "not found", as in AWS. */
const DEFAULT_GROUP = 'default';
/** AWS's defaults for a target's RetryPolicy. */
const DEFAULT_RETRY = {
  MaximumRetryAttempts: 185,
  MaximumEventAgeInSeconds: 86_400,
};
/** Local backoff between attempts: 100 ms doubling, at most 2 s. */
const backoffMs = (attempt: number) => Math.min(2000, 100 * 2 ** attempt);
/** Node timers hold at most ~24.8 days; a later schedule re-arms its timer when this passes. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_BODY_BYTES = 256 * 1024;
const BODY_TIMEOUT_MS = 10_000;

class LocalScheduler {
  private readonly store: ScheduleStore;
  private readonly schedules = new Map<string, ScheduleRecord>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Schedules whose target is running: never started twice at once. */
  private readonly firing = new Map<string, Promise<void>>();
  private readonly log: Log;
  private closed = false;

  constructor(private readonly options: LocalSchedulerOptions) {
    this.store = new ScheduleStore(options.dataDir);
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** The runs of the schedules that were late at start (see `lateFired`). */
  private late: Promise<void>[] = [];

  /** Loads the schedules on disk and arms them; late ones fire at once. */
  start(): void {
    const now = Date.now();
    for (const record of this.store.load()) {
      this.schedules.set(record.Name, record);
      if (Date.parse(record.dueAt) > now || record.completedAt || record.State !== 'ENABLED') this.arm(record);
      else this.late.push(this.fire(record));
    }
  }

  /** Settles when every schedule that was late at start has run (or given up on its retries). */
  lateFired(): Promise<void> {
    return Promise.allSettled(this.late).then(() => undefined);
  }

  create(name: string, input: CreateInput): { ScheduleArn: string } {
    validateCreate(name, input);
    const group = input.GroupName ?? DEFAULT_GROUP;
    if (group !== DEFAULT_GROUP) throw new SchedulerError('ResourceNotFoundException', 404, `Schedule group ${group} does not exist.`);
    const timeZone = input.ScheduleExpressionTimezone ?? 'UTC';
    const at = parseAtExpression(input.ScheduleExpression!, timeZone);
    if (this.schedules.has(name)) throw new SchedulerError('ConflictException', 409, `Schedule ${name} already exists.`);
    const now = Date.now();
    const record: ScheduleRecord = {
      Name: name,
      GroupName: group,
      Arn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/${group}/${name}`,
      ScheduleExpression: input.ScheduleExpression!,
      ScheduleExpressionTimezone: timeZone,
      FlexibleTimeWindow: input.FlexibleTimeWindow!,
      Target: input.Target!,
      ActionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
      ...(input.Description !== undefined && {
        Description: input.Description,
      }),
      State: input.State ?? 'ENABLED',
      CreationDate: new Date(now).toISOString(),
      LastModificationDate: new Date(now).toISOString(),
      dueAt: new Date(this.options.deliveryWaitMs !== undefined && !name.startsWith(CANCEL_WINDOW.scheduleNamePrefix) ? now + this.options.deliveryWaitMs : at).toISOString(),
    };
    // On disk before it is acknowledged (and before it can fire).
    this.store.save(record);
    this.schedules.set(name, record);
    this.arm(record);
    return { ScheduleArn: record.Arn };
  }

  get(name: string, group = DEFAULT_GROUP): ScheduleRecord {
    const record = group === DEFAULT_GROUP ? this.schedules.get(name) : undefined;
    if (!record) throw new SchedulerError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    return record;
  }

  delete(name: string, group = DEFAULT_GROUP): void {
    this.get(name, group);
    this.forget(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    // A target running now finishes; one that fails is not retried (the next start does it).
    await Promise.all([...this.firing.values()]);
  }

  private forget(name: string): void {
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
    this.schedules.delete(name);
    this.store.remove(name);
  }

  private arm(record: ScheduleRecord): void {
    if (record.completedAt || record.State !== 'ENABLED' || this.closed) return;
    const wait = Math.max(0, Date.parse(record.dueAt) - Date.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(record.Name);
        if (wait > MAX_TIMER_MS) this.arm(record);
        else this.fire(record);
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    this.timers.set(record.Name, timer);
  }

  private fire(record: ScheduleRecord): Promise<void> {
    const running = this.firing.get(record.Name);
    if (running) return running;
    const run = this.invokeWithRetries(record).finally(() => this.firing.delete(record.Name));
    this.firing.set(record.Name, run);
    return run;
  }

  private async invokeWithRetries(record: ScheduleRecord): Promise<void> {
    const retry = { ...DEFAULT_RETRY, ...record.Target.RetryPolicy };
    const deadline = Date.parse(record.dueAt) + retry.MaximumEventAgeInSeconds * 1000;
    for (let attempt = 0; ; attempt++) {
      // Deleted (or the scheduler closed) while waiting: nothing to run.
      if (this.closed || this.schedules.get(record.Name) !== record) return;
      try {
        await this.options.invoke({
          Arn: record.Target.Arn,
          ...(record.Target.Input !== undefined && {
            Input: record.Target.Input,
          }),
        });
        this.completed(record);
        return;
      } catch (error) {
        const exhausted = attempt >= retry.MaximumRetryAttempts || Date.now() + backoffMs(attempt) > deadline;
        if (exhausted || this.closed) {
          this.log(
            `Scheduler: schedule ${record.Name} failed to invoke ${record.Target.Arn} after ${attempt + 1} attempt(s): ${(error as Error).message}; ` +
              'left on disk, the next start tries it again',
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      }
    }
  }

  private completed(record: ScheduleRecord): void {
    if (this.schedules.get(record.Name) !== record) return;
    if (record.ActionAfterCompletion === 'DELETE') {
      this.forget(record.Name);
      return;
    }
    const done = { ...record, completedAt: new Date().toISOString() };
    this.store.save(done);
    this.schedules.set(record.Name, done);
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function replyError(res: http.ServerResponse, error: SchedulerError | BodyError): void {
  const type = error instanceof SchedulerError ? error.type : 'ValidationException';
  // The connection of a body that could not be read is not reused.
  reply(
    res,
    error.status,
    { Message: error.message },
    {
      'x-amzn-ErrorType': type,
      ...(error instanceof BodyError && { Connection: 'close' }),
    },
  );
}

async function serve(scheduler: LocalScheduler, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
  const body = await readBody(req, MAX_BODY_BYTES, BODY_TIMEOUT_MS);
  if (!match) throw validation(`Not supported locally: ${req.method} ${url.pathname}`);
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    throw validation('Invalid Name');
  }
  const group = url.searchParams.get('groupName') ?? DEFAULT_GROUP;
  switch (req.method) {
    case 'POST': {
      let input: CreateInput;
      try {
        input = JSON.parse(body.toString('utf8') || '{}') as CreateInput;
      } catch {
        throw validation('The request body is not JSON');
      }
      return reply(res, 200, scheduler.create(name, input));
    }
    case 'GET':
      return reply(res, 200, toWire(scheduler.get(name, group)));
    case 'DELETE':
      scheduler.delete(name, group);
      return reply(res, 200, {});
    default:
      throw validation(`Not supported locally: ${req.method} ${url.pathname}`);
  }
}

/** Starts the local Scheduler on 127.0.0.1 (an ephemeral port) with the schedules under `dataDir`. */
export async function startLocalScheduler(opts: LocalSchedulerOptions): Promise<{ endpoint: string; lateFired(): Promise<void>; close(): Promise<void> }> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const scheduler = new LocalScheduler({ ...opts, log });
  const server = http.createServer((req, res) => {
    serve(scheduler, req, res).catch((error: Error) => {
      if (error instanceof SchedulerError || error instanceof BodyError) return replyError(res, error);
      log(`Scheduler: ${req.method} ${String(req.url).slice(0, 200)} failed: ${error.stack ?? error.message}`);
      reply(res, 500, { Message: error.message }, { 'x-amzn-ErrorType': 'InternalServerException' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  guardAwsEndpoint(server, 'Scheduler', log);
  answerClientErrors(server, 'Scheduler', log);
  scheduler.start();
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lateFired: () => scheduler.lateFired(),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await scheduler.close();
    },
  };
}
