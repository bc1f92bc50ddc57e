import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { createIdFactory } from './id-factory.js';

describe('createIdFactory', () => {
  it('makes unique, increasing 26-character ULIDs stamped with the clock', () => {
    const clock = new ManualClock();
    const newId = createIdFactory(clock);
    const ids = Array.from({ length: 5000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(decodeTime(ids[0]!)).toBe(clock.now());
  });

  it('spreads its random part over the whole alphabet', () => {
    // Monotonic ids share their random prefix within one millisecond; across factories they differ.
    const firsts = new Set(
      Array.from({ length: 200 }, () => createIdFactory(new ManualClock())().slice(10, 12)),
    );
    expect(firsts.size).toBeGreaterThan(150);
  });
});
