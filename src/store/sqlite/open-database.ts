import Database, { type SqliteDatabase } from './sqlite-driver.js';

/**
 * Opens the database file as every connection of the store uses it: WAL, so readers never wait for the writer,
 * and synchronous=FULL, so a commit is on disk (fsync'd) before it is reported.
 */
export function openDatabase(file: string): SqliteDatabase {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}
