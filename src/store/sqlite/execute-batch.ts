import type { Database } from 'better-sqlite3';
import type { Statements } from './statements.js';
import { GuardMissed, runWriteOp, type WriteOp } from './write-ops.js';

export type WriteResult =
  { ok: true; value: unknown } | { ok: false; error: { message: string; code?: string } };

/**
 * Group commit: the writes of one batch share one transaction and so one fsync; each runs in its own savepoint, so
 * a failing write rolls back alone. A guard miss is not an error: the commit reports false.
 */
export function batchExecutor(db: Database, sql: Statements): (ops: WriteOp[]) => WriteResult[] {
  const one = db.transaction((op: WriteOp) => runWriteOp(sql, op));
  return db.transaction((ops: WriteOp[]) =>
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
}
