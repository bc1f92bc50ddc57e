import type { Database } from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes queued during one turn of the event loop share one transaction and so one fsync.
 * Each write runs in its own savepoint, so one failing write rolls back alone and rejects alone.
 * A promise resolves only after the transaction holding its write has committed (synchronous=FULL: on disk).
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly runBatch: (batch: Pending[]) => unknown[];

  constructor(private readonly db: Database) {
    const runOne = db.transaction((work: () => unknown) => work());
    this.runBatch = db.transaction((batch: Pending[]) =>
      batch.map((item) => {
        try {
          return { ok: true, value: runOne(item.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /** Queues a synchronous write; resolves with its result once committed durably. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued so far. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let results: { ok: boolean; value?: unknown; error?: unknown }[];
    try {
      results = this.runBatch(batch) as typeof results;
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const result = results[i]!;
      if (result.ok) item.resolve(result.value);
      else item.reject(result.error);
    });
  }

  get pending(): number {
    return this.queue.length;
  }
}
