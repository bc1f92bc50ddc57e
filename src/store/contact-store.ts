import type {
  ContactListFilter,
  ContactRecord,
  ContactUpsertBatch,
  ContactUpsertOutcome,
  SegmentRecord,
  SegmentUpdateResult,
} from './contact-records.js';

/**
 * The contact section of the Store: the operator's customers and the segments (saved filters) over them.
 *
 * Upserts go by customer ID (`externalId`, unique) when given, else by phone (HMAC); one with neither is refused,
 * and so is one by phone that several contacts share. A batch of thousands is one transaction, and batches are
 * applied one at a time (on PostgreSQL across every process), so two upserts of one customer never create two
 * contacts. How an upsert changes a contact is src/core/contact.ts's upsertContact.
 */
export interface ContactStore {
  /** One outcome per item, in order. */
  upsert(batch: ContactUpsertBatch): Promise<ContactUpsertOutcome[]>;
  get(id: string): Promise<ContactRecord | null>;
  /** In id order (oldest first), after `afterId` when given: reading every contact page by page streams them. */
  list(filter: ContactListFilter): Promise<ContactRecord[]>;
  /** False when there was no such contact. */
  delete(id: string): Promise<boolean>;

  /** False, storing nothing, when the name is taken. */
  createSegment(segment: SegmentRecord): Promise<boolean>;
  getSegment(id: string): Promise<SegmentRecord | null>;
  findSegmentByName(name: string): Promise<SegmentRecord | null>;
  /** Every segment, by name. */
  listSegments(): Promise<SegmentRecord[]>;
  /** Compare-and-set: stores `next` with the version bumped, only if the stored one still has `expectVersion`. */
  updateSegment(next: SegmentRecord, expectVersion: number): Promise<SegmentUpdateResult>;
  /** False when there was no such segment. */
  deleteSegment(id: string): Promise<boolean>;
}
