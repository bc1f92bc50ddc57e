import type { AttemptPatch, MessagePatch } from '../store.js';
import { ATTEMPT_PATCH_COLUMNS, MESSAGE_PATCH_COLUMNS } from './rows.js';

export * from './template-statements.js';

/**
 * Every SQL statement of the PostgreSQL store. Callers pass these to node-postgres with their values and never
 * build SQL themselves. A named statement is prepared once per connection and reused, so hot paths skip parsing
 * and planning. Columns are always listed: a `SELECT *` prepared before a later migration adds a column would
 * fail ("cached plan must not change result type") on a node still running the old version.
 */
export interface Statement {
  name: string;
  text: string;
}

const MESSAGE_COLUMNS = `id, idempotency_key, request_hash, phone, phone_hmac, line_user_id, email, purpose, route_name,
  route_steps, content, priority, send_at, expires_at, campaign_id, metadata, api_key_id, status,
  step_index, account_index, step_tries, next_run_at, lease_owner, lease_until, delivered_via,
  delivered_at, final_reason, late_delivery, version, created_at, updated_at, time_zone, opted_in_at`;
const ATTEMPT_COLUMNS = `id, message_id, step_index, channel, account, provider, status, provider_message_id,
  error_class, error_code, error_detail, units, cost, created_at, updated_at, receipt_deadline`;
const RECEIPT_COLUMNS = `seq, provider, account, event_id, attempt_id, provider_message_id, status, error_code, units,
  occurred_at, received_at`;
const API_KEY_COLUMNS = 'id, name, hash, prefix, created_at, revoked_at';

const messageColumns = (alias?: string) =>
  alias
    ? MESSAGE_COLUMNS.split(/,\s*/)
        .map((c) => `${alias}.${c}`)
        .join(', ')
    : MESSAGE_COLUMNS;

/** Filters of `listMessages`, in the order their values are passed. */
export const LIST_FILTERS = {
  status: 'status = $',
  purpose: 'purpose = $',
  phone: 'phone = $',
  campaignId: 'campaign_id = $',
  createdFrom: 'created_at >= $',
  createdTo: 'created_at < $',
  beforeId: 'id < $',
} as const;
export type ListFilter = keyof typeof LIST_FILTERS;

// ---- messages ----------------------------------------------------------------------------------------------

/** $1: JSON array of messageRow(). Keys used before are skipped; returns the ids actually inserted. */
export const insertMessages: Statement = {
  name: 'insert_messages',
  text: `
    INSERT INTO messages (id, idempotency_key, request_hash, phone, phone_hmac, line_user_id, email, purpose,
      route_name, route_steps, content, priority, send_at, expires_at, campaign_id, metadata, api_key_id,
      time_zone, opted_in_at, status, next_run_at, created_at, updated_at, lease_owner, lease_until)
    SELECT id, idempotency_key, request_hash, phone, phone_hmac, line_user_id, email, purpose,
      route_name, route_steps, content, priority, send_at, expires_at, campaign_id, metadata, api_key_id,
      time_zone, opted_in_at, 'accepted', next_run_at, created_at, created_at, lease_owner, lease_until
    FROM jsonb_to_recordset($1::jsonb) AS r(id text, idempotency_key text, request_hash text, phone text,
      phone_hmac text, line_user_id text, email text, purpose text, route_name text, route_steps jsonb,
      content jsonb, priority smallint, send_at bigint, expires_at bigint, campaign_id text, metadata jsonb,
      api_key_id text, time_zone text, opted_in_at bigint, created_at bigint, next_run_at bigint,
      lease_owner text, lease_until bigint)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id`,
};

/** $1: idempotency keys. */
export const messagesByKeys: Statement = {
  name: 'messages_by_keys',
  text: `SELECT ${messageColumns()} FROM messages WHERE idempotency_key = ANY($1::text[])`,
};

/** $1: ids. */
export const messagesByIds: Statement = {
  name: 'messages_by_ids',
  text: `SELECT ${messageColumns()} FROM messages WHERE id = ANY($1::text[])`,
};

