import type { SegmentFilter } from '../core/segment-filter.js';
import type { SegmentRecord } from '../store/contact-records.js';
import type { ContactDeps } from './contact-deps.js';
import { segmentChanged, segmentNameTaken, segmentNotFound } from './contact-errors.js';

export interface SegmentInput {
  name: string;
  description?: string | null | undefined;
  filter: SegmentFilter;
}

/** A segment by id, or else by its name. */
export async function findSegment(
  deps: Pick<ContactDeps, 'store'>,
  idOrName: string,
): Promise<SegmentRecord> {
  const { contacts } = deps.store;
  const found = (await contacts.getSegment(idOrName)) ?? (await contacts.findSegmentByName(idOrName));
  if (!found) throw segmentNotFound(idOrName);
  return found;
}

/** Stores a new segment (version 0); 409 segment_name_taken when the name is used. */
export async function createSegment(
  deps: ContactDeps,
  input: SegmentInput,
  actor: string | null,
): Promise<SegmentRecord> {
  const now = deps.clock.now();
  const segment: SegmentRecord = {
    id: deps.newId(),
    name: input.name,
    description: input.description ?? null,
    filter: input.filter,
    createdBy: actor,
    createdAt: now,
    updatedAt: now,
    version: 0,
  };
  if (!(await deps.store.contacts.createSegment(segment))) throw segmentNameTaken(input.name);
  return segment;
}

/**
 * Replaces a segment's name, description and filter, only if it is still at `expectVersion` (the version the
 * caller read): 409 segment_changed otherwise, so two operators editing one segment never overwrite each other.
 */
export async function updateSegment(
  deps: ContactDeps,
  id: string,
  input: SegmentInput,
  expectVersion: number,
): Promise<SegmentRecord> {
  const current = await deps.store.contacts.getSegment(id);
  if (!current) throw segmentNotFound(id);
  if (current.version !== expectVersion) throw segmentChanged(expectVersion, current.version);
  const next: SegmentRecord = {
    ...current,
    name: input.name,
    description: input.description === undefined ? current.description : input.description,
    filter: input.filter,
    updatedAt: deps.clock.now(),
  };
  const result = await deps.store.contacts.updateSegment(next, expectVersion);
  if (result.result === 'updated') return result.segment;
  if (result.result === 'name_taken') throw segmentNameTaken(input.name);
  const now = await deps.store.contacts.getSegment(id);
  throw now ? segmentChanged(expectVersion, now.version) : segmentNotFound(id);
}
