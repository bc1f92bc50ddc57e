import type Database from 'better-sqlite3';

const SCHEMA = `CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`;

/** Sandbox-wide settings that outlive a restart (the population), each a JSON value under a name. */
export interface SettingsTable {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  delete(name: string): void;
}

/** Creates the table if needed and prepares its statements. */
export function settingsTable(db: Database.Database): SettingsTable {
  db.exec(SCHEMA);
  const select = db.prepare('SELECT value FROM settings WHERE name = ?');
  const upsert = db.prepare(
    'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare('DELETE FROM settings WHERE name = ?');
  return {
    get(name) {
      const row = select.get(name) as { value: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
    },
    set(name, value) {
      upsert.run(name, JSON.stringify(value));
    },
    delete(name) {
      remove.run(name);
    },
  };
}
