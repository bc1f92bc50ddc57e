import type { ContactUpsert } from '../core/contact.js';
import type { SegmentFilter } from '../core/segment-filter.js';

export type { ContactRecord, ContactUpsert, ContactUpsertOutcome } from '../core/contact.js';

/** A saved filter over contacts (see src/core/segment-filter.ts). */
export interface SegmentRecord {
  id: string;
  /** Unique: campaigns and the CLI may name a segment by it. */
  name: string;
  description: string | null;
  filter: SegmentFilter;
  /** API key id of whoever created it. */
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  /** Bumped by every change: the compare-and-set guard of updates. 0 when created. */
  version: number;
}

/** One batch of upserts, applied in one transaction, in order (a later item sees what an earlier one did). */
export interface ContactUpsertBatch {
  contacts: ContactUpsert[];
  /** The id each item gets if it creates a contact (ULIDs made by the caller): same length as `contacts`. */
  newIds: readonly string[];
  now: number;
}

/** Contacts in id order after `afterId`, optionally only those with a customer ID or a phone (HMAC). */
export interface ContactListFilter {
  afterId?: string;
  externalId?: string;
  phoneHmac?: string;
  limit: number;
}

export type SegmentUpdateResult =
  | { result: 'updated'; segment: SegmentRecord }
  /** The stored segment is at another version (or gone). */
  | { result: 'stale' }
  /** Another segment has the new name. */
  | { result: 'name_taken' };
