/**
 * The local EventBridge Scheduler's schedules (local/scheduler/scheduler.ts): their record, the store that
 * keeps each one as a JSON file (written whole, then renamed into place), the `at()` expression in
 * a time zone, and CreateSchedule's rules, answered with Scheduler's own errors.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Scheduler's schedule name rule (CreateSchedule's `Name`); also keeps file names safe. */
const SCHEDULE_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const AT_EXPRESSION = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

export interface Target {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: {
    MaximumRetryAttempts?: number;
    MaximumEventAgeInSeconds?: number;
  };
}

export interface ScheduleRecord {
  Name: string;
  GroupName: string;
  Arn: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  FlexibleTimeWindow: {
    Mode: 'OFF' | 'FLEXIBLE';
    MaximumWindowInMinutes?: number;
  };
  Target: Target;
  ActionAfterCompletion: 'NONE' | 'DELETE';
  Description?: string;
  State: 'ENABLED' | 'DISABLED';
  CreationDate: string;
  LastModificationDate: string;
  /** When the target is invoked (ISO): the at() time, or creation + deliveryWaitMs. */
  dueAt: string;
  /** Set once the target ran successfully (a schedule kept with ActionAfterCompletion NONE). */
  completedAt?: string;
}

/** A Scheduler API error: the SDK raises the exception named `type`. */
export class SchedulerError extends Error {
  constructor(
    readonly type: 'ConflictException' | 'ResourceNotFoundException' | 'ValidationException',
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}
export const validation = (message: string) => new SchedulerError('ValidationException', 400, message);

/** One file per schedule under `<dataDir>/schedules/`. */
export class ScheduleStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'schedules');
    mkdirSync(this.dir, { recursive: true });
  }

  load(): ScheduleRecord[] {
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(path.join(this.dir, file), 'utf8')) as ScheduleRecord);
  }

  /** Synchronous: the schedule is on disk when this returns. */
  save(record: ScheduleRecord): void {
    const file = this.fileOf(record.Name);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, file);
  }

  remove(name: string): void {
    rmSync(this.fileOf(name), { force: true });
  }

  exists(name: string): boolean {
    return existsSync(this.fileOf(name));
  }

  private fileOf(name: string): string {
    if (!SCHEDULE_NAME.test(name)) throw new Error(`Invalid schedule name ${name}`);
    return path.join(this.dir, `${name}.json`);
  }
}

/** The UTC instant of a wall-clock time in an IANA time zone (DST-aware). */
/** year, month (1-12), day, hour, minute, second */
type WallClock = [number, number, number, number, number, number];

function zonedTimeToUtc(parts: WallClock, timeZone: string): number {
  const [year, month, day, hour, minute, second] = parts;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetAt = (instant: number) => {
    const fields: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(new Date(instant))
        .map((p) => [p.type, Number(p.value)]),
    );
    const field = (type: Intl.DateTimeFormatPartTypes) => fields[type] ?? 0;
    return Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second')) - instant;
  };
  const guess = wall - offsetAt(wall);
  // Across a DST change the offset at the guess can differ from the offset at the wall time.
  return wall - offsetAt(guess);
}

/** The instant `at(yyyy-mm-ddThh:mm:ss)` names in `timeZone`; only one-time schedules exist locally. */
export function parseAtExpression(expression: string, timeZone: string): number {
  const match = AT_EXPRESSION.exec(expression);
  if (!match) throw validation(`Invalid Schedule Expression ${expression}: the local Scheduler supports at(yyyy-mm-ddThh:mm:ss) only`);
  const parts = match.slice(1, 7).map(Number) as WallClock;
  const [year, month, day, hour, minute, second] = parts;
  const calendar = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw validation(`Invalid Schedule Expression ${expression}: not a date and time`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw validation(`Invalid ScheduleExpressionTimezone ${timeZone}`);
  }
  return zonedTimeToUtc(parts, timeZone);
}

export type CreateInput = Partial<Omit<ScheduleRecord, 'Name' | 'Arn' | 'CreationDate' | 'LastModificationDate' | 'dueAt'>>;

export function validateCreate(name: string, input: CreateInput): void {
  if (!SCHEDULE_NAME.test(name)) throw validation(`Invalid Name ${name}: 1-64 characters of [0-9a-zA-Z-_.]`);
  if (typeof input.ScheduleExpression !== 'string') throw validation('ScheduleExpression is required');
  const window = input.FlexibleTimeWindow;
  if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) throw validation('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE');
  if (
    window.Mode === 'FLEXIBLE' &&
    !(Number.isInteger(window.MaximumWindowInMinutes) && window.MaximumWindowInMinutes! >= 1 && window.MaximumWindowInMinutes! <= 1440)
  ) {
    throw validation('FlexibleTimeWindow.MaximumWindowInMinutes must be 1-1440 when Mode is FLEXIBLE');
  }
  const target = input.Target;
  if (!target || typeof target.Arn !== 'string' || !target.Arn) throw validation('Target.Arn is required');
  if (typeof target.RoleArn !== 'string' || !target.RoleArn) throw validation('Target.RoleArn is required');
  const retry = target.RetryPolicy;
  if (
    retry?.MaximumRetryAttempts !== undefined &&
    !(Number.isInteger(retry.MaximumRetryAttempts) && retry.MaximumRetryAttempts >= 0 && retry.MaximumRetryAttempts <= 185)
  ) {
    throw validation('Target.RetryPolicy.MaximumRetryAttempts must be 0-185');
  }
  if (
    retry?.MaximumEventAgeInSeconds !== undefined &&
    !(Number.isInteger(retry.MaximumEventAgeInSeconds) && retry.MaximumEventAgeInSeconds >= 60 && retry.MaximumEventAgeInSeconds <= 86_400)
  ) {
    throw validation('Target.RetryPolicy.MaximumEventAgeInSeconds must be 60-86400');
  }
  if (input.ActionAfterCompletion !== undefined && input.ActionAfterCompletion !== 'NONE' && input.ActionAfterCompletion !== 'DELETE') {
    throw validation('ActionAfterCompletion must be NONE or DELETE');
  }
  if (input.State !== undefined && input.State !== 'ENABLED' && input.State !== 'DISABLED') throw validation('State must be ENABLED or DISABLED');
}

/** The API sends timestamps as epoch seconds; internal fields (dueAt, completedAt) stay out. */
export function toWire(record: ScheduleRecord): Record<string, unknown> {
  const { dueAt: _due, completedAt: _completed, CreationDate, LastModificationDate, ...fields } = record;
  return {
    ...fields,
    CreationDate: Date.parse(CreationDate) / 1000,
    LastModificationDate: Date.parse(LastModificationDate) / 1000,
  };
}

