// The PostgreSQL store's statements for campaigns, recipients and exclusion lists.
import type { Statement } from './statements.js';

const CAMPAIGN_COLUMNS = `id, name, status, version, import_id, settled, created_by, created_at, updated_at, body`;
const RECIPIENT_COLUMNS = `import_id, row_number, phone, phone_hmac, line_user_id, email, external_id, name,
  variables, address_key, state, reason, message_id`;
const PROBLEM_COLUMNS = `import_id, seq, row_number, column_name, code, severity, message_ja, message_en, value`;
const LIST_COLUMNS = 'id, name, phones, external_ids, created_by, created_at';

/** Messages nobody holds a lease on at $2 (an expired lease belongs to an engine that is gone). */
const UNLEASED = '(lease_owner IS NULL OR lease_until IS NULL OR lease_until <= $2)';
const ACTIVE = `('accepted', 'scheduled', 'sending')`;

/** $1 id … $10 body: see campaignParams. */
export const insertCampaign: Statement = {
  name: 'campaign_insert',
  text: `INSERT INTO campaigns (${CAMPAIGN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
};

/** $1 id, $2 name, $3 status, $4 expected version, $5 import id, $6 settled, $7 updated at, $8 body. */
export const updateCampaign: Statement = {
  name: 'campaign_update',
  text: `
    UPDATE campaigns SET name = $2, status = $3, version = version + 1, import_id = $5, settled = $6,
      updated_at = $7, body = $8::jsonb
    WHERE id = $1 AND version = $4
    RETURNING ${CAMPAIGN_COLUMNS}`,
};

export const campaignById: Statement = {
  name: 'campaign_by_id',
  text: `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1`,
};

/** $1 before id (or null), $2 limit. */
export const listCampaigns: Statement = {
  name: 'campaign_list',
  text: `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
};

export const unsettledCampaigns: Statement = {
  name: 'campaign_unsettled',
  text: `
    SELECT ${CAMPAIGN_COLUMNS} FROM campaigns
    WHERE NOT settled AND status IN ('scheduled', 'running', 'paused', 'canceled') ORDER BY id`,
};

/** $1 id, $2 owner, $3 now, $4 lease end. */
export const leaseCampaign: Statement = {
  name: 'campaign_lease',
  text: `
    UPDATE campaigns SET run_owner = $2, run_until = $4
    WHERE id = $1 AND (run_owner IS NULL OR run_owner = $2 OR run_until <= $3)`,
};

/** $1: JSON array of recipient rows. */
export const insertRecipients: Statement = {
  name: 'campaign_insert_recipients',
  text: `
    INSERT INTO campaign_recipients (${RECIPIENT_COLUMNS})
    SELECT ${RECIPIENT_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS r(import_id text, row_number integer,
      phone text, phone_hmac text, line_user_id text, email text, external_id text, name text, variables jsonb,
      address_key text, state text, reason text, message_id text)`,
};

/** $1: JSON array of problem rows. */
export const insertProblems: Statement = {
  name: 'campaign_insert_problems',
  text: `
    INSERT INTO campaign_problems (${PROBLEM_COLUMNS})
    SELECT ${PROBLEM_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS p(import_id text, seq integer,
      row_number integer, column_name text, code text, severity text, message_ja text, message_en text,
      value text)`,
};

/** $1 import id, $2 limit: deletes up to $2 recipients, then problems within what is left of $2. */
export const deleteImport: Statement = {
  name: 'campaign_delete_import',
  text: `
    WITH r AS (
      DELETE FROM campaign_recipients WHERE import_id = $1 AND row_number IN (
        SELECT row_number FROM campaign_recipients WHERE import_id = $1 LIMIT $2)
      RETURNING 1
    ), p AS (
      DELETE FROM campaign_problems WHERE import_id = $1 AND seq IN (
        SELECT seq FROM campaign_problems WHERE import_id = $1
        LIMIT greatest($2 - (SELECT count(*) FROM r), 0))
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM r)::integer + (SELECT count(*) FROM p)::integer AS n`,
};

