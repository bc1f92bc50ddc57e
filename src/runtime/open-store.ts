import { join } from 'node:path';
import type { TodokeConfig } from '../config/config.js';
import type { Clock } from '../core/clock.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';

/**
 * PostgreSQL when TODOKE_DATABASE_URL names one (several processes share it; TODOKE_DATABASE_SCHEMA picks the
 * schema), else SQLite in the data dir.
 */
export function openStore(
  config: Pick<TodokeConfig, 'databaseUrl' | 'databaseSchema' | 'dataDir'>,
  clock?: Clock,
): Promise<Store> {
  if (config.databaseUrl) {
    return openPostgresStore({
      url: config.databaseUrl,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      ...(clock ? { clock } : {}),
    });
  }
  return openSqliteStore({ file: join(config.dataDir, 'todoke.db'), ...(clock ? { clock } : {}) });
}