export const countByStatus: Statement = {
  name: 'count_by_status',
  text: `SELECT status, count(*)::integer AS n FROM messages GROUP BY status`,
};

/**
 * $1 owner, $2 now, $3 lease end, $4 limit, $5 realtime only. Leases due messages, realtime first, oldest due first: two range
 * scans of messages_due (one per priority) rather than one scan ordered by (priority, next_run_at), which would
 * walk every future realtime row before reaching a due bulk one. Rows another node is claiming or committing are
 * skipped, not waited for. A leased message has next_run_at at its lease end, so it is not due until then.
 */
export const claimDue: Statement = {
  name: 'claim_due',
  text: `
    WITH realtime AS (
      SELECT id, priority, next_run_at FROM messages
      WHERE priority = 0 AND next_run_at IS NOT NULL AND next_run_at <= $2
      ORDER BY next_run_at LIMIT $4
      FOR UPDATE SKIP LOCKED
    ), bulk AS (
      SELECT id, priority, next_run_at FROM messages
      WHERE NOT $5::boolean AND priority = 1 AND next_run_at IS NOT NULL AND next_run_at <= $2
      ORDER BY next_run_at LIMIT greatest($4 - (SELECT count(*) FROM realtime), 0)
      FOR UPDATE SKIP LOCKED
    ), due AS (
      SELECT * FROM realtime UNION ALL SELECT * FROM bulk
    ), claimed AS (
      UPDATE messages m SET lease_owner = $1, lease_until = $3, next_run_at = $3, version = m.version + 1
      FROM due WHERE m.id = due.id
      RETURNING ${messageColumns('m')}, due.next_run_at AS due_at
    )
    SELECT * FROM claimed ORDER BY priority, due_at, id`,
};

/** The earliest next_run_at of either priority, each read from the top of its index range. */
export const nextDueAt: Statement = {
  name: 'next_due_at',
  text: `
    SELECT least(
      (SELECT next_run_at FROM messages WHERE priority = 0 AND next_run_at IS NOT NULL ORDER BY next_run_at LIMIT 1),
      (SELECT next_run_at FROM messages WHERE priority = 1 AND next_run_at IS NOT NULL ORDER BY next_run_at LIMIT 1)
    ) AS at`,
};

const dynamic = new Map<string, Statement>();
function cached(key: string, prefix: string, text: () => string): Statement {
  let statement = dynamic.get(key);
  if (!statement) {
    statement = { name: `${prefix}_${dynamic.size}`, text: text() };
    dynamic.set(key, statement);
  }
  return statement;
}

/**
 * A guarded message update: applies only at the expected version and, when guarded, from one of the given
 * statuses. Values: $1 id, $2 expectVersion, $3 now, $4 allowed statuses (only when guarded), then the
 * patched columns in the order given.
 */
export function patchMessage(columns: (keyof MessagePatch)[], guarded: boolean): Statement {
  return cached(`m:${columns.join(',')}:${guarded}`, 'patch_message', () => {
    const first = guarded ? 5 : 4;
    const sets = columns.map((c, i) => `${MESSAGE_PATCH_COLUMNS[c]} = $${first + i}`);
    const guard = guarded ? ' AND status = ANY($4::text[])' : '';
    return `UPDATE messages SET ${[...sets, 'version = version + 1', 'updated_at = $3'].join(', ')}
            WHERE id = $1 AND version = $2${guard}`;
  });
}

/**
 * An attempt update; with a status move, applies only from a state the move is allowed from.
 * Values: $1 id, $2 now, then (only when moving) $3 new status and $4 allowed statuses, then the patched columns.
 */
export function patchAttempt(columns: (keyof AttemptPatch)[], moving: boolean): Statement {
  return cached(`a:${columns.join(',')}:${moving}`, 'patch_attempt', () => {
    const first = moving ? 5 : 3;
    const sets = columns.map((c, i) => `${ATTEMPT_PATCH_COLUMNS[c]} = $${first + i}`);
    if (moving) sets.push('status = $3');
    const guard = moving ? ' AND status = ANY($4::text[])' : '';
    return `UPDATE attempts SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1${guard}`;
  });
}

