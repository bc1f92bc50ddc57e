import type { ContactRecord } from '../core/contact.js';
import { compileFilter, type SegmentFilter } from '../core/segment-filter.js';
import type { ContactStore } from '../store/contact-store.js';

/** Contacts read per store call while a segment is evaluated: memory holds one page, never the whole store. */
export const CONTACT_PAGE = 1_000;

/**
 * A segment's contacts, in id order, a page at a time: every contact is read page by page and tested in memory
 * (the same filter code on every store), so a million contacts stream through without being held at once.
 */
export async function* matchingContacts(
  store: ContactStore,
  filter: SegmentFilter,
  pageSize = CONTACT_PAGE,
): AsyncGenerator<ContactRecord[]> {
  const matches = compileFilter(filter);
  let afterId: string | undefined;
  for (;;) {
    const page = await store.list({ limit: pageSize, ...(afterId === undefined ? {} : { afterId }) });
    const hits = page.filter(matches);
    if (hits.length > 0) yield hits;
    if (page.length < pageSize) return;
    afterId = page[page.length - 1]!.id;
  }
}

export interface SegmentPreview {
  /** Contacts that match. */
  count: number;
  /** The first `limit` of them, in id order. */
  contacts: ContactRecord[];
}

/** How many contacts match, and the first few: what an operator checks before sending to a segment. */
export async function previewSegment(
  store: ContactStore,
  filter: SegmentFilter,
  limit: number,
): Promise<SegmentPreview> {
  const preview: SegmentPreview = { count: 0, contacts: [] };
  for await (const page of matchingContacts(store, filter)) {
    preview.count += page.length;
    for (const c of page) if (preview.contacts.length < limit) preview.contacts.push(c);
  }
  return preview;
}
