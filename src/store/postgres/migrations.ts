import type { Pool } from 'pg';
import { inTransaction } from './pg-transaction.js';
import {
  appliedMigrations,
  createMigrationsTable,
  createSchema,
  currentSchema,
  migrationLock,
  recordMigration,
  schemaExists,
} from './statements.js';
import { CAMPAIGN_TABLES } from './campaign-migration.js';
import { CONTACT_TABLES } from './contact-migration.js';

/**
 * Schema versions of the PostgreSQL store, applied in order and recorded in `schema_migrations`.
 * Never edit a shipped one: add a new version instead.
 *
 * Same tables and meaning as the SQLite store: ids text, times bigint (ms since the epoch), JSON as jsonb,
 * priority 0 (realtime) / 1 (bulk). Ids compare bytewise (COLLATE "C") so ULID order and the `beforeId` cursor
 * match SQLite whatever the database's locale.
 */
/** SQLSTATE raised by todoke_expect when a guarded step of a one-statement change matched no row. */
export const STALE_CHANGE = 'TD409';

export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE messages (
        id text COLLATE "C" PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        request_hash text NOT NULL,
        phone text,
        phone_hmac text,
        line_user_id text,
        email text,
        purpose text NOT NULL,
        route_name text,
        route_steps jsonb NOT NULL,
        content jsonb NOT NULL,
        priority smallint NOT NULL CHECK (priority IN (0, 1)),
        send_at bigint,
        expires_at bigint,
        campaign_id text,
        metadata jsonb,
        api_key_id text,
        status text NOT NULL,
        step_index integer NOT NULL DEFAULT 0,
        account_index integer NOT NULL DEFAULT 0,
        step_tries integer NOT NULL DEFAULT 0,
        next_run_at bigint,
        lease_owner text,
        lease_until bigint,
        delivered_via text,
        delivered_at bigint,
        final_reason text,
        late_delivery boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      -- next_run_at doubles as the lease: a claim pushes it to the lease's end, so the due scan stays a range scan.
      CREATE INDEX messages_due ON messages (priority, next_run_at) WHERE next_run_at IS NOT NULL;
      CREATE INDEX messages_status ON messages (status, id);
      CREATE INDEX messages_phone ON messages (phone, id);
      CREATE INDEX messages_purpose ON messages (purpose, id);
      CREATE INDEX messages_campaign ON messages (campaign_id, id) WHERE campaign_id IS NOT NULL;

      CREATE TABLE attempts (
        id text COLLATE "C" PRIMARY KEY,
        message_id text NOT NULL,
        step_index integer NOT NULL,
        channel text NOT NULL,
        account text NOT NULL,
        provider text NOT NULL,
        status text NOT NULL,
        provider_message_id text,
        error_class text,
        error_code text,
        error_detail text,
        units double precision,
        cost double precision,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        receipt_deadline bigint
      );
      CREATE INDEX attempts_message ON attempts (message_id);
      CREATE INDEX attempts_provider_id ON attempts (provider, provider_message_id)
        WHERE provider_message_id IS NOT NULL;

      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id text NOT NULL,
        attempt_id text,
        type text NOT NULL,
        data jsonb,
        at bigint NOT NULL
      );
      CREATE INDEX events_message ON events (message_id, id);

      CREATE TABLE receipts (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider text NOT NULL,
        account text NOT NULL,
        event_id text NOT NULL,
        attempt_id text,
        provider_message_id text,
        status text NOT NULL,
        error_code text,
        units double precision,
        occurred_at bigint NOT NULL,
        received_at bigint NOT NULL,
        processed_at bigint,
        UNIQUE (provider, event_id)
      );
      CREATE INDEX receipts_pending ON receipts (seq) WHERE processed_at IS NULL;

      CREATE TABLE reachability (
        phone_hmac text NOT NULL,
        channel text NOT NULL,
        outcome text NOT NULL,
        code text,
        at bigint NOT NULL,
        PRIMARY KEY (phone_hmac, channel)
      );

      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- Provider rate limits shared by every engine: one row per account holding the GCRA state (src/core/gcra.ts).
      CREATE TABLE rate_limits (
        account text PRIMARY KEY,
        tat double precision NOT NULL
      );
    `,
  },
  {
    version: 3,
    sql: `
      -- The recipient's time zone (send windows) and consent evidence (promotional SMS and e-mail).
      ALTER TABLE messages ADD COLUMN time_zone text;
      ALTER TABLE messages ADD COLUMN opted_in_at bigint;

      CREATE TABLE templates (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL UNIQUE,
        description text,
        purpose text,
        latest_version integer NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );

      -- A version is never updated: messages record the version they were rendered from.
      CREATE TABLE template_versions (
        template_id text NOT NULL,
        version integer NOT NULL,
        source jsonb NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (template_id, version)
      );

      -- Opt-outs by HMAC of the address, never the address itself.
      CREATE TABLE suppressions (
        id text COLLATE "C" PRIMARY KEY,
        address_hmac text NOT NULL,
        address_hint text NOT NULL,
        channel text NOT NULL,
        purpose_class text NOT NULL,
        reason text NOT NULL,
        source text,
        created_at bigint NOT NULL,
        UNIQUE (address_hmac, channel, purpose_class)
      );
    `,
  },
  { version: 4, sql: CAMPAIGN_TABLES },
  { version: 5, sql: CONTACT_TABLES },
  {
    // A change spanning several tables runs as one statement (one round trip, atomic on its own); this makes a
    // guard that matched nothing undo the whole statement, as a rolled-back transaction would.
    version: 6,
    sql: `
      CREATE FUNCTION todoke_expect(ok boolean) RETURNS boolean LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NOT ok THEN
          RAISE EXCEPTION 'the change no longer applies' USING ERRCODE = '${STALE_CHANGE}';
        END IF;
        RETURN true;
      END
      $fn$`,
  },
  {
    // Engines claim receipts before applying them (Store.claimReceipts), so they no longer all apply the same ones.
    version: 7,
    sql: `ALTER TABLE receipts ADD COLUMN claimed_by text, ADD COLUMN claimed_until bigint`,
  },
];

/**
 * Creates the schema if needed and applies the migrations it has not seen, all in one transaction under an
 * advisory lock: processes starting at once take turns, and the later ones find nothing left to do.
 */
export async function migrate(pool: Pool, schema: string, now: number): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(migrationLock, [`todoke.migrate:${schema}`]);
    if ((await client.query(schemaExists, [schema])).rowCount === 0) await client.query(createSchema(schema));
    const resolved = (await client.query<{ schema: string | null }>(currentSchema)).rows[0]?.schema;
    if (resolved !== schema) {
      throw new Error(
        `tables would resolve to schema ${resolved ?? '(none)'} instead of ${schema}: check search_path`,
      );
    }
    await client.query(createMigrationsTable);
    const applied = new Set(
      (await client.query<{ version: number }>(appliedMigrations)).rows.map((r) => r.version),
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query(recordMigration, [migration.version, now]);
    }
  });
}
