import { dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../../../test/support/postgres-schema.js';
import { describeContactConformance } from '../contacts.conformance.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';

describeContactConformance('postgres', async () => {
  const schema = freshSchemaName();
  let current: PostgresStore = await openPostgresStore({ url: TEST_DATABASE_URL, schema });
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await openPostgresStore({ url: TEST_DATABASE_URL, schema });
      return current;
    },
    async cleanup() {
      await current.close();
      await dropSchema(schema);
    },
  };
});