/** Newest first, filtered by whichever filters are given: their values in the order given, then the limit. */
export function listMessages(filters: ListFilter[]): Statement {
  return cached(`l:${filters.join(',')}`, 'list_messages', () => {
    const where = filters.map((f, i) => `${LIST_FILTERS[f]}${i + 1}`);
    return `SELECT ${messageColumns()} FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY id DESC LIMIT $${filters.length + 1}`;
  });
}

// ---- attempts ----------------------------------------------------------------------------------------------

/** $1: JSON array of attemptRow(). */
export const insertAttempts: Statement = {
  name: 'insert_attempts',
  text: `
    INSERT INTO attempts (${ATTEMPT_COLUMNS})
    SELECT ${ATTEMPT_COLUMNS}
    FROM jsonb_to_recordset($1::jsonb) AS r(id text, message_id text, step_index integer, channel text,
      account text, provider text, status text, provider_message_id text, error_class text, error_code text,
      error_detail text, units double precision, cost double precision, created_at bigint, updated_at bigint,
      receipt_deadline bigint)`,
};

export const attemptByProviderId: Statement = {
  name: 'attempt_by_provider_id',
  text: `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE provider = $1 AND provider_message_id = $2
         ORDER BY id LIMIT 1`,
};

/** $1: ids. */
export const attemptsByIds: Statement = {
  name: 'attempts_by_ids',
  text: `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = ANY($1::text[])`,
};

/**
 * $1: message ids. Unordered: the caller sorts. With ORDER BY id a generic plan (prepared statements switch to one
 * after five runs) walks the primary key over the whole table, filtering, instead of probing attempts_message.
 */
export const attemptsOfMessages: Statement = {
  name: 'attempts_of_messages',
  text: `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE message_id = ANY($1::text[])`,
};

// ---- events ------------------------------------------------------------------------------------------------

/** $1: JSON array of eventRow(); ids are assigned in `ord` order. */
export const insertEvents: Statement = {
  name: 'insert_events',
  text: `
    INSERT INTO events (message_id, attempt_id, type, data, at)
    SELECT message_id, attempt_id, type, data, at
    FROM jsonb_to_recordset($1::jsonb) AS r(ord integer, message_id text, attempt_id text, type text, data jsonb,
      at bigint)
    ORDER BY ord`,
};

export const eventsOfMessage: Statement = {
  name: 'events_of_message',
  text: `SELECT id, message_id, attempt_id, type, data, at FROM events WHERE message_id = $1 ORDER BY id`,
};

// ---- receipts ----------------------------------------------------------------------------------------------

/**
 * $1: JSON array of receiptRow(). A (provider, event_id) seen before, or earlier in the array, is skipped; returns
 * the provider and event id of each new one.
 */
export const insertReceipts: Statement = {
  name: 'insert_receipts',
  text: `
    INSERT INTO receipts (provider, account, event_id, attempt_id, provider_message_id, status, error_code, units,
      occurred_at, received_at)
    SELECT provider, account, event_id, attempt_id, provider_message_id, status, error_code, units,
      occurred_at, received_at
    FROM jsonb_to_recordset($1::jsonb) AS r(ord integer, provider text, account text, event_id text,
      attempt_id text, provider_message_id text, status text, error_code text, units double precision,
      occurred_at bigint, received_at bigint)
    ORDER BY ord
    ON CONFLICT (provider, event_id) DO NOTHING
    RETURNING provider, event_id`,
};

export const pendingReceipts: Statement = {
  name: 'pending_receipts',
  text: `SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE processed_at IS NULL ORDER BY seq LIMIT $1`,
};

/**
 * $1 owner, $2 now, $3 claim end, $4 limit. Unapplied receipts nobody else holds (unclaimed, the claim ended, or
 * this owner's own), oldest first; rows another claim is taking at this moment are skipped, not waited for.
 */
