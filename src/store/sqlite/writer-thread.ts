import { parentPort, workerData } from 'node:worker_threads';
import { batchExecutor, type WriteResult } from './execute-batch.js';
import { openDatabase } from './open-database.js';
import { prepareStatements } from './statements.js';
import type { WriteOp } from './write-ops.js';

/**
 * The SQLite store's writer thread: writes that arrive while a commit runs are committed together next. One
 * transaction takes every urgent write (a realtime message's path) and at most MAX_BATCH others, so a realtime
 * message never waits behind more than one bounded slice of bulk work.
 */
const MAX_BATCH = 384;
const db = openDatabase((workerData as { file: string }).file);
const execute = batchExecutor(db, prepareStatements(db));
let urgent: { id: number; op: WriteOp }[] = [];
let queue: { id: number; op: WriteOp }[] = [];
let scheduled = false;

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

function flush(): void {
  scheduled = false;
  const room = Math.max(0, MAX_BATCH - urgent.length);
  const batch = urgent.concat(queue.length <= room ? queue : queue.slice(0, room));
  queue = queue.length <= room ? [] : queue.slice(room);
  urgent = [];
  // The rest waits for the next turn, after newly arrived writes have been read.
  if (queue.length > 0) schedule();
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
    while (urgent.length > 0 || queue.length > 0) flush();
    db.close();
    parentPort!.close();
    return;
  }
  for (const item of message) (item.op.urgent ? urgent : queue).push(item);
  schedule();
});
