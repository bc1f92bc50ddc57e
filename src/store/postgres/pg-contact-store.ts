import type { Pool, QueryResultRow } from 'pg';
import {
  contactKey,
  MISSING_KEY,
  upsertContact,
  type ContactMatches,
  type ContactRecord,
} from '../../core/contact.js';
import type {
  ContactListFilter,
  ContactUpsertBatch,
  ContactUpsertOutcome,
  SegmentRecord,
  SegmentUpdateResult,
} from '../contact-records.js';
import { createContactRowReaders } from '../contact-rows.js';
import type { ContactStore } from '../contact-store.js';
import type { Row } from '../row-readers.js';
import * as sql from './contact-statements.js';
import { inTransaction } from './pg-transaction.js';
import type { Statement } from './statements.js';

const read = createContactRowReaders((parsed) => parsed);

function contactRow(c: ContactRecord) {
  return {
    id: c.id,
    external_id: c.externalId,
    phone: c.phone,
    phone_hmac: c.phoneHmac,
    email: c.email,
    name: c.name,
    line_user_ids: c.lineUserIds,
    attributes: c.attributes,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    version: c.version,
  };
}

/** The contacts a batch's keys can match, kept current as the batch's items change them. */
class ContactIndex {
  private readonly byId = new Map<string, ContactRecord>();
  private readonly idByExternalId = new Map<string, string>();
  private readonly idsByPhone = new Map<string, Set<string>>();

  constructor(contacts: ContactRecord[]) {
    for (const c of contacts) this.put(c);
  }

  matches(key: NonNullable<ReturnType<typeof contactKey>>): ContactMatches {
    if (key.kind === 'externalId') {
      const id = this.idByExternalId.get(key.value);
      return { byExternalId: id === undefined ? null : this.byId.get(id)!, byPhone: [] };
    }
    const ids = [...(this.idsByPhone.get(key.value) ?? [])].sort();
    return { byExternalId: null, byPhone: ids.slice(0, 2).map((id) => this.byId.get(id)!) };
  }

  put(contact: ContactRecord): void {
    const before = this.byId.get(contact.id);
    if (before?.externalId != null) this.idByExternalId.delete(before.externalId);
    if (before?.phoneHmac != null) this.idsByPhone.get(before.phoneHmac)?.delete(contact.id);
    this.byId.set(contact.id, contact);
    if (contact.externalId !== null) this.idByExternalId.set(contact.externalId, contact.id);
    if (contact.phoneHmac !== null) {
      let ids = this.idsByPhone.get(contact.phoneHmac);
      if (!ids) this.idsByPhone.set(contact.phoneHmac, (ids = new Set()));
      ids.add(contact.id);
    }
  }
}

/**
 * The PostgreSQL store's contact section. An upsert batch is one transaction under an advisory lock: it reads
 * every contact its keys can match in one query, applies upsertContact item by item in memory (a later item sees
 * an earlier one's change), then writes the new and the changed contacts with one statement each.
 */
export class PgContactStore implements ContactStore {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  private async rows(statement: Statement, values: unknown[]): Promise<Row[]> {
    return (await this.pool.query<QueryResultRow>({ ...statement, values })).rows;
  }

  private get lockKey() {
    return `todoke.contacts:${this.schema}`;
  }

