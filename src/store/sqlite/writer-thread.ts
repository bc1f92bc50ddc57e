import { parentPort, workerData } from 'node:worker_threads';
import { batchExecutor, type WriteResult } from './execute-batch.js';
import { openDatabase } from './open-database.js';
import { prepareStatements } from './statements.js';
import type { WriteOp } from './write-ops.js';

/** The SQLite store's writer thread: batches that arrive while a commit runs are committed together next. */
const db = openDatabase((workerData as { file: string }).file);
const execute = batchExecutor(db, prepareStatements(db));
let queue: { id: number; op: WriteOp }[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  if (batch.length === 0) return;
  let results: WriteResult[];
  try {
    results = execute(batch.map((b) => b.op));
  } catch (error) {
    const failure: WriteResult = { ok: false, error: { message: String((error as Error).message ?? error) } };
    results = batch.map(() => failure);
  }
  parentPort!.postMessage(batch.map((b, i) => ({ id: b.id, result: results[i]! })));
}

parentPort!.on('message', (message: { id: number; op: WriteOp }[] | 'close') => {
  if (message === 'close') {
    flush();
    db.close();
    parentPort!.close();
    return;
  }
  queue.push(...message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
