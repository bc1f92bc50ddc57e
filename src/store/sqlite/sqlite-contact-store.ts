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
import type { CampaignStatements } from './campaign-statements.js';
import type { ContactWriteOp } from './contact-write-ops.js';
import type { Writer } from './writer.js';

const read = createContactRowReaders((text) => JSON.parse(text as string));

/**
 * The SQLite store's contact section: reads on the store's reading connection, writes through its writer (so a
 * batch of upserts is one transaction on the writer thread, and batches never interleave).
 */
export class SqliteContactStore implements ContactStore {
  private readonly sql: CampaignStatements['contacts'];

  constructor(
    statements: CampaignStatements,
    private readonly writer: Writer,
  ) {
    this.sql = statements.contacts;
  }

  private write(write: ContactWriteOp): Promise<unknown> {
    return this.writer.run({ op: 'campaign', write: { kind: 'contacts', write } });
  }

  async upsert(batch: ContactUpsertBatch): Promise<ContactUpsertOutcome[]> {
    if (batch.newIds.length !== batch.contacts.length)
      throw new Error('upsert: one new id per contact is needed');
    if (batch.contacts.length === 0) return [];
    return (await this.write({ kind: 'upsert', batch })) as ContactUpsertOutcome[];
  }

  async get(id: string) {
    const row = this.sql.contactById.get(id) as Row | undefined;
    return row ? read.toContact(row) : null;
  }

  async list(filter: ContactListFilter) {
    const after = filter.afterId ?? '';
    let rows: unknown[];
    if (filter.externalId !== undefined) {
      rows = this.sql.contactsWithExternalId.all(filter.externalId, after, filter.limit);
      if (filter.phoneHmac !== undefined)
        rows = (rows as Row[]).filter((r) => r.phone_hmac === filter.phoneHmac);
    } else if (filter.phoneHmac !== undefined) {
      rows = this.sql.contactsWithPhone.all(filter.phoneHmac, after, filter.limit);
    } else {
      rows = this.sql.contactsAfter.all(after, filter.limit);
    }
    return (rows as Row[]).map(read.toContact);
  }

  delete(id: string) {
    return this.write({ kind: 'delete', id }) as Promise<boolean>;
  }

  createSegment(segment: SegmentRecord) {
    return this.write({ kind: 'createSegment', segment }) as Promise<boolean>;
  }

  async getSegment(id: string) {
    const row = this.sql.segmentById.get(id) as Row | undefined;
    return row ? read.toSegment(row) : null;
  }

  async findSegmentByName(name: string) {
    const row = this.sql.segmentByName.get(name) as Row | undefined;
    return row ? read.toSegment(row) : null;
  }

  async listSegments() {
    return (this.sql.segments.all() as Row[]).map(read.toSegment);
  }

  updateSegment(next: SegmentRecord, expectVersion: number) {
    return this.write({
      kind: 'updateSegment',
      segment: next,
      expectVersion,
    }) as Promise<SegmentUpdateResult>;
  }

  deleteSegment(id: string) {
    return this.write({ kind: 'deleteSegment', id }) as Promise<boolean>;
  }
}