/** $1 import id, $2 after row, $3 state (or null for any), $4 limit. */
export const listRecipients: Statement = {
  name: 'campaign_recipients',
  text: `
    SELECT ${RECIPIENT_COLUMNS} FROM campaign_recipients
    WHERE import_id = $1 AND row_number > $2 AND ($3::text IS NULL OR state = $3)
    ORDER BY row_number LIMIT $4`,
};

/** $1 import id, $2 after seq, $3 limit. */
export const listProblems: Statement = {
  name: 'campaign_problems',
  text: `SELECT ${PROBLEM_COLUMNS} FROM campaign_problems WHERE import_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
};

export const countRecipients: Statement = {
  name: 'campaign_count_recipients',
  text: `
    SELECT state, reason, count(*)::integer AS n FROM campaign_recipients WHERE import_id = $1
    GROUP BY state, reason`,
};

/** $1 import id, $2 JSON array of { row_number, state, set_reason, reason, set_message_id, message_id }. */
export const setRecipientStates: Statement = {
  name: 'campaign_set_recipient_states',
  text: `
    UPDATE campaign_recipients r SET state = c.state,
      reason = CASE WHEN c.set_reason THEN c.reason ELSE r.reason END,
      message_id = CASE WHEN c.set_message_id THEN c.message_id ELSE r.message_id END
    FROM jsonb_to_recordset($2::jsonb) AS c(row_number integer, state text, set_reason boolean, reason text,
      set_message_id boolean, message_id text)
    WHERE r.import_id = $1 AND r.row_number = c.row_number`,
};

/** $1 import id, $2 state, $3 reason, $4 limit. */
export const closePending: Statement = {
  name: 'campaign_close_pending',
  text: `
    UPDATE campaign_recipients SET state = $2, reason = $3
    WHERE import_id = $1 AND row_number IN (
      SELECT row_number FROM campaign_recipients WHERE import_id = $1 AND state = 'pending'
      ORDER BY row_number LIMIT $4)`,
};

/** $1 import id, $2 address keys. */
export const firstRowsByAddress: Statement = {
  name: 'campaign_first_rows',
  text: `
    SELECT address_key, min(row_number) AS row_number FROM campaign_recipients
    WHERE import_id = $1 AND address_key = ANY($2::text[]) GROUP BY address_key`,
};

/** $1 import ids, $2 address keys. */
export const deliveredAddressKeys: Statement = {
  name: 'campaign_delivered_addresses',
  text: `
    SELECT DISTINCT r.address_key FROM campaign_recipients r JOIN messages m ON m.id = r.message_id
    WHERE r.import_id = ANY($1::text[]) AND r.address_key = ANY($2::text[]) AND m.status = 'delivered'`,
};

/** $1 phone HMACs, $2 channel. */
export const reachabilityOf: Statement = {
  name: 'campaign_reachability',
  text: `SELECT phone_hmac, channel, outcome, code, at FROM reachability
         WHERE phone_hmac = ANY($1::text[]) AND channel = $2`,
};

/** $1..$6 the list; $7 JSON array of { kind, value }. */
export const insertExclusionList: Statement = {
  name: 'campaign_insert_exclusion_list',
  text: `
    WITH l AS (
      INSERT INTO exclusion_lists (${LIST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
    )
    INSERT INTO exclusion_entries (list_id, kind, value)
    SELECT l.id, e.kind, e.value FROM l, jsonb_to_recordset($7::jsonb) AS e(kind text, value text)
    ON CONFLICT DO NOTHING`,
};

export const exclusionListById: Statement = {
  name: 'campaign_exclusion_list',
  text: `SELECT ${LIST_COLUMNS} FROM exclusion_lists WHERE id = $1`,
};

export const listExclusionLists: Statement = {
  name: 'campaign_exclusion_lists',
  text: `SELECT ${LIST_COLUMNS} FROM exclusion_lists ORDER BY id DESC LIMIT $1`,
};

/** $1 list ids, $2 JSON array of { kind, value }. */
export const matchExclusions: Statement = {
  name: 'campaign_match_exclusions',
  text: `
    SELECT DISTINCT q.kind, q.value FROM jsonb_to_recordset($2::jsonb) AS q(kind text, value text)
    WHERE EXISTS (SELECT 1 FROM exclusion_entries e
                  WHERE e.list_id = ANY($1::text[]) AND e.kind = q.kind AND e.value = q.value)`,
};

/** $1 campaign id, $2 now. */
export const holdMessages: Statement = {
  name: 'campaign_hold_messages',
  text: `
    UPDATE messages SET next_run_at = NULL, version = version + 1, updated_at = $2
    WHERE campaign_id = $1 AND status IN ('accepted', 'scheduled') AND next_run_at IS NOT NULL AND ${UNLEASED}
      AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.message_id = messages.id)`,
};

/** $1 campaign id, $2 now. */
export const releaseMessages: Statement = {
  name: 'campaign_release_messages',
  text: `
    UPDATE messages SET next_run_at = $2, version = version + 1, updated_at = $2
    WHERE campaign_id = $1 AND status IN ('accepted', 'scheduled') AND next_run_at IS NULL`,
};

/** $1 campaign id, $2 now, $3 event data. */
export const cancelMessages: Statement = {
  name: 'campaign_cancel_messages',
  text: `
    WITH c AS (
      UPDATE messages SET status = 'canceled', final_reason = 'campaign_canceled', next_run_at = NULL,
        lease_owner = NULL, lease_until = NULL, version = version + 1, updated_at = $2
      WHERE campaign_id = $1 AND status IN ${ACTIVE} AND ${UNLEASED}
      RETURNING id
    ), e AS (
      INSERT INTO events (message_id, attempt_id, type, data, at)
      SELECT id, NULL, 'canceled', $3::jsonb, $2 FROM c ORDER BY id
    )
    SELECT count(*)::integer AS n FROM c`,
};

export const countActiveMessages: Statement = {
  name: 'campaign_count_active',
  text: `SELECT count(*)::integer AS n FROM messages WHERE campaign_id = $1 AND status IN ${ACTIVE}`,
};

export const messageCounts: Statement = {
  name: 'campaign_message_counts',
  text: `
    SELECT status, delivered_via, late_delivery, count(*)::integer AS n FROM messages WHERE campaign_id = $1
    GROUP BY status, delivered_via, late_delivery`,
};

export const attemptTotals: Statement = {
  name: 'campaign_attempt_totals',
  text: `
    SELECT a.channel, count(*)::integer AS n, coalesce(sum(a.units), 0)::float8 AS units,
      coalesce(sum(a.cost), 0)::float8 AS cost
    FROM attempts a JOIN messages m ON m.id = a.message_id WHERE m.campaign_id = $1 GROUP BY a.channel`,
};

export const usedLaterStep: Statement = {
  name: 'campaign_used_later_step',
  text: `
    SELECT count(DISTINCT a.message_id)::integer AS n FROM attempts a JOIN messages m ON m.id = a.message_id
    WHERE m.campaign_id = $1 AND a.step_index > 0`,
};

/** $1 import id, $2 after row, $3 limit. */
export const resultRows: Statement = {
  name: 'campaign_result_rows',
  text: `
    SELECT ${RECIPIENT_COLUMNS.split(/,\s*/)
      .map((c) => `r.${c}`)
      .join(', ')},
      m.status AS m_status, m.delivered_via AS m_delivered_via, m.delivered_at AS m_delivered_at,
      m.final_reason AS m_final_reason, m.late_delivery AS m_late_delivery,
      a.n AS m_attempts, a.cost AS m_cost, a.last_channel AS m_last_channel
    FROM campaign_recipients r
    LEFT JOIN messages m ON m.id = r.message_id
    LEFT JOIN LATERAL (
      SELECT count(*)::integer AS n, sum(cost)::float8 AS cost,
        (array_agg(channel ORDER BY id DESC))[1] AS last_channel
      FROM attempts WHERE message_id = m.id
    ) a ON m.id IS NOT NULL
    WHERE r.import_id = $1 AND r.row_number > $2 ORDER BY r.row_number LIMIT $3`,
};
