import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { errorChain } from '../core/error-chain.js';

/**
 * SQLSTATEs of a server that is going away, coming back or unreachable: class 08 (connection exception) and
 * 57P01–57P03 (terminated by the administrator, crash shutdown, "the database system is starting up / shutting
 * down"). A restarting PostgreSQL answers with these for a few seconds.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03']);
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** Whether the error, or one it was caused by, says the database is away for now rather than that the step is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of errorChain(error, 5)) {
    if (!(e instanceof Error)) break;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNREACHABLE_ERRNOS.has(code)) return true;
    }
    // node-postgres ends a query whose connection closed under it with this message and no code.
    if (/^Connection terminated/.test(e.message)) return true;
  }
  return false;
}

export interface WaitOptions {
  logger: Logger;
  /** Give up (and throw the last error) once this long has passed; default 60 s. */
  patienceMs?: number;
  /** The first pause between tries, doubled up to 2 s; default 250 ms. */
  firstPauseMs?: number;
}

/**
 * Runs a start-up step, trying again while the database is unavailable (a PostgreSQL restart takes seconds), so a
 * process started just then waits for it as running processes do, instead of exiting. Any other error, or one that
 * lasts past the patience, is thrown.
 */
export async function whileDatabaseUnavailable<T>(
  what: string,
  step: () => Promise<T>,
  options: WaitOptions,
): Promise<T> {
  const giveUpAt = performance.now() + (options.patienceMs ?? 60_000);
  let pause = options.firstPauseMs ?? 250;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || performance.now() + pause > giveUpAt) throw error;
      options.logger.warn(
        { err: error, retryInMs: pause },
        `${what}: the database is not available; trying again`,
      );
      await sleep(pause);
      pause = Math.min(pause * 2, 2_000);
    }
  }
}
