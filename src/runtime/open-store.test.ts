import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { newMessage } from '../store/store.conformance.js';
import { openStore } from './open-store.js';

/** CI provides this server; without one this test fails rather than skips. */
const DATABASE_URL = process.env.TODOKE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('openStore', () => {
  const schema = `t_${randomBytes(8).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'todoke-open-store-'));
  afterAll(async () => {
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the tables in the schema TODOKE_DATABASE_SCHEMA names, so deployments sharing a database never meet', async () => {
    const config = loadConfig({
      TODOKE_DATABASE_URL: DATABASE_URL,
      TODOKE_DATABASE_SCHEMA: schema,
      TODOKE_DATA_DIR: dir,
    });
    const store = await openStore(config);
    try {
      const message = newMessage();
      await store.acceptMessages([message]);
      const inSchema = await admin((c) => c.query<{ id: string }>(`SELECT id FROM ${schema}.messages`));
      expect(inSchema.rows).toEqual([{ id: message.id }]);
    } finally {
      await store.close();
    }
  });
});
