// The PostgreSQL store's statements for contacts and segments.
import type { Statement } from './statements.js';

const CONTACT_COLUMNS = `id, external_id, phone, phone_hmac, email, name, line_user_ids, attributes, created_at,
  updated_at, version`;
const CONTACT_RECORD = `r(id text, external_id text, phone text, phone_hmac text, email text, name text,
  line_user_ids jsonb, attributes jsonb, created_at bigint, updated_at bigint, version integer)`;
const SEGMENT_COLUMNS = 'id, name, description, filter, created_by, created_at, updated_at, version';

/**
 * $1 lock key. Contact upserts (and deletes) take turns across every process: an upsert reads the contacts its
 * keys match, then writes, and two at once could otherwise both create the same customer.
 */
export const contactsLock = `SELECT pg_advisory_xact_lock(hashtext($1))`;

/** $1 customer IDs, $2 phone HMACs: every contact an upsert batch's keys can match. */
export const contactsMatching: Statement = {
  name: 'contact_matching',
  text: `
    SELECT ${CONTACT_COLUMNS} FROM contacts WHERE external_id = ANY($1::text[])
    UNION
    SELECT ${CONTACT_COLUMNS} FROM contacts WHERE phone_hmac = ANY($2::text[])`,
};

/** $1 JSON array of contact rows. */
export const insertContacts: Statement = {
  name: 'contact_insert',
  text: `
    INSERT INTO contacts (${CONTACT_COLUMNS})
    SELECT ${CONTACT_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS ${CONTACT_RECORD}`,
};

/** $1 JSON array of contact rows (their final state). */
export const updateContacts: Statement = {
  name: 'contact_update',
  text: `
    UPDATE contacts c SET external_id = r.external_id, phone = r.phone, phone_hmac = r.phone_hmac,
      email = r.email, name = r.name, line_user_ids = r.line_user_ids, attributes = r.attributes,
      updated_at = r.updated_at, version = r.version
    FROM jsonb_to_recordset($1::jsonb) AS ${CONTACT_RECORD}
    WHERE c.id = r.id`,
};

export const deleteContact: Statement = {
  name: 'contact_delete',
  text: `DELETE FROM contacts WHERE id = $1`,
};

export const contactById: Statement = {
  name: 'contact_by_id',
  text: `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE id = $1`,
};

/** $1 after id, $2 limit. */
export const contactsAfter: Statement = {
  name: 'contact_page',
  text: `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE id > $1 ORDER BY id LIMIT $2`,
};

/** $1 customer ID, $2 after id, $3 limit. */
export const contactsWithExternalId: Statement = {
  name: 'contact_page_external_id',
  text: `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE external_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
};

/** $1 phone HMAC, $2 after id, $3 limit. */
export const contactsWithPhone: Statement = {
  name: 'contact_page_phone',
  text: `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE phone_hmac = $1 AND id > $2 ORDER BY id LIMIT $3`,
};

/** $1 id … $8 version. */
export const insertSegment: Statement = {
  name: 'segment_insert',
  text: `
    INSERT INTO segments (${SEGMENT_COLUMNS}) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
    ON CONFLICT (name) DO NOTHING`,
};

/** $1 id, $2 expected version, $3 name, $4 description, $5 filter, $6 updated at. */
export const updateSegment: Statement = {
  name: 'segment_update',
  text: `
    UPDATE segments SET name = $3, description = $4, filter = $5::jsonb, updated_at = $6, version = version + 1
    WHERE id = $1 AND version = $2
      AND NOT EXISTS (SELECT 1 FROM segments o WHERE o.name = $3 AND o.id <> $1)
    RETURNING ${SEGMENT_COLUMNS}`,
};

/** $1 name, $2 id: another segment with the name. */
export const otherSegmentNamed: Statement = {
  name: 'segment_other_named',
  text: `SELECT 1 FROM segments WHERE name = $1 AND id <> $2`,
};

export const deleteSegment: Statement = {
  name: 'segment_delete',
  text: `DELETE FROM segments WHERE id = $1`,
};

export const segmentById: Statement = {
  name: 'segment_by_id',
  text: `SELECT ${SEGMENT_COLUMNS} FROM segments WHERE id = $1`,
};

export const segmentByName: Statement = {
  name: 'segment_by_name',
  text: `SELECT ${SEGMENT_COLUMNS} FROM segments WHERE name = $1`,
};

export const listSegments: Statement = {
  name: 'segment_list',
  text: `SELECT ${SEGMENT_COLUMNS} FROM segments ORDER BY name COLLATE "C"`,
};
