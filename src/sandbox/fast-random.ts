import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

/**
 * Random bytes drawn from a pool refilled 4 KiB at a time: the emulators need a few random bytes per request
 * (SIDs, event IDs), and one system call per byte would cost more than the rest of the request.
 */
const pool = Buffer.alloc(4096);
let position = pool.length;

function take(count: number): Buffer {
  if (position + count > pool.length) {
    randomFillSync(pool);
    position = 0;
  }
  const bytes = pool.subarray(position, position + count);
  position += count;
  return bytes;
}

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  return take(bytes).toString('hex');
}

const randomFraction = (): number => take(1)[0]! / 256;

/** A ULID for the given moment. */
export function fastUlid(at: number): string {
  return ulid(at, randomFraction);
}
