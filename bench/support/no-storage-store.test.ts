import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/api-keys.js';
import { prepareMessage } from '../../src/api/prepare-message.js';
import { systemClock } from '../../src/core/clock.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { benchConfig } from './bench-config.js';
import { messageBody } from './message-bodies.js';
import { noStorageStore } from './no-storage-store.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

let dir = '';
let real: SqliteStore | null = null;

afterEach(async () => {
  await real?.close();
  removeTempDir(dir);
});

async function open() {
  dir = makeTempDir('no-storage-test');
  real = await openSqliteStore({ file: join(dir, 'todoke.db') });
  const config = benchConfig({
    dataDir: dir,
    port: 0,
    lineBaseUrl: 'http://127.0.0.1:9',
    rateLimit: 1,
    concurrency: 1,
  });
  let n = 0;
  const message = prepareMessage(messageBody(1, 'realtime'), undefined, null, {
    config,
    clock: systemClock,
    newId: () => `01JBENCH${String(n++).padStart(18, '0')}`,
  });
  return { real, message };
}

it('answers acceptMessages as created without writing the message', async () => {
  const { real, message } = await open();
  const [result] = await noStorageStore(real).acceptMessages([message]);
  expect(result).toMatchObject({
    result: 'created',
    message: { id: message.id, status: 'accepted', version: 0 },
  });
  expect(await real.getMessage(message.id)).toBeNull();
});

it('leaves everything else to the real store', async () => {
  const { real } = await open();
  const { record } = await createApiKey(real, 'bench', systemClock);
  expect(await noStorageStore(real).findApiKeyByHash(record.hash)).toEqual(record);
});
