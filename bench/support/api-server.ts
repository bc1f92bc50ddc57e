import { join } from 'node:path';
import { createApiKey } from '../../src/api/api-keys.js';
import { createApp } from '../../src/api/create-app.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { benchConfig } from './bench-config.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { createIdFactory } from '../../src/runtime/id-factory.js';

export interface ApiServer {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/**
 * The HTTP API alone (no engine, no sandbox), built with createApp on a real SQLite store in a temp dir with the
 * same dependencies startTodoke gives it. `wrapStore` swaps in a ceiling store; both runs share this one setup so
 * the store is the only difference between them.
 */
export async function startApiServer(
  name: string,
  wrapStore: (store: Store) => Store = (s) => s,
): Promise<ApiServer> {
  const dir = makeTempDir(name);
  // The engine never runs here, so the account's URL is never called.
  const config = benchConfig({
    dataDir: dir,
    port: 0,
    lineBaseUrl: 'http://127.0.0.1:9',
    rateLimit: 2000,
    concurrency: 64,
  });
  const store = await openSqliteStore({ file: join(dir, 'todoke.db'), clock: systemClock });
  const { key } = await createApiKey(store, 'bench', systemClock);
  const app = await createApp({
    store: wrapStore(store),
    config,
    clock: systemClock,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    // The id factory todoke runs with (start-todoke.ts): the library's default draws random bytes per character.
    newId: createIdFactory(systemClock),
    onAccepted: () => undefined,
    onReceipts: () => undefined,
    ready: () => true,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: key,
    async close() {
      await app.close();
      await store.close();
      removeTempDir(dir);
    },
  };
}
