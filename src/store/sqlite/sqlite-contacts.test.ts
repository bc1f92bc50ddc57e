import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeContactConformance } from '../contacts.conformance.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

for (const writer of ['thread', 'inline'] as const satisfies SqliteStoreOptions['writer'][]) {
  describeContactConformance(`sqlite (${writer} writer)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'todoke-contacts-'));
    const file = join(dir, 'todoke.db');
    let current: SqliteStore = await openSqliteStore({ file, writer });
    return {
      store: current,
      async reopen() {
        await current.close();
        current = await openSqliteStore({ file, writer });
        return current;
      },
      async cleanup() {
        await current.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}
