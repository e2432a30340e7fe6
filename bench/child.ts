/** Starting a stack-child process and talking to it. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './stack-child.ts';

export class StackChild {
  private readonly child: ChildProcess;
  private readonly waiting: ((reply: ChildReply) => void)[] = [];
  private readonly exited: Promise<number | null>;

  constructor(mode: 'speed' | 'cost', args: string[] = []) {
    this.child = fork(fileURLToPath(new URL('./stack-child.ts', import.meta.url)), [mode, ...args], {
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the stack's process (handlers, stand-ins, SDK floor), written there on exit.
      execArgv: ['--import', 'tsx', '--no-warnings', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: ChildReply) => {
      const next = this.waiting.shift();
      if (next) next(reply);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    // A send racing the child's exit fails asynchronously too; that is not the bench's failure.
    this.child.on('error', () => undefined);
    void this.exited.then((code) => {
      for (const w of this.waiting.splice(0)) w({ type: 'error', message: `stack child exited (${code})` });
    });
  }

  /** The next reply (in order), or an error if it is one. */
  async next<T extends ChildReply['type']>(type: T, timeoutMs = 300_000): Promise<Extract<ChildReply, { type: T }>> {
    const reply = await new Promise<ChildReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stack child: no '${type}' reply after ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    if (reply.type === 'error') throw new Error(`stack child: ${reply.message}`);
    if (reply.type !== type) throw new Error(`stack child: expected '${type}', got '${reply.type}'`);
    return reply as Extract<ChildReply, { type: T }>;
  }

  send(request: ChildRequest): void {
    this.child.send(request);
  }

  async stop(): Promise<void> {
    // A child that stops by itself (the cost child, once it sent its counts) may be gone already,
    // or going: then there is no channel to send on (an EPIPE here would crash the bench).
    if (this.child.exitCode === null && this.child.connected) {
      try {
        this.send({ type: 'stop' });
      } catch {
        // the channel closed in between
      }
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}
