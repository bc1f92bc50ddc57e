import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreConformance } from '../store.conformance.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

describeStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-store-'));
  const file = join(dir, 'todoke.db');
  let current: SqliteStore = await openSqliteStore({ file });
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await openSqliteStore({ file });
      return current;
    },
    async cleanup() {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
