/**
 * Each local function's own environment, as Lambda gives each function its own although the four
 * handlers share one process: while a handler loads and while it runs (`inFunctionEnvironment`),
 * the platform's variables (`ENV`) in `process.env` are exactly its manifest's
 * (amplify/functions/manifest.ts); elsewhere (the stack, the tests) they are the process's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ENV } from '../../amplify/server/environment.ts';

/** A function's platform variables, by name (`functionEnvironment`). */
export type FunctionEnvironment = Readonly<Record<string, string>>;

const PLATFORM_VARIABLES: ReadonlySet<string | symbol> = new Set(Object.values(ENV));

/** One per process, shared by every copy of this module a test runner loads: `process.env` is wrapped once. */
const STORAGE = Symbol.for('order-platform.local.function-environment');

function storage(): AsyncLocalStorage<FunctionEnvironment> {
  const holder = globalThis as { [STORAGE]?: AsyncLocalStorage<FunctionEnvironment> };
  holder[STORAGE] ??= wrapProcessEnv();
  return holder[STORAGE];
}

/** Replaces `process.env` with a view that answers a platform variable from the running function's environment. */
function wrapProcessEnv(): AsyncLocalStorage<FunctionEnvironment> {
  const running = new AsyncLocalStorage<FunctionEnvironment>();
  /** The running function's environment, when `name` is a platform variable read inside one. */
  const functionOwn = (name: string | symbol) => (PLATFORM_VARIABLES.has(name) ? running.getStore() : undefined);
  process.env = new Proxy(process.env, {
    // On the environment itself: `process.env` refuses the bare value descriptor a set through a proxy defines.
    set: (target, name, value) => Reflect.set(target, name, value),
    get: (target, name) => {
      const own = functionOwn(name);
      return own ? own[name as string] : Reflect.get(target, name);
    },
    has: (target, name) => {
      const own = functionOwn(name);
      return own ? Object.hasOwn(own, name) : Reflect.has(target, name);
    },
    ownKeys: (target) => {
      const own = running.getStore();
      return own ? [...Reflect.ownKeys(target).filter((name) => !PLATFORM_VARIABLES.has(name)), ...Object.keys(own)] : Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor: (target, name) => {
      const own = functionOwn(name);
      if (!own) return Reflect.getOwnPropertyDescriptor(target, name);
      return Object.hasOwn(own, name) ? { value: own[name as string], writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
  return running;
}

/** Runs `work` (a handler's loading, an invocation) as code of the function whose environment is `environment`. */
export function inFunctionEnvironment<T>(environment: FunctionEnvironment, work: () => T): T {
  return storage().run(environment, work);
}
