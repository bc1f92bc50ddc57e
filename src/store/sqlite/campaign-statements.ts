import type { Database } from 'better-sqlite3';
import { prepareContactStatements } from './contact-statements.js';

/** Messages nobody holds a lease on at @now (an expired lease belongs to an engine that is gone). */
const UNLEASED = '(lease_owner IS NULL OR lease_until IS NULL OR lease_until <= @now)';

/** Every SQL statement of the SQLite store's campaign section, prepared once per connection. */
export function prepareCampaignStatements(db: Database) {
  return {
    /** Contacts and segments: their writes travel as campaign writes (see campaign-write-ops.ts). */
    contacts: prepareContactStatements(db),
    insertCampaign: db.prepare(`
      INSERT INTO campaigns (id, name, status, version, import_id, settled, created_by, created_at, updated_at, body)
      VALUES (@id, @name, @status, @version, @importId, @settled, @createdBy, @createdAt, @updatedAt, @body)`),
    updateCampaign: db.prepare(`
      UPDATE campaigns SET name = @name, status = @status, version = version + 1, import_id = @importId,
        settled = @settled, updated_at = @updatedAt, body = @body
      WHERE id = @id AND version = @expectVersion
      RETURNING *`),
    campaignById: db.prepare(`SELECT * FROM campaigns WHERE id = ?`),
    campaigns: db.prepare(`SELECT * FROM campaigns ORDER BY id DESC LIMIT ?`),
    campaignsBefore: db.prepare(`SELECT * FROM campaigns WHERE id < ? ORDER BY id DESC LIMIT ?`),
    unsettled: db.prepare(`
      SELECT * FROM campaigns WHERE settled = 0 AND status IN ('scheduled', 'running', 'paused', 'canceled')
      ORDER BY id`),
    lease: db.prepare(`
      UPDATE campaigns SET run_owner = @owner, run_until = @until
      WHERE id = @id AND (run_owner IS NULL OR run_owner = @owner OR run_until <= @now)`),

    insertRecipient: db.prepare(`
      INSERT INTO campaign_recipients (import_id, row_number, phone, phone_hmac, line_user_id, email, external_id,
        name, variables, address_key, state, reason, message_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertProblem: db.prepare(`
      INSERT INTO campaign_problems (import_id, seq, row_number, column_name, code, severity, message_ja,
        message_en, value)
      VALUES (@importId, @seq, @rowNumber, @column, @code, @severity, @messageJa, @messageEn, @value)`),
    deleteRecipients: db.prepare(`
      DELETE FROM campaign_recipients WHERE import_id = @importId AND row_number IN (
        SELECT row_number FROM campaign_recipients WHERE import_id = @importId LIMIT @limit)`),
    deleteProblems: db.prepare(`
      DELETE FROM campaign_problems WHERE import_id = @importId AND seq IN (
        SELECT seq FROM campaign_problems WHERE import_id = @importId LIMIT @limit)`),
    recipients: db.prepare(`
      SELECT * FROM campaign_recipients WHERE import_id = ? AND row_number > ? ORDER BY row_number LIMIT ?`),
    recipientsInState: db.prepare(`
      SELECT * FROM campaign_recipients WHERE import_id = ? AND state = ? AND row_number > ?
      ORDER BY row_number LIMIT ?`),
    problems: db.prepare(`
      SELECT * FROM campaign_problems WHERE import_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
    countRecipients: db.prepare(`
      SELECT state, reason, COUNT(*) AS n FROM campaign_recipients WHERE import_id = ? GROUP BY state, reason`),
    setRecipientState: db.prepare(`
      UPDATE campaign_recipients SET state = @state,
        reason = CASE WHEN @setReason THEN @reason ELSE reason END,
        message_id = CASE WHEN @setMessageId THEN @messageId ELSE message_id END
      WHERE import_id = @importId AND row_number = @rowNumber`),
    closePending: db.prepare(`
      UPDATE campaign_recipients SET state = @state, reason = @reason
      WHERE import_id = @importId AND row_number IN (
        SELECT row_number FROM campaign_recipients WHERE import_id = @importId AND state = 'pending'
        ORDER BY row_number LIMIT @limit)`),
    firstRowOfAddress: db.prepare(`
      SELECT MIN(row_number) AS row_number FROM campaign_addresses WHERE import_id = ? AND address_key = ?`),
    deliveredAddress: db.prepare(`
      SELECT 1 FROM campaign_addresses a
      JOIN campaign_recipients r ON r.import_id = a.import_id AND r.row_number = a.row_number
      JOIN messages m ON m.id = r.message_id
      WHERE a.import_id = ? AND a.address_key = ? AND m.status = 'delivered' LIMIT 1`),
    lastRow: db.prepare(`SELECT MAX(row_number) AS row_number FROM campaign_recipients WHERE import_id = ?`),
    // One slice of rows at a time, each sorted by key: its inserts land in order in the table's b-tree.
    indexAddresses: db.prepare(`
      INSERT OR IGNORE INTO campaign_addresses (import_id, address_key, row_number)
      SELECT import_id, address_key, row_number FROM campaign_recipients
      WHERE import_id = @importId AND row_number >= @fromRow AND row_number < @toRow AND address_key IS NOT NULL
      ORDER BY address_key, row_number`),
    deleteAddresses: db.prepare(`
      DELETE FROM campaign_addresses WHERE (import_id, address_key, row_number) IN (
        SELECT import_id, address_key, row_number FROM campaign_addresses WHERE import_id = @importId LIMIT @limit)`),
    reachability: db.prepare(`SELECT * FROM reachability WHERE phone_hmac = ? AND channel = ?`),

    insertExclusionList: db.prepare(`
      INSERT INTO exclusion_lists (id, name, phones, external_ids, created_by, created_at)
      VALUES (@id, @name, @phones, @externalIds, @createdBy, @createdAt)`),
    insertExclusionEntry: db.prepare(`
      INSERT INTO exclusion_entries (list_id, kind, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
    exclusionListById: db.prepare(`SELECT * FROM exclusion_lists WHERE id = ?`),
    exclusionLists: db.prepare(`SELECT * FROM exclusion_lists ORDER BY id DESC LIMIT ?`),
    exclusionEntry: db.prepare(
      `SELECT 1 FROM exclusion_entries WHERE list_id = ? AND kind = ? AND value = ?`,
    ),

    holdMessages: db.prepare(`
      UPDATE messages SET next_run_at = NULL, version = version + 1, updated_at = @now
      WHERE campaign_id = @campaignId AND status IN ('accepted', 'scheduled') AND next_run_at IS NOT NULL
        AND ${UNLEASED} AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.message_id = messages.id)`),
    releaseMessages: db.prepare(`
      UPDATE messages SET next_run_at = @now, version = version + 1, updated_at = @now
      WHERE campaign_id = @campaignId AND status IN ('accepted', 'scheduled') AND next_run_at IS NULL`),
    cancelMessages: db.prepare(`
      UPDATE messages SET status = 'canceled', final_reason = 'campaign_canceled', next_run_at = NULL,
        lease_owner = NULL, lease_until = NULL, version = version + 1, updated_at = @now
      WHERE campaign_id = @campaignId AND status IN ('accepted', 'scheduled', 'sending') AND ${UNLEASED}
      RETURNING id`),
    insertCanceledEvent: db.prepare(`
      INSERT INTO events (message_id, attempt_id, type, data, at) VALUES (?, NULL, 'canceled', ?, ?)`),
    countActiveMessages: db.prepare(`
      SELECT COUNT(*) AS n FROM messages
      WHERE campaign_id = ? AND status IN ('accepted', 'scheduled', 'sending')`),
    messageCounts: db.prepare(`
      SELECT status, delivered_via, late_delivery, COUNT(*) AS n FROM messages WHERE campaign_id = ?
      GROUP BY status, delivered_via, late_delivery`),
    attemptTotals: db.prepare(`
      SELECT a.channel, COUNT(*) AS n, TOTAL(a.units) AS units, TOTAL(a.cost) AS cost
      FROM attempts a JOIN messages m ON m.id = a.message_id WHERE m.campaign_id = ? GROUP BY a.channel`),
    usedLaterStep: db.prepare(`
      SELECT COUNT(DISTINCT a.message_id) AS n FROM attempts a JOIN messages m ON m.id = a.message_id
      WHERE m.campaign_id = ? AND a.step_index > 0`),
    resultRows: db.prepare(`
      SELECT r.*, m.status AS m_status, m.delivered_via AS m_delivered_via, m.delivered_at AS m_delivered_at,
        m.final_reason AS m_final_reason, m.late_delivery AS m_late_delivery,
        (SELECT COUNT(*) FROM attempts a WHERE a.message_id = m.id) AS m_attempts,
        (SELECT SUM(a.cost) FROM attempts a WHERE a.message_id = m.id) AS m_cost,
        (SELECT a.channel FROM attempts a WHERE a.message_id = m.id ORDER BY a.id DESC LIMIT 1) AS m_last_channel
      FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id
      WHERE r.import_id = ? AND r.row_number > ? ORDER BY r.row_number LIMIT ?`),
  };
}

export type CampaignStatements = ReturnType<typeof prepareCampaignStatements>;
