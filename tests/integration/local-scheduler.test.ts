/**
 * The local EventBridge Scheduler stand-in, driven by the real SchedulerClient: one-time schedules
 * fire once with their Input, survive a restart, fire late at start, and the SDK raises the
 * exceptions the real service's errors map to.
 *
 * "Exactly once" is checked without sleeps: a sentinel schedule due after the one under test fires
 * later on the same clock, so when the sentinel has fired any duplicate would have been seen.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../local/shared/aws.ts';
import { startLocalScheduler, type LocalSchedulerOptions } from '../../local/scheduler/scheduler.ts';

const TARGET_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:confirm-delivery';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/scheduler';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'local-scheduler-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Fire {
  Arn: string;
  Input?: string;
  at: number;
}

/** A running stand-in whose target records each invoke; `fired(name)` resolves once that schedule has fired. */
async function scheduler(dataDir: string, options: Partial<LocalSchedulerOptions> = {}) {
  const fires: Fire[] = [];
  const waiting: { name: string; resolve: () => void }[] = [];
  const logs: string[] = [];
  const invoke = options.invoke;
  const stand = await startLocalScheduler({
    dataDir,
    log: (line) => logs.push(line),
    ...options,
    async invoke(target) {
      if (invoke) await invoke(target);
      fires.push({ ...target, at: Date.now() });
      const name = target.Input && (JSON.parse(target.Input) as { name: string }).name;
      for (const w of waiting.filter((w) => w.name === name)) w.resolve();
    },
  });
  let closed = false;
  const close = async () => {
    if (!closed) await stand.close();
    closed = true;
  };
  cleanups.push(close);
  const client = new SchedulerClient({
    ...LOCAL_AWS,
    endpoint: stand.endpoint,
    maxAttempts: 1,
  });
  cleanups.push(() => client.destroy());
  return {
    client,
    fires,
    logs,
    close,
    firesOf: (name: string) => fires.filter((f) => f.Input && (JSON.parse(f.Input) as { name: string }).name === name),
    /** Resolves once the schedule has fired (already, or later). */
    fired: (name: string) =>
      new Promise<void>((resolve) => {
        if (fires.some((f) => f.Input && (JSON.parse(f.Input) as { name: string }).name === name)) resolve();
        else waiting.push({ name, resolve });
      }),
  };
}

/** `at(...)` for an instant, in UTC, to the second. */
const atExpression = (instant: number) => `at(${new Date(instant).toISOString().slice(0, 19)})`;

function schedule(name: string, overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: name,
    ScheduleExpression: atExpression(Date.now() + 3 * 24 * 3600 * 1000),
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: TARGET_ARN,
      RoleArn: ROLE_ARN,
      Input: JSON.stringify({ name }),
      RetryPolicy: { MaximumRetryAttempts: 2 },
    },
    ActionAfterCompletion: 'NONE',
    ...overrides,
  };
}

