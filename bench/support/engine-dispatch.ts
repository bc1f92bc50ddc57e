import type { Priority } from '../../src/store/records.js';
import { startDispatchStack, type DispatchStack } from './dispatch-stack.js';
import { waitForTakenAttempts } from './wait-for-attempts.js';

export interface EngineDispatchOptions {
  name: string;
  count: number;
  rateLimit: number;
  concurrency: number;
  priority?: Priority;
  /** Give up after this long. */
  limitMs: number;
  /** The emulators in a process of their own (see DispatchStackOptions). */
  sandboxProcess?: boolean;
}

export interface EngineDispatch {
  /** All `count` attempts were taken by the emulator in time. */
  done: boolean;
  /** From the engine's start until the last attempt was stored as taken (or the limit). */
  elapsedMs: number;
  perSecond: number;
  statuses: Record<string, number>;
}

/**
 * Queues `count` messages, starts todoke on them and times the engine until every attempt is stored as taken.
 * `inspect` looks at the stack (the emulator's ledger, say) before it is closed.
 */
export async function dispatchThroughEngine<T = undefined>(
  options: EngineDispatchOptions,
  inspect?: (stack: DispatchStack, run: EngineDispatch) => Promise<T>,
): Promise<EngineDispatch & { inspected: T | undefined }> {
  const stack = await startDispatchStack({
    name: options.name,
    rateLimit: options.rateLimit,
    concurrency: options.concurrency,
    engine: true,
    ...(options.sandboxProcess ? { sandboxProcess: true } : {}),
    seed: { count: options.count, priority: options.priority ?? 'bulk' },
  });
  try {
    const wait = await waitForTakenAttempts(stack.todoke, options.count, options.limitMs);
    const elapsedMs = (wait.doneAt ?? performance.now()) - stack.startedAt;
    const run: EngineDispatch = {
      done: wait.doneAt !== null,
      elapsedMs,
      perSecond: wait.doneAt === null ? Number.NaN : (options.count * 1000) / elapsedMs,
      statuses: wait.statuses,
    };
    return { ...run, inspected: inspect ? await inspect(stack, run) : undefined };
  } finally {
    await stack.close();
  }
}
