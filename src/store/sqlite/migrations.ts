import type { Database } from 'better-sqlite3';
import { CAMPAIGN_ADDRESSES, CAMPAIGN_TABLES } from './campaign-migration.js';
import { CONTACT_TABLES } from './contact-migration.js';

/** Schema versions, applied in order; PRAGMA user_version records the last one applied. Never edit a shipped one. */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        request_hash TEXT NOT NULL,
        phone TEXT,
        phone_hmac TEXT,
        line_user_id TEXT,
        email TEXT,
        purpose TEXT NOT NULL,
        route_name TEXT,
        route_steps TEXT NOT NULL,
        content TEXT NOT NULL,
        priority INTEGER NOT NULL,
        send_at INTEGER,
        expires_at INTEGER,
        campaign_id TEXT,
        metadata TEXT,
        api_key_id TEXT,
        status TEXT NOT NULL,
        step_index INTEGER NOT NULL DEFAULT 0,
        account_index INTEGER NOT NULL DEFAULT 0,
        step_tries INTEGER NOT NULL DEFAULT 0,
        next_run_at INTEGER,
        lease_owner TEXT,
        lease_until INTEGER,
        delivered_via TEXT,
        delivered_at INTEGER,
        final_reason TEXT,
        late_delivery INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- next_run_at doubles as the lease: a claim pushes it to the lease's end, so the due scan stays a range scan.
      CREATE INDEX messages_due ON messages (priority, next_run_at) WHERE next_run_at IS NOT NULL;
      CREATE INDEX messages_status ON messages (status, id);
      CREATE INDEX messages_phone ON messages (phone, id);
      CREATE INDEX messages_purpose ON messages (purpose, id);
      CREATE INDEX messages_campaign ON messages (campaign_id, id) WHERE campaign_id IS NOT NULL;

      CREATE TABLE attempts (
        id TEXT PRIMARY KEY,
        message_id TEXT NOT NULL,
        step_index INTEGER NOT NULL,
        channel TEXT NOT NULL,
        account TEXT NOT NULL,
        provider TEXT NOT NULL,
        status TEXT NOT NULL,
        provider_message_id TEXT,
        error_class TEXT,
        error_code TEXT,
        error_detail TEXT,
        units REAL,
        cost REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        receipt_deadline INTEGER
      );
      CREATE INDEX attempts_message ON attempts (message_id);
      CREATE INDEX attempts_provider_id ON attempts (provider, provider_message_id)
        WHERE provider_message_id IS NOT NULL;

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL,
        attempt_id TEXT,
        type TEXT NOT NULL,
        data TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX events_message ON events (message_id, id);

      CREATE TABLE receipts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        event_id TEXT NOT NULL,
        attempt_id TEXT,
        provider_message_id TEXT,
        status TEXT NOT NULL,
        error_code TEXT,
        units REAL,
        occurred_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        processed_at INTEGER,
        UNIQUE (provider, event_id)
      );
      CREATE INDEX receipts_pending ON receipts (seq) WHERE processed_at IS NULL;

      CREATE TABLE reachability (
        phone_hmac TEXT NOT NULL,
        channel TEXT NOT NULL,
        outcome TEXT NOT NULL,
        code TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (phone_hmac, channel)
      );

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- The recipient's time zone (send windows) and consent evidence (promotional SMS and e-mail).
      ALTER TABLE messages ADD COLUMN time_zone TEXT;
      ALTER TABLE messages ADD COLUMN opted_in_at INTEGER;

      CREATE TABLE templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        purpose TEXT,
        latest_version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- A version is never updated: messages record the version they were rendered from.
      CREATE TABLE template_versions (
        template_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        source TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (template_id, version)
      );

      -- Opt-outs by HMAC of the address, never the address itself.
      CREATE TABLE suppressions (
        id TEXT PRIMARY KEY,
        address_hmac TEXT NOT NULL,
        address_hint TEXT NOT NULL,
        channel TEXT NOT NULL,
        purpose_class TEXT NOT NULL,
        reason TEXT NOT NULL,
        source TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (address_hmac, channel, purpose_class)
      );
    `,
  },
  { version: 3, sql: CAMPAIGN_TABLES },
  { version: 4, sql: CAMPAIGN_ADDRESSES },
  { version: 5, sql: CONTACT_TABLES },
];

/** Applies the migrations this database has not seen, each in its own transaction. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
