import type { Database, Statement } from 'better-sqlite3';
import { ATTEMPT_PATCH_COLUMNS, MESSAGE_PATCH_COLUMNS } from './rows.js';
import { prepareCampaignStatements } from './campaign-statements.js';

const LIST_FILTERS = {
  status: 'status = @status',
  purpose: 'purpose = @purpose',
  phone: 'phone = @phone',
  campaignId: 'campaign_id = @campaignId',
  createdFrom: 'created_at >= @createdFrom',
  createdTo: 'created_at < @createdTo',
  beforeId: 'id < @beforeId',
} as const;

/** Every SQL statement of the SQLite store, prepared once. */
export function prepareStatements(db: Database) {
  const patchCache = new Map<string, Statement>();
  const cached = (key: string, sql: () => string) => {
    let statement = patchCache.get(key);
    if (!statement) {
      statement = db.prepare(sql());
      patchCache.set(key, statement);
    }
    return statement;
  };

  return {
    campaigns: prepareCampaignStatements(db),
    // The hot inserts bind positionally (write-ops.ts passes the values in column order): with thousands of rows
    // per commit, named parameters cost more than the insert itself.
    insertMessage: db.prepare(`
      INSERT INTO messages (id, idempotency_key, request_hash, phone, phone_hmac, line_user_id, email, purpose,
        route_name, route_steps, content, priority, send_at, expires_at, campaign_id, metadata, api_key_id,
        time_zone, opted_in_at, status, next_run_at, created_at, updated_at, lease_owner, lease_until)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?, ?)
      ON CONFLICT (idempotency_key) DO NOTHING`),
    messageById: db.prepare(`SELECT * FROM messages WHERE id = ?`),
    messageByKey: db.prepare(`SELECT * FROM messages WHERE idempotency_key = ?`),
    countByStatus: db.prepare(`SELECT status, COUNT(*) AS n FROM messages GROUP BY status`),
    /** Due messages of one priority; leased ones have next_run_at at their lease end, so they are not due. */
    claimDue: db.prepare(`
      UPDATE messages SET lease_owner = @owner, lease_until = @leaseUntil, next_run_at = @leaseUntil,
        version = version + 1
      WHERE id IN (SELECT id FROM messages
                   WHERE priority = @priority AND next_run_at IS NOT NULL AND next_run_at <= @now
                   ORDER BY next_run_at LIMIT @limit)
      RETURNING *`),
    nextDueAt: db.prepare(`SELECT MIN(next_run_at) AS at FROM messages WHERE next_run_at IS NOT NULL`),

    /**
     * A guarded message update: applies only at the expected version and from an allowed status. Positional values:
     * the columns' in the order given, then now, id, expected version.
     */
    patchMessage(columns: string[], guardStatuses: string[] | null) {
      const key = `m:${columns.join(',')}:${guardStatuses?.join(',') ?? ''}`;
      return cached(key, () => {
        const sets = columns.map(
          (c) => `${MESSAGE_PATCH_COLUMNS[c as keyof typeof MESSAGE_PATCH_COLUMNS]} = ?`,
        );
        const guard = guardStatuses ? ` AND status IN (${guardStatuses.map((s) => `'${s}'`).join(',')})` : '';
        return `UPDATE messages SET ${[...sets, 'version = version + 1', 'updated_at = ?'].join(', ')}
                WHERE id = ? AND version = ?${guard}`;
      });
    },
    /**
     * A guarded attempt update: with a status move, applies only from a state the move is allowed from. Positional
     * values: the columns' in the order given, the new status (only when guarded), then now, id.
     */
    patchAttempt(columns: string[], guardStatuses: string[] | null) {
      const key = `a:${columns.join(',')}:${guardStatuses?.join(',') ?? ''}`;
      return cached(key, () => {
        const sets = columns.map(
          (c) => `${ATTEMPT_PATCH_COLUMNS[c as keyof typeof ATTEMPT_PATCH_COLUMNS]} = ?`,
        );
        if (guardStatuses) sets.push('status = ?');
        const guard = guardStatuses ? ` AND status IN (${guardStatuses.map((s) => `'${s}'`).join(',')})` : '';
        return `UPDATE attempts SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?${guard}`;
      });
    },

    /** Newest first, filtered by whichever of the named columns are given. */
    listMessages(filters: string[]) {
      return cached(`l:${filters.join(',')}`, () => {
        const where = filters.map((f) => LIST_FILTERS[f as keyof typeof LIST_FILTERS]);
        return `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                ORDER BY id DESC LIMIT @limit`;
      });
    },

    insertAttempt: db.prepare(`
      INSERT INTO attempts (id, message_id, step_index, channel, account, provider, status, provider_message_id,
        error_class, error_code, error_detail, units, cost, created_at, updated_at, receipt_deadline)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    attemptById: db.prepare(`SELECT * FROM attempts WHERE id = ?`),
    attemptByProviderId: db.prepare(`SELECT * FROM attempts WHERE provider = ? AND provider_message_id = ?`),
    attemptsOfMessage: db.prepare(`SELECT * FROM attempts WHERE message_id = ? ORDER BY id`),

    insertEvent: db.prepare(
      `INSERT INTO events (message_id, attempt_id, type, data, at) VALUES (?, ?, ?, ?, ?)`,
    ),
    eventsOfMessage: db.prepare(`SELECT * FROM events WHERE message_id = ? ORDER BY id`),

    insertReceipt: db.prepare(`
      INSERT INTO receipts (provider, account, event_id, attempt_id, provider_message_id, status, error_code, units,
        occurred_at, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (provider, event_id) DO NOTHING`),
    pendingReceipts: db.prepare(`SELECT * FROM receipts WHERE processed_at IS NULL ORDER BY seq LIMIT ?`),
    markReceiptProcessed: db.prepare(`UPDATE receipts SET processed_at = ? WHERE seq = ?`),
    pruneReceipts: db.prepare(`
      DELETE FROM receipts WHERE seq IN (SELECT seq FROM receipts ORDER BY seq LIMIT ?)
      AND processed_at IS NOT NULL AND processed_at < ?`),

    reachability: db.prepare(`SELECT * FROM reachability WHERE phone_hmac = ? AND channel = ?`),
    // Attempt ids are ULIDs: the id range of a time span is read from the primary key.
    unitsUsedSince: db.prepare(
      `SELECT COALESCE(SUM(units), 0) AS units FROM attempts WHERE id >= ? AND account = ?`,
    ),
    upsertReachability: db.prepare(`
      INSERT INTO reachability (phone_hmac, channel, outcome, code, at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (phone_hmac, channel) DO UPDATE SET outcome = excluded.outcome, code = excluded.code, at = excluded.at
      WHERE excluded.at >= reachability.at`),

    insertTemplate: db.prepare(`
      INSERT INTO templates (id, name, description, purpose, latest_version, created_at, updated_at)
      VALUES (@id, @name, @description, @purpose, @latestVersion, @createdAt, @updatedAt)
      ON CONFLICT (name) DO NOTHING`),
    insertTemplateVersion: db.prepare(`
      INSERT INTO template_versions (template_id, version, source, created_at)
      VALUES (@templateId, @version, @source, @createdAt)`),
    /** Takes the next version number of a template: the row update serializes concurrent additions. */
    nextTemplateVersion: db.prepare(`
      UPDATE templates SET latest_version = latest_version + 1, updated_at = @at WHERE id = @id
      RETURNING latest_version`),
    templateById: db.prepare(`SELECT * FROM templates WHERE id = ?`),
    templateByName: db.prepare(`SELECT * FROM templates WHERE name = ?`),
    templates: db.prepare(`SELECT * FROM templates ORDER BY name`),
    templateVersion: db.prepare(`SELECT * FROM template_versions WHERE template_id = ? AND version = ?`),
    templateVersions: db.prepare(`SELECT * FROM template_versions WHERE template_id = ? ORDER BY version`),

    insertSuppression: db.prepare(`
      INSERT INTO suppressions (id, address_hmac, address_hint, channel, purpose_class, reason, source, created_at)
      VALUES (@id, @addressHmac, @addressHint, @channel, @purposeClass, @reason, @source, @createdAt)
      ON CONFLICT (address_hmac, channel, purpose_class) DO NOTHING`),
    deleteSuppression: db.prepare(
      `DELETE FROM suppressions WHERE address_hmac = ? AND channel = ? AND purpose_class = ?`,
    ),
    suppressionsOf: db.prepare(`SELECT * FROM suppressions WHERE address_hmac = ? ORDER BY id`),
    suppressions: db.prepare(`SELECT * FROM suppressions ORDER BY id DESC LIMIT ?`),
    suppressionsBefore: db.prepare(`SELECT * FROM suppressions WHERE id < ? ORDER BY id DESC LIMIT ?`),

    insertApiKey: db.prepare(`INSERT INTO api_keys (id, name, hash, prefix, created_at, revoked_at)
                              VALUES (@id, @name, @hash, @prefix, @createdAt, @revokedAt)`),
    apiKeyByHash: db.prepare(`SELECT * FROM api_keys WHERE hash = ?`),
    apiKeys: db.prepare(`SELECT * FROM api_keys ORDER BY created_at`),
    revokeApiKey: db.prepare(
      `UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS NULL`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
