import type { Database } from 'better-sqlite3';
import type { Statements } from './statements.js';
import { GuardMissed, runWriteOp, type WriteOp } from './write-ops.js';

export type WriteResult =
  { ok: true; value: unknown } | { ok: false; error: { message: string; code?: string } };

/** A write failed after writing part of itself: the batch is run again, each write in a savepoint. */
class NeedsSavepoints extends Error {}

/**
 * Group commit: the writes of one batch share one transaction and so one fsync. A guard miss is not an error: the
 * commit reports false. The batch first runs without savepoints (one per write costs as much as a small write);
 * if any write fails having written part of itself, the whole transaction is rolled back and the batch runs
 * again with a savepoint per write, so a failing write rolls back alone and the others commit.
 */
export function batchExecutor(db: Database, sql: Statements): (ops: WriteOp[]) => WriteResult[] {
  const optimistic = db.transaction((ops: WriteOp[]) =>
    ops.map((op): WriteResult => {
      try {
        return { ok: true, value: runWriteOp(sql, op) };
      } catch (error) {
        if (error instanceof GuardMissed && !error.afterWrites) return { ok: true, value: false };
        throw new NeedsSavepoints();
      }
    }),
  );
  const one = db.transaction((op: WriteOp) => runWriteOp(sql, op));
  const careful = db.transaction((ops: WriteOp[]) =>
    ops.map((op): WriteResult => {
      try {
        return { ok: true, value: one(op) };
      } catch (error) {
        if (error instanceof GuardMissed) return { ok: true, value: false };
        const e = error as { message?: string; code?: string };
        return {
          ok: false,
          error: { message: String(e.message ?? error), ...(e.code ? { code: e.code } : {}) },
        };
      }
    }),
  );
  return (ops) => {
    try {
      return optimistic(ops);
    } catch (error) {
      if (error instanceof NeedsSavepoints) return careful(ops);
      throw error;
    }
  };
}
