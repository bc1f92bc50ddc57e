// The PostgreSQL store's statements for templates and suppressions, re-exported by statements.ts.
import type { Statement } from './statements.js';

// ---- templates ---------------------------------------------------------------------------------------------

const TEMPLATE_COLUMNS = 'id, name, description, purpose, latest_version, created_at, updated_at';
const TEMPLATE_VERSION_COLUMNS = 'template_id, version, source, created_at';

/**
 * $1 id, $2 name, $3 description, $4 purpose, $5 created_at, $6 first version's source (jsonb). Creates the
 * template and its version 1 in one statement, or nothing when the name is taken (no row returned).
 */
export const insertTemplate: Statement = {
  name: 'insert_template',
  text: `
    WITH t AS (
      INSERT INTO templates (${TEMPLATE_COLUMNS}) VALUES ($1, $2, $3, $4, 1, $5, $5)
      ON CONFLICT (name) DO NOTHING
      RETURNING id
    )
    INSERT INTO template_versions (${TEMPLATE_VERSION_COLUMNS})
    SELECT id, 1, $6::jsonb, $5 FROM t
    RETURNING template_id`,
};

/**
 * $1 template id, $2 source (jsonb), $3 now. Numbers the version one past the latest under the template row's
 * lock, so concurrent additions get distinct numbers; no row when the template does not exist.
 */
export const insertTemplateVersion: Statement = {
  name: 'insert_template_version',
  text: `
    WITH t AS (
      UPDATE templates SET latest_version = latest_version + 1, updated_at = $3 WHERE id = $1
      RETURNING id, latest_version
    )
    INSERT INTO template_versions (${TEMPLATE_VERSION_COLUMNS})
    SELECT id, latest_version, $2::jsonb, $3 FROM t
    RETURNING ${TEMPLATE_VERSION_COLUMNS}`,
};

export const templateById: Statement = {
  name: 'template_by_id',
  text: `SELECT ${TEMPLATE_COLUMNS} FROM templates WHERE id = $1`,
};

export const templateByName: Statement = {
  name: 'template_by_name',
  text: `SELECT ${TEMPLATE_COLUMNS} FROM templates WHERE name = $1`,
};

export const templates: Statement = {
  name: 'templates',
  text: `SELECT ${TEMPLATE_COLUMNS} FROM templates ORDER BY name COLLATE "C"`,
};

export const templateVersion: Statement = {
  name: 'template_version',
  text: `SELECT ${TEMPLATE_VERSION_COLUMNS} FROM template_versions WHERE template_id = $1 AND version = $2`,
};

export const templateVersions: Statement = {
  name: 'template_versions',
  text: `SELECT ${TEMPLATE_VERSION_COLUMNS} FROM template_versions WHERE template_id = $1 ORDER BY version`,
};

// ---- suppressions ------------------------------------------------------------------------------------------

const SUPPRESSION_COLUMNS =
  'id, address_hmac, address_hint, channel, purpose_class, reason, source, created_at';

/** $1: JSON array of suppressionRow(). One already there for the address, channel and class is kept. */
export const insertSuppressions: Statement = {
  name: 'insert_suppressions',
  text: `
    INSERT INTO suppressions (${SUPPRESSION_COLUMNS})
    SELECT ${SUPPRESSION_COLUMNS}
    FROM jsonb_to_recordset($1::jsonb) AS r(id text, address_hmac text, address_hint text, channel text,
      purpose_class text, reason text, source text, created_at bigint)
    ON CONFLICT (address_hmac, channel, purpose_class) DO NOTHING`,
};

/** $1 address HMAC, $2 channels, $3 purpose classes. */
export const deleteSuppressions: Statement = {
  name: 'delete_suppressions',
  text: `DELETE FROM suppressions
         WHERE address_hmac = $1 AND channel = ANY($2::text[]) AND purpose_class = ANY($3::text[])`,
};

/** $1 address HMACs. */
export const suppressionsOf: Statement = {
  name: 'suppressions_of',
  text: `SELECT ${SUPPRESSION_COLUMNS} FROM suppressions WHERE address_hmac = ANY($1::text[]) ORDER BY id`,
};

/** $1 id to list below (null: from the newest), $2 limit. */
export const listSuppressions: Statement = {
  name: 'list_suppressions',
  text: `SELECT ${SUPPRESSION_COLUMNS} FROM suppressions WHERE $1::text IS NULL OR id < $1
         ORDER BY id DESC LIMIT $2`,
};
