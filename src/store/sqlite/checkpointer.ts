import { Worker } from 'node:worker_threads';
import { DRIVER_PATH } from './sqlite-driver.js';

/** The checkpointing thread: its own connection, a PASSIVE checkpoint every `intervalMs`, closed on 'stop'. */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next turn tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops checkpointing; resolves once the thread closed its connection. */
  stop(): Promise<void>;
}

/**
 * Copies a WAL database's log back into the database file from a thread of its own, so the connection that writes
 * never does (open it with `wal_autocheckpoint = 0`). SQLite checkpoints on the committing connection by default:
 * the copy and the fsync then stall whichever thread commits, and on an event loop every request waiting behind
 * it. Measured in the sandbox: a 64 MiB checkpoint in the middle of a 2,000 requests/s run made the emulator read a
 * second's worth of requests in less than a second. A PASSIVE checkpoint never blocks the writer.
 */
export function startCheckpointer(file: string, intervalMs = 1_000): Checkpointer {
  const worker = new Worker(THREAD, { eval: true, workerData: { file, intervalMs, driver: DRIVER_PATH } });
  // Checkpointing never keeps a process alive; a checkpoint cut short by an exit is safe (SQLite redoes it).
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', () => undefined);
  let stopping: Promise<void> | null = null;
  return {
    stop() {
      // Waiting for the thread must keep the process alive, or a caller awaiting this would never resume.
      worker.ref();
      stopping ??= (worker.postMessage('stop'), exited);
      return stopping;
    },
  };
}
