/**
 * The handlers' Powertools log lines, captured instead of printed: an expected ERROR line (a
 * failure a test provokes on purpose) is asserted on, not shown in the test output.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { vi } from 'vitest';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: unknown[];
}

/** Captures every logger's debug, info, warn and error calls until the returned `restore`. */
export function captureLogs(): { lines: LogLine[]; messages(level: LogLine['level']): string[]; restore(): void } {
  const lines: LogLine[] = [];
  const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
    vi.spyOn(Logger.prototype, level).mockImplementation((input: unknown, ...extra: unknown[]) => {
      lines.push({ level, message: typeof input === 'string' ? input : String((input as { message?: unknown })?.message), extra });
    }),
  );
  return {
    lines,
    messages: (level) => lines.filter((line) => line.level === level).map((line) => line.message),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