  async upsert(batch: ContactUpsertBatch): Promise<ContactUpsertOutcome[]> {
    if (batch.newIds.length !== batch.contacts.length)
      throw new Error('upsert: one new id per contact is needed');
    if (batch.contacts.length === 0) return [];
    const keys = batch.contacts.map(contactKey);
    const externalIds = new Set<string>();
    const phones = new Set<string>();
    for (const key of keys) {
      if (key?.kind === 'externalId') externalIds.add(key.value);
      else if (key?.kind === 'phone') phones.add(key.value);
    }
    return inTransaction(this.pool, async (client) => {
      await client.query(sql.contactsLock, [this.lockKey]);
      const found = await client.query<QueryResultRow>({
        ...sql.contactsMatching,
        values: [[...externalIds], [...phones]],
      });
      const index = new ContactIndex(found.rows.map(read.toContact));
      const written = new Map<string, { contact: ContactRecord; created: boolean }>();
      const outcomes = batch.contacts.map((input, i): ContactUpsertOutcome => {
        const key = keys[i];
        if (!key) return MISSING_KEY;
        const outcome = upsertContact(input, index.matches(key), batch.newIds[i]!, batch.now);
        if (outcome.result === 'created' || outcome.result === 'updated') {
          const { contact } = outcome;
          index.put(contact);
          const created = outcome.result === 'created' || written.get(contact.id)?.created === true;
          written.set(contact.id, { contact, created });
        }
        return outcome;
      });
      const inserts = [...written.values()].filter((w) => w.created).map((w) => contactRow(w.contact));
      const updates = [...written.values()].filter((w) => !w.created).map((w) => contactRow(w.contact));
      if (inserts.length > 0)
        await client.query({ ...sql.insertContacts, values: [JSON.stringify(inserts)] });
      if (updates.length > 0)
        await client.query({ ...sql.updateContacts, values: [JSON.stringify(updates)] });
      return outcomes;
    });
  }

  async get(id: string) {
    const [row] = await this.rows(sql.contactById, [id]);
    return row ? read.toContact(row) : null;
  }

  async list(filter: ContactListFilter) {
    const after = filter.afterId ?? '';
    let rows: Row[];
    if (filter.externalId !== undefined) {
      rows = await this.rows(sql.contactsWithExternalId, [filter.externalId, after, filter.limit]);
      if (filter.phoneHmac !== undefined) rows = rows.filter((r) => r.phone_hmac === filter.phoneHmac);
    } else if (filter.phoneHmac !== undefined) {
      rows = await this.rows(sql.contactsWithPhone, [filter.phoneHmac, after, filter.limit]);
    } else {
      rows = await this.rows(sql.contactsAfter, [after, filter.limit]);
    }
    return rows.map(read.toContact);
  }

  delete(id: string) {
    return inTransaction(this.pool, async (client) => {
      await client.query(sql.contactsLock, [this.lockKey]);
      return (await client.query({ ...sql.deleteContact, values: [id] })).rowCount === 1;
    });
  }

  async createSegment(s: SegmentRecord) {
    const result = await this.pool.query({
      ...sql.insertSegment,
      values: [
        s.id,
        s.name,
        s.description,
        JSON.stringify(s.filter),
        s.createdBy,
        s.createdAt,
        s.updatedAt,
        s.version,
      ],
    });
    return result.rowCount === 1;
  }

  async getSegment(id: string) {
    const [row] = await this.rows(sql.segmentById, [id]);
    return row ? read.toSegment(row) : null;
  }

  async findSegmentByName(name: string) {
    const [row] = await this.rows(sql.segmentByName, [name]);
    return row ? read.toSegment(row) : null;
  }

  async listSegments() {
    return (await this.rows(sql.listSegments, [])).map(read.toSegment);
  }

  async updateSegment(next: SegmentRecord, expectVersion: number): Promise<SegmentUpdateResult> {
    try {
      const [row] = await this.rows(sql.updateSegment, [
        next.id,
        expectVersion,
        next.name,
        next.description,
        JSON.stringify(next.filter),
        next.updatedAt,
      ]);
      if (row) return { result: 'updated', segment: read.toSegment(row) };
    } catch (error) {
      // Another segment took the name between the check and the write.
      if ((error as { code?: string }).code === '23505') return { result: 'name_taken' };
      throw error;
    }
    const named = await this.rows(sql.otherSegmentNamed, [next.name, next.id]);
    return named.length > 0 ? { result: 'name_taken' } : { result: 'stale' };
  }

  async deleteSegment(id: string) {
    return (await this.pool.query({ ...sql.deleteSegment, values: [id] })).rowCount === 1;
  }
}
