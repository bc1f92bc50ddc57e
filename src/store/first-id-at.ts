import { encodeTime } from 'ulid';

/**
 * The smallest ULID made at `time` (ms): ids are ULIDs whose first ten characters are their creation time, so
 * `id >= firstIdAt(t)` selects what was made at or after t through the primary key.
 */
export function firstIdAt(time: number): string {
  return encodeTime(Math.max(0, Math.floor(time)), 10) + '0'.repeat(16);
}