export const claimReceipts: Statement = {
  name: 'claim_receipts',
  text: `
    WITH free AS (
      SELECT seq FROM receipts
      WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $2 OR claimed_by = $1)
      ORDER BY seq LIMIT $4
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE receipts r SET claimed_by = $1, claimed_until = $3
      FROM free WHERE r.seq = free.seq
      RETURNING r.*
    )
    SELECT ${RECEIPT_COLUMNS} FROM claimed ORDER BY seq`,
};

/** $1 processed before, $2 window: among the oldest $2 receipts, those applied before $1. */
export const pruneReceipts: Statement = {
  name: 'prune_receipts',
  text: `
    DELETE FROM receipts WHERE seq IN (SELECT seq FROM receipts ORDER BY seq LIMIT $2)
    AND processed_at IS NOT NULL AND processed_at < $1`,
};

/**
 * $1 now, $2 a receipt's sequence number: one step per receipt a change applies. A cached plan for one row; with
 * an array (`seq = ANY($2)`) PostgreSQL costed the cached plan above one made for the array at hand, and so
 * planned the engine's receipt change afresh on every run.
 */
export const markReceiptProcessed: Statement = {
  name: 'mark_receipt_processed',
  text: `UPDATE receipts SET processed_at = $1 WHERE seq = $2`,
};

// ---- reachability ------------------------------------------------------------------------------------------

/** $1: the first id of the span (attempt ids are ULIDs, ordered by time), $2: the account. */
export const unitsUsedSince: Statement = {
  name: 'units_used_since',
  text: `SELECT COALESCE(SUM(units), 0) AS units FROM attempts WHERE id >= $1 AND account = $2`,
};

/** $1 phone HMACs, $2 channels: pairs by position. */
export const reachabilityOfPairs: Statement = {
  name: 'reachability_of_pairs',
  text: `SELECT r.phone_hmac, r.channel, r.outcome, r.code, r.at
         FROM reachability r JOIN unnest($1::text[], $2::text[]) AS k(phone_hmac, channel)
           ON r.phone_hmac = k.phone_hmac AND r.channel = k.channel`,
};

/** $1: JSON array of reachabilityRow(), at most one per (phone_hmac, channel). An older outcome never wins. */
export const upsertReachability: Statement = {
  name: 'upsert_reachability',
  text: `
    INSERT INTO reachability (phone_hmac, channel, outcome, code, at)
    SELECT phone_hmac, channel, outcome, code, at
    FROM jsonb_to_recordset($1::jsonb) AS r(phone_hmac text, channel text, outcome text, code text, at bigint)
    ON CONFLICT (phone_hmac, channel) DO UPDATE
      SET outcome = excluded.outcome, code = excluded.code, at = excluded.at
      WHERE excluded.at >= reachability.at`,
};

// ---- API keys ----------------------------------------------------------------------------------------------

export const insertApiKey: Statement = {
  name: 'insert_api_key',
  text: `INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`,
};

