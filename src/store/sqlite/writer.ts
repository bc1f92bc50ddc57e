import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { batchExecutor, type WriteResult } from './execute-batch.js';
import { prepareStatements } from './statements.js';
import type { WriteOp } from './write-ops.js';

/** Where the SQLite store's writes run. Both kinds batch the writes of one turn of the event loop into one commit. */
export interface Writer {
  run(op: WriteOp): Promise<unknown>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function settle(pending: Pending, result: WriteResult): void {
  if (result.ok) pending.resolve(result.value);
  else pending.reject(Object.assign(new Error(result.error.message), { code: result.error.code }));
}

/** Writes on the calling thread: simplest, but each commit's fsync blocks the event loop. */
export class InlineWriter implements Writer {
  private queue: { op: WriteOp; pending: Pending }[] = [];
  private scheduled = false;
  private readonly execute: (ops: WriteOp[]) => WriteResult[];

  constructor(db: Database) {
    this.execute = batchExecutor(db, prepareStatements(db));
  }

  run(op: WriteOp): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, pending: { resolve, reject } });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: WriteResult[];
    try {
      results = this.execute(batch.map((b) => b.op));
    } catch (error) {
      for (const b of batch) b.pending.reject(error);
      return;
    }
    batch.forEach((b, i) => settle(b.pending, results[i]!));
  }

  async close(): Promise<void> {
    this.flush();
  }
}

/**
 * Starts writer-thread.js, or, when todoke runs from its TypeScript source (tests, benchmarks), writer-thread.ts
 * with the TypeScript loader registered in the thread first.
 */
function startWriterThread(file: string): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './writer-thread.ts' : './writer-thread.js', import.meta.url);
  if (!fromSource) return new Worker(url, { workerData: { file } });
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const loader = pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { file } });
}

/**
 * Writes on a thread of their own, with their own connection: the event loop goes on serving requests while a
 * commit waits for the disk. Writes sent during one turn travel together and commit together.
 */
export class ThreadWriter implements Writer {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private outgoing: { id: number; op: WriteOp }[] = [];
  private scheduled = false;
  private failed: Error | null = null;

  constructor(file: string) {
    this.worker = startWriterThread(file);
    this.worker.on('message', (results: { id: number; result: WriteResult }[]) => {
      for (const { id, result } of results) {
        const p = this.pending.get(id);
        this.pending.delete(id);
        if (p) settle(p, result);
      }
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      this.fail(
        new Error(code === 0 ? 'the store is closed' : `the SQLite writer thread exited with code ${code}`),
      );
    });
  }

  /** Resolves once the writer thread has opened the database. */
  ready(): Promise<void> {
    return this.run({ op: 'revokeApiKey', idOrPrefix: '\u0000', at: 0 }).then(() => undefined);
  }

  run(op: WriteOp): Promise<unknown> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.outgoing.push({ id, op });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          const batch = this.outgoing;
          this.outgoing = [];
          this.worker.postMessage(batch);
        });
      }
    });
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private closing: Promise<void> | null = null;

  /** Safe to call twice: the second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failed) return;
      // Let this turn's writes go out first; the thread commits them, answers, then closes its connection.
      await new Promise((resolve) => setImmediate(resolve));
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage('close');
      await exited;
      this.failed = new Error('the store is closed');
    })();
    return this.closing;
  }
}
