import type { Database } from 'better-sqlite3';

const CONTACT_VALUES = `@id, @externalId, @phone, @phoneHmac, @email, @name, @lineUserIds, @attributes, @createdAt,
  @updatedAt, @version`;

/** Every SQL statement of the SQLite store's contact section, prepared once per connection. */
export function prepareContactStatements(db: Database) {
  return {
    insertContact: db.prepare(`
      INSERT INTO contacts (id, external_id, phone, phone_hmac, email, name, line_user_ids, attributes, created_at,
        updated_at, version)
      VALUES (${CONTACT_VALUES})`),
    updateContact: db.prepare(`
      UPDATE contacts SET external_id = @externalId, phone = @phone, phone_hmac = @phoneHmac, email = @email,
        name = @name, line_user_ids = @lineUserIds, attributes = @attributes, updated_at = @updatedAt,
        version = @version
      WHERE id = @id`),
    deleteContact: db.prepare(`DELETE FROM contacts WHERE id = ?`),
    contactById: db.prepare(`SELECT * FROM contacts WHERE id = ?`),
    contactByExternalId: db.prepare(`SELECT * FROM contacts WHERE external_id = ?`),
    /** Two are enough to tell an upsert by phone that the number is shared. */
    contactsByPhone: db.prepare(`SELECT * FROM contacts WHERE phone_hmac = ? ORDER BY id LIMIT 2`),
    contactsAfter: db.prepare(`SELECT * FROM contacts WHERE id > ? ORDER BY id LIMIT ?`),
    contactsWithExternalId: db.prepare(
      `SELECT * FROM contacts WHERE external_id = ? AND id > ? ORDER BY id LIMIT ?`,
    ),
    contactsWithPhone: db.prepare(
      `SELECT * FROM contacts WHERE phone_hmac = ? AND id > ? ORDER BY id LIMIT ?`,
    ),

    insertSegment: db.prepare(`
      INSERT INTO segments (id, name, description, filter, created_by, created_at, updated_at, version)
      VALUES (@id, @name, @description, @filter, @createdBy, @createdAt, @updatedAt, @version)
      ON CONFLICT (name) DO NOTHING`),
    updateSegment: db.prepare(`
      UPDATE segments SET name = @name, description = @description, filter = @filter, updated_at = @updatedAt,
        version = version + 1
      WHERE id = @id AND version = @expectVersion
      RETURNING *`),
    otherSegmentNamed: db.prepare(`SELECT 1 FROM segments WHERE name = ? AND id <> ?`),
    deleteSegment: db.prepare(`DELETE FROM segments WHERE id = ?`),
    segmentById: db.prepare(`SELECT * FROM segments WHERE id = ?`),
    segmentByName: db.prepare(`SELECT * FROM segments WHERE name = ?`),
    segments: db.prepare(`SELECT * FROM segments ORDER BY name`),
  };
}

export type ContactStatements = ReturnType<typeof prepareContactStatements>;
