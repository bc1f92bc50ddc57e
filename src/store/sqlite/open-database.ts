import Database, { type SqliteDatabase } from './sqlite-driver.js';

/**
 * Opens the database file as every connection of the store uses it: WAL, so readers never wait for the writer,
 * and synchronous=FULL, so a commit is on disk (fsync'd) before it is reported; no connection checkpoints itself.
 */
export function openDatabase(file: string): SqliteDatabase {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Checkpoints run on a thread of their own (SqliteStore starts it, see checkpointer.ts): on the writer thread
  // each one, with its fsync, held up every commit behind it.
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 67108864');
  return db;
}
