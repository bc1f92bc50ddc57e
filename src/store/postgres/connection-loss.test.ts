import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../../../test/support/postgres-schema.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';

/** Ends every server connection opened with this application name, as a database restart does (FATAL 57P01). */
async function terminateBackends(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL connections ended by the server', () => {
  const schema = freshSchemaName('connloss');
  let store: PostgresStore | undefined;
  const unheard: unknown[] = [];
  const onUncaught = (error: unknown) => unheard.push(error);
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await store?.close();
    await dropSchema(schema);
  });

  it('fail the queries they were running and nothing else: no unheard error, and the store works afterwards', async () => {
    process.on('uncaughtException', onUncaught);
    const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}application_name=${schema}`;
    store = await openPostgresStore({ url, schema });
    for (let round = 0; round < 3; round++) {
      // Connections busy with a query when the server ends them, and idle ones in the pool.
      const running = Array.from({ length: 4 }, () => store!.pool.query('SELECT pg_sleep(5)'));
      const settled = Promise.allSettled(running);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await terminateBackends(schema)).toBeGreaterThanOrEqual(4);
      const results = await settled;
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      // Errors a closing connection emits after its query failed arrive on later turns of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await store.getMessage('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeNull();
    }
    expect(unheard).toEqual([]);
  }, 60_000);
});
