import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Clock } from '../core/clock.js';

/**
 * ULIDs (sortable by time, 26 characters: a LINE delivery tag as it is) for messages and attempts. The random part
 * comes from a pool of cryptographic random numbers refilled 1,024 at a time: the library's default asks the
 * operating system once per character, which showed in acceptance profiles.
 */
export function createIdFactory(clock: Clock): () => string {
  const pool = new Uint32Array(1024);
  let next = pool.length;
  const random = () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 4_294_967_296;
  };
  const ulid = monotonicFactory(random);
  return () => ulid(clock.now());
}
