import type { ContactRecord, SegmentRecord } from './contact-records.js';
import { str, type Row } from './row-readers.js';

/** Row → record readers for the contact tables; `decodeJson` as in createRowReaders (text in SQLite, parsed in PostgreSQL). */
export function createContactRowReaders(decodeJson: (value: unknown) => unknown) {
  function toContact(row: Row): ContactRecord {
    return {
      id: row.id as string,
      externalId: str(row.external_id),
      phone: str(row.phone),
      phoneHmac: str(row.phone_hmac),
      email: str(row.email),
      name: str(row.name),
      lineUserIds: decodeJson(row.line_user_ids) as string[],
      attributes: decodeJson(row.attributes) as ContactRecord['attributes'],
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      version: Number(row.version),
    };
  }

  function toSegment(row: Row): SegmentRecord {
    return {
      id: row.id as string,
      name: row.name as string,
      description: str(row.description),
      filter: decodeJson(row.filter) as SegmentRecord['filter'],
      createdBy: str(row.created_by),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      version: Number(row.version),
    };
  }

  return { toContact, toSegment };
}
