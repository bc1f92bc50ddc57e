import { parentPort, workerData } from 'node:worker_threads';
import { batchExecutor, type WriteResult } from './execute-batch.js';
import { openDatabase } from './open-database.js';
import { prepareStatements } from './statements.js';
import type { WriteOp } from './write-ops.js';
import { WriterQueue } from './writer-queue.js';

/** The SQLite store's writer thread: writes that arrive while a commit runs are committed together next. */
const MAX_BATCH = 384;
const db = openDatabase((workerData as { file: string }).file);
const execute = batchExecutor(db, prepareStatements(db));
const queue = new WriterQueue<{ id: number; op: WriteOp }>(MAX_BATCH);
let scheduled = false;

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

function flush(): void {
  scheduled = false;
  const batch = queue.next();
  // The rest waits for the next turn, after newly arrived writes have been read.
  if (!queue.isEmpty) schedule();
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
    while (!queue.isEmpty) flush();
    db.close();
    parentPort!.close();
    return;
  }
  for (const item of message) queue.add(item, item.op.urgent === true);
  schedule();
});
