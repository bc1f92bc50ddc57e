import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeCampaignConformance } from '../campaigns.conformance.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';

/** CI provides this server; without one these tests fail rather than skip. */
const DATABASE_URL = process.env.TODOKE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

describeCampaignConformance('postgres', async () => {
  const schema = `t_${randomBytes(8).toString('hex')}`;
  let current: PostgresStore = await openPostgresStore({ url: DATABASE_URL, schema });
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await openPostgresStore({ url: DATABASE_URL, schema });
      return current;
    },
    async cleanup() {
      await current.close();
      await dropSchema(schema);
    },
  };
});
