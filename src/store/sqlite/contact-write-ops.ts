import { contactKey, MISSING_KEY, upsertContact, type ContactRecord } from '../../core/contact.js';
import type { ContactUpsertBatch, ContactUpsertOutcome, SegmentRecord } from '../contact-records.js';
import { createContactRowReaders } from '../contact-rows.js';
import type { Row } from '../row-readers.js';
import type { ContactStatements } from './contact-statements.js';

const read = createContactRowReaders((text) => JSON.parse(text as string));

/** The contact section's writes, as plain data for the writer thread (they travel inside a campaign write op). */
export type ContactWriteOp =
  | { kind: 'upsert'; batch: ContactUpsertBatch }
  | { kind: 'delete'; id: string }
  | { kind: 'createSegment'; segment: SegmentRecord }
  | { kind: 'updateSegment'; segment: SegmentRecord; expectVersion: number }
  | { kind: 'deleteSegment'; id: string };

function contactParams(c: ContactRecord) {
  return {
    ...c,
    lineUserIds: JSON.stringify(c.lineUserIds),
    attributes: JSON.stringify(c.attributes),
  };
}

function segmentParams(s: SegmentRecord) {
  return { ...s, filter: JSON.stringify(s.filter) };
}

/**
 * A batch of upserts inside the writer's transaction, item by item: each looks its contact up (seeing what the
 * items before it wrote) and writes the result of upsertContact.
 */
function upsertAll(sql: ContactStatements, batch: ContactUpsertBatch): ContactUpsertOutcome[] {
  return batch.contacts.map((input, i) => {
    const key = contactKey(input);
    if (key === null) return MISSING_KEY;
    const byExternalId =
      key.kind === 'externalId'
        ? ((sql.contactByExternalId.get(key.value) as Row | undefined) ?? null)
        : null;
    const byPhone = key.kind === 'phone' ? (sql.contactsByPhone.all(key.value) as Row[]) : [];
    const outcome = upsertContact(
      input,
      { byExternalId: byExternalId && read.toContact(byExternalId), byPhone: byPhone.map(read.toContact) },
      batch.newIds[i]!,
      batch.now,
    );
    if (outcome.result === 'created') sql.insertContact.run(contactParams(outcome.contact));
    else if (outcome.result === 'updated') sql.updateContact.run(contactParams(outcome.contact));
    return outcome;
  });
}

/** Runs one contact write inside the writer's transaction; returns the operation's result. */
export function runContactWrite(sql: ContactStatements, w: ContactWriteOp): unknown {
  switch (w.kind) {
    case 'upsert':
      return upsertAll(sql, w.batch);
    case 'delete':
      return sql.deleteContact.run(w.id).changes === 1;
    case 'createSegment':
      return sql.insertSegment.run(segmentParams(w.segment)).changes === 1;
    case 'updateSegment': {
      if (sql.otherSegmentNamed.get(w.segment.name, w.segment.id) !== undefined)
        return { result: 'name_taken' };
      const row = sql.updateSegment.get({ ...segmentParams(w.segment), expectVersion: w.expectVersion }) as
        Row | undefined;
      return row ? { result: 'updated', segment: read.toSegment(row) } : { result: 'stale' };
    }
    case 'deleteSegment':
      return sql.deleteSegment.run(w.id).changes === 1;
  }
}