export const apiKeyByHash: Statement = {
  name: 'api_key_by_hash',
  text: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE hash = $1`,
};

export const apiKeys: Statement = {
  name: 'api_keys',
  text: `SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`,
};

/** $1 at, $2 id or prefix. */
export const revokeApiKey: Statement = {
  name: 'revoke_api_key',
  text: `UPDATE api_keys SET revoked_at = $1 WHERE (id = $2 OR prefix = $2) AND revoked_at IS NULL`,
};

// ---- planner statistics ------------------------------------------------------------------------------------

/**
 * $1 schema, $2 table names, $3 rows below which statistics do not matter. The tables whose statistics were never
 * gathered, or were gathered when they held less than half the rows they hold now.
 */
export const staleStatistics = `
  SELECT s.relname AS name FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.schemaname = $1 AND s.relname = ANY($2::text[]) AND s.n_live_tup >= $3
    AND (c.reltuples < 0 OR s.n_live_tup >= 2 * c.reltuples)
  ORDER BY s.relname`;

/** Gathers statistics of one table; if another process is already at it, leaves the table to that process. */
export function analyzeTable(schema: string, table: string): string {
  if (!SCHEMA_NAME.test(schema) || !SCHEMA_NAME.test(table))
    throw new Error(`invalid name: ${schema}.${table}`);
  return `ANALYZE (SKIP_LOCKED) ${schema}.${table}`;
}

// ---- migrations --------------------------------------------------------------------------------------------

/** Schema names are plain lowercase identifiers, so they need no quoting in search_path or DDL. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * $1: a text naming the schema. Serializes migrations of one schema across every process starting at once;
 * the lock ends with the transaction.
 */
export const migrationLock = `SELECT pg_advisory_xact_lock(hashtext($1))`;

/** $1 schema. Checked before creating: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists. */
export const schemaExists = `SELECT 1 FROM pg_namespace WHERE nspname = $1`;

export function createSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return `CREATE SCHEMA IF NOT EXISTS ${schema}`;
}

/** Where unqualified names resolve; checked so a misconfigured connection never migrates another schema. */
export const currentSchema = `SELECT current_schema() AS schema`;

export const createMigrationsTable = `
  CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)`;

export const appliedMigrations = `SELECT version FROM schema_migrations ORDER BY version`;

/** $1 version, $2 now. */
export const recordMigration = `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`;

/** Wakes the engines of every process listening on the store's channel (payload: the topic). */
export const notify = 'SELECT pg_notify($1, $2)';

/** Makes sure account $1 has its shared rate-limit row (once per account and process, before takeRate). */
export const ensureRateRow =
  'INSERT INTO rate_limits (account, tat) VALUES ($1, 0) ON CONFLICT (account) DO NOTHING';

/**
 * Takes up to $2 requests of account $1's shared rate limit, as src/core/gcra.ts does, on the database's clock so
 * every process counts on one clock. $3: interval between requests (ms), $4: burst allowance (ms). The row lock
 * makes concurrent takers queue; a clock read before the lock only makes the grant smaller, never larger.
 * Returns how many were granted, and when none, how long until one would be. Prepared: run as an unnamed statement it
 * was planned on every call (0.18 ms of planning beside 0.35 ms of execution, pg_stat_statements in the cluster
 * benchmark).
 */
export const takeRate: Statement = {
  name: 'take_rate',
  text: `
  WITH clock AS MATERIALIZED (
    SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t
  ), old AS (
    SELECT tat FROM rate_limits WHERE account = $1 FOR UPDATE
  ), g AS (
    SELECT least($2::int, greatest(0, floor((clock.t + $4 - greatest(old.tat, clock.t)) / $3)::int + 1)) AS granted,
           greatest(old.tat, clock.t) AS start, clock.t AS t
    FROM old, clock
  ), updated AS (
    UPDATE rate_limits SET tat = g.start + g.granted * $3 FROM g WHERE rate_limits.account = $1
  )
  SELECT granted, CASE WHEN granted = 0 THEN ceil(start - $4 - t) ELSE 0 END AS retry_after_ms FROM g`,
};

// ---- changes -----------------------------------------------------------------------------------------------

/**
 * Several change statements as one: each becomes a WITH query with its parameters renumbered from `offset`, and
 * the final select asks todoke_expect that every guarded one changed exactly one row. Prepared once per shape.
 */
export function combinedChange(
  parts: { statement: Statement; offset: number; guarded: boolean }[],
): Statement {
  const key = `c:${parts.map((p) => `${p.statement.name}@${p.offset}`).join(',')}`;
  return cached(key, 'change', () => {
    const queries = parts.map((p, i) => {
      const text = p.statement.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + p.offset}`);
      return `s${i} AS (${text}${p.guarded ? ' RETURNING 1' : ''})`;
    });
    const checks = parts.flatMap((p, i) => (p.guarded ? [`(SELECT count(*) FROM s${i}) = 1`] : []));
    return `WITH ${queries.join(',\n')}
            SELECT todoke_expect(${checks.length > 0 ? checks.join(' AND ') : 'true'}) AS ok`;
  });
}
