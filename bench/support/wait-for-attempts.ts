import { setTimeout as sleep } from 'node:timers/promises';
import type { Todoke } from '../../src/runtime/start-todoke.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/** Attempt statuses reached once the provider took the request (a delivery event may already have followed). */
const TAKEN = ['accepted', 'delivered'];

export interface AttemptsWait {
  /** performance.now() when `count` attempts were on disk as taken; null if that did not happen in time. */
  doneAt: number | null;
  /** Attempts by status when the wait ended. */
  statuses: Record<string, number>;
}

function sqliteOf(todoke: Todoke): SqliteStore {
  if (!(todoke.store instanceof SqliteStore)) throw new Error('the benchmarks run on the SQLite store');
  return todoke.store;
}

/** Provider requests answered as taken, from the engine's own counter: cheap enough to poll often. */
export async function providerTaken(todoke: Todoke): Promise<number> {
  const { values } = await todoke.metrics.attempts.get();
  return values.reduce((n, v) => n + (TAKEN.includes(String(v.labels.outcome)) ? v.value : 0), 0);
}

export function attemptStatuses(todoke: Todoke): Record<string, number> {
  const rows = sqliteOf(todoke)
    .db.prepare('SELECT status, count(*) AS n FROM attempts GROUP BY status')
    .all() as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Waits until `count` attempts are stored as taken by the provider. The engine's counter says when to look (it
 * moves just before the outcome is committed); a count in the database confirms it, since scanning the attempts
 * table on every poll would itself slow the engine down.
 */
export async function waitForTakenAttempts(
  todoke: Todoke,
  count: number,
  limitMs: number,
): Promise<AttemptsWait> {
  const deadline = performance.now() + limitMs;
  const taken = sqliteOf(todoke).db.prepare(
    `SELECT count(*) FROM attempts WHERE status IN (${TAKEN.map((s) => `'${s}'`).join(', ')})`,
  );
  while (performance.now() < deadline) {
    const answered = (await providerTaken(todoke)) >= count;
    if (answered && (taken.pluck().get() as number) >= count) {
      return { doneAt: performance.now(), statuses: attemptStatuses(todoke) };
    }
    await sleep(answered ? 5 : 25);
  }
  return { doneAt: null, statuses: attemptStatuses(todoke) };
}
