import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { monotonicFactory } from 'ulid';
import { loadConfig } from '../config/load-config.js';
import { ManualClock } from '../core/clock.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createApiKey } from './api-keys.js';
import { createApp, type AppDeps } from './create-app.js';

/** Test secrets of the accounts below; tests sign webhooks with them. */
export const LINE_SECRET = 'line-channel-secret';
export const TWILIO_TOKEN = 'twilio-auth-token';

const CONFIG = `
publicUrl: https://notify.example.co.jp
accounts:
  line-main: { provider: line, channelAccessToken: line-token, channelSecret: ${LINE_SECRET}, price: { unit: 3 } }
  twilio: { provider: twilio, accountSid: AC0123456789abcdef0123456789abcdef, authToken: ${TWILIO_TOKEN}, from: "+15005550006", price: { unit: 8 } }
  twilio-backup: { provider: twilio, accountSid: AC1, authToken: other-token, from: "+15005550007" }
routes:
  line-then-sms:
    steps:
      - { channel: line_pnp, accounts: [line-main], fallbackAfter: 15m }
      - { channel: sms, accounts: [twilio, twilio-backup] }
  sms-only:
    steps: [{ channel: sms }]
`;

export interface TestApp {
  app: FastifyInstance;
  store: SqliteStore;
  clock: ManualClock;
  metrics: Metrics;
  deps: AppDeps;
  /** Headers carrying a valid API key. */
  auth: { authorization: string };
  /** How often the engine was woken. */
  wakes: { accepted: number; receipts: number };
  close(): Promise<void>;
}

/**
 * The API over a real SQLite store in a temp dir, with a manual clock and two providers' accounts. `wrapStore`
 * lets a test watch or interleave with store calls while the real store does the work.
 */
export async function startTestApp(
  options: { wrapStore?: (store: SqliteStore) => Store; deps?: Partial<AppDeps> } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-api-'));
  const clock = new ManualClock();
  const store = await openSqliteStore({ file: join(dir, 'todoke.db'), clock });
  const config = loadConfig(
    { TODOKE_CONFIG: 'todoke.yml', TODOKE_SECRET: 'test-secret-0123456789' },
    () => CONFIG,
  );
  const metrics = createMetrics({ processMetrics: false });
  const ids = monotonicFactory();
  const wakes = { accepted: 0, receipts: 0 };
  const deps: AppDeps = {
    store: options.wrapStore ? options.wrapStore(store) : store,
    config,
    clock,
    logger: createLogger('silent'),
    metrics,
    newId: () => ids(clock.now()),
    onAccepted: () => wakes.accepted++,
    onReceipts: () => wakes.receipts++,
    ...options.deps,
  };
  const app = await createApp(deps);
  const { key } = await createApiKey(store, 'test', clock);
  return {
    app,
    store,
    clock,
    metrics,
    deps,
    auth: { authorization: `Bearer ${key}` },
    wakes,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