describe('local EventBridge Scheduler', () => {
  it('fires a schedule once, with its Input, no earlier than deliveryWaitMs after its creation; a duplicate create is a ConflictException', async () => {
    const s = await scheduler(tempDir(), { deliveryWaitMs: 150 });
    const fired = s.fired('order-1');
    const createdAt = Date.now();
    const { ScheduleArn } = await s.client.send(new CreateScheduleCommand(schedule('order-1')));
    expect(ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/order-1');
    await expect(s.client.send(new CreateScheduleCommand(schedule('order-1')))).rejects.toBeInstanceOf(ConflictException);
    const sentinelFired = s.fired('sentinel');
    await s.client.send(new CreateScheduleCommand(schedule('sentinel')));
    await fired;
    expect(s.firesOf('order-1')).toEqual([
      {
        Arn: TARGET_ARN,
        Input: JSON.stringify({ name: 'order-1' }),
        at: expect.any(Number),
      },
    ]);
    expect(s.firesOf('order-1')[0]!.at).toBeGreaterThanOrEqual(createdAt + 150);
    await sentinelFired;
    expect(s.firesOf('order-1')).toHaveLength(1);
  });

  it('fires at the at() time in the schedule time zone when no deliveryWaitMs is set', async () => {
    const s = await scheduler(tempDir());
    // The next whole second at least 1 s away, written as Madrid wall-clock time.
    const due = Math.ceil((Date.now() + 1000) / 1000) * 1000;
    const madrid = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Madrid',
      dateStyle: 'short',
      timeStyle: 'medium',
    })
      .format(due)
      .replace(' ', 'T');
    const fired = s.fired('madrid');
    await s.client.send(
      new CreateScheduleCommand(
        schedule('madrid', {
          ScheduleExpression: `at(${madrid})`,
          ScheduleExpressionTimezone: 'Europe/Madrid',
        }),
      ),
    );
    await fired;
    expect(s.firesOf('madrid')[0]!.at).toBeGreaterThanOrEqual(due);
  });

  it('answers GetSchedule and DeleteSchedule, and ResourceNotFoundException for a schedule that does not exist', async () => {
    const s = await scheduler(tempDir());
    await s.client.send(
      new CreateScheduleCommand(
        schedule('order-2', {
          ActionAfterCompletion: 'DELETE',
          FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
        }),
      ),
    );
    const got = await s.client.send(new GetScheduleCommand({ Name: 'order-2' }));
    expect(got).toMatchObject({
      Name: 'order-2',
      GroupName: 'default',
      Arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/order-2',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Target: {
        Arn: TARGET_ARN,
        RoleArn: ROLE_ARN,
        Input: JSON.stringify({ name: 'order-2' }),
        RetryPolicy: { MaximumRetryAttempts: 2 },
      },
    });
    expect(got.CreationDate).toBeInstanceOf(Date);
    await s.client.send(new DeleteScheduleCommand({ Name: 'order-2' }));
    await expect(s.client.send(new GetScheduleCommand({ Name: 'order-2' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(s.client.send(new DeleteScheduleCommand({ Name: 'order-2' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(s.client.send(new GetScheduleCommand({ Name: 'never-created' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(s.client.send(new GetScheduleCommand({ Name: 'order-2', GroupName: 'other' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it.each([
    ['a malformed at()', { ScheduleExpression: 'at(2026-13-01T10:00:00)' }],
    ['a day that does not exist', { ScheduleExpression: 'at(2026-02-30T10:00:00)' }],
    ['a rate() (not supported locally)', { ScheduleExpression: 'rate(5 minutes)' }],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus' }],
    ['a flexible window without its size', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const } }],
  ])('refuses %s with a ValidationException and stores nothing', async (_, overrides) => {
    const dataDir = tempDir();
    const s = await scheduler(dataDir);
    const error = await s.client.send(new CreateScheduleCommand(schedule('bad', overrides))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).$metadata.httpStatusCode).toBe(400);
    expect(readdirSync(path.join(dataDir, 'schedules'))).toEqual([]);
  });

  it('has the schedule on disk when CreateSchedule answers, and a restart before its time still fires it exactly once', async () => {
    const dataDir = tempDir();
    const first = await scheduler(dataDir, { deliveryWaitMs: 300 });
    await first.client.send(new CreateScheduleCommand(schedule('order-3')));
    expect(existsSync(path.join(dataDir, 'schedules', 'order-3.json'))).toBe(true);
    await first.close();

    const second = await scheduler(dataDir, { deliveryWaitMs: 300 });
    const fired = second.fired('order-3');
    const sentinelFired = second.fired('sentinel');
    await second.client.send(new CreateScheduleCommand(schedule('sentinel')));
    await fired;
    await sentinelFired;
    expect(first.fires).toEqual([]);
    expect(second.firesOf('order-3')).toHaveLength(1);
    // Completed with ActionAfterCompletion NONE: kept, not fired again at the next start.
    await second.close();
    const third = await scheduler(dataDir, { deliveryWaitMs: 0 });
    const sentinel2Fired = third.fired('sentinel-2');
    await third.client.send(new CreateScheduleCommand(schedule('sentinel-2')));
    await sentinel2Fired;
    expect(third.firesOf('order-3')).toEqual([]);
    await expect(third.client.send(new GetScheduleCommand({ Name: 'order-3' }))).resolves.toMatchObject({ Name: 'order-3' });
  });

  it('fires a schedule whose time passed while it was stopped at the next start', async () => {
    const dataDir = tempDir();
    const first = await scheduler(dataDir, { deliveryWaitMs: 50 });
    const createdAt = Date.now();
    await first.client.send(new CreateScheduleCommand(schedule('order-4')));
    await first.close();
    // Wait only until the schedule is due.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, createdAt + 60 - Date.now())));

    const second = await scheduler(dataDir);
    await second.fired('order-4');
    expect(first.fires).toEqual([]);
    expect(second.firesOf('order-4')).toHaveLength(1);
  });

  it('deletes a schedule after its target ran when ActionAfterCompletion is DELETE', async () => {
    const dataDir = tempDir();
    const s = await scheduler(dataDir, { deliveryWaitMs: 0 });
    const fired = s.fired('order-5');
    await s.client.send(new CreateScheduleCommand(schedule('order-5', { ActionAfterCompletion: 'DELETE' })));
    await fired;
    // The file goes right after the successful invoke, before the Get below reaches the server.
    await expect(s.client.send(new GetScheduleCommand({ Name: 'order-5' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(existsSync(path.join(dataDir, 'schedules', 'order-5.json'))).toBe(false);
  });

  it('retries a failed invoke per RetryPolicy, then leaves the schedule on disk, logs it, and the next start tries again', async () => {
    const dataDir = tempDir();
    let attempts = 0;
    let gaveUp!: () => void;
    const logged = new Promise<void>((resolve) => (gaveUp = resolve));
    const failing = await scheduler(dataDir, {
      deliveryWaitMs: 0,
      invoke: async () => {
        attempts++;
        throw new Error('confirm-delivery is down');
      },
      log: (line) => {
        if (line.includes('order-6')) gaveUp();
      },
    });
    await failing.client.send(new CreateScheduleCommand(schedule('order-6', { ActionAfterCompletion: 'DELETE' })));
    await logged;
    expect(attempts).toBe(3); // the first attempt and MaximumRetryAttempts: 2
    expect(failing.fires).toEqual([]);
    await failing.close();
    expect(existsSync(path.join(dataDir, 'schedules', 'order-6.json'))).toBe(true);

    const recovered = await scheduler(dataDir);
    await recovered.fired('order-6');
    expect(recovered.firesOf('order-6')).toHaveLength(1);
  });
});
