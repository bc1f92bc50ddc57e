import { describe, expect, it } from 'vitest';
import { FirstRowIndex, hashText, phoneKey } from './first-row-index.js';

describe('FirstRowIndex', () => {
  it('remembers the first row of each key through many growths', () => {
    const index = new FirstRowIndex(16);
    let added = 0;
    for (let i = 0; i < 100_000; i++) if (index.firstOrAdd(i % 7, i * 2654435761, i + 2) === 0) added++;
    expect(added).toBe(100_000);
    expect(index.size).toBe(100_000);
    const found: number[] = [];
    for (let i = 0; i < 100_000; i += 997) {
      found.push(index.get(i % 7, i * 2654435761) - (i + 2));
      found.push(index.firstOrAdd(i % 7, i * 2654435761, 999_999) - (i + 2));
    }
    expect(new Set(found)).toEqual(new Set([0]));
    expect(index.get(7, 1)).toBe(0);
    expect(index.size).toBe(100_000);
  });

  it('tells apart keys that differ only in one half', () => {
    const index = new FirstRowIndex();
    index.firstOrAdd(1, 5, 2);
    index.firstOrAdd(5, 1, 3);
    index.firstOrAdd(0, 5, 4);
    expect([index.get(1, 5), index.get(5, 1), index.get(0, 5), index.get(5, 0)]).toEqual([2, 3, 4, 0]);
  });

  it('takes only positive row numbers, 0 meaning none', () => {
    expect(() => new FirstRowIndex().firstOrAdd(1, 1, 0)).toThrow(RangeError);
  });
});

describe('keys', () => {
  const key = new Uint32Array(2);

  it('keys phone numbers exactly, up to the 15 digits E.164 allows', () => {
    phoneKey('+819012345678', key);
    expect(key[0]! * 2 ** 32 + key[1]!).toBe(819012345678);
    phoneKey('+999999999999999', key);
    expect(key[0]! * 2 ** 32 + key[1]!).toBe(999999999999999);
  });

  it('hashes texts to 64 bits, the same text to the same key', () => {
    hashText('M00000001', key);
    const first = [...key];
    hashText('M00000001', key);
    expect([...key]).toEqual(first);
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      hashText(`M${String(i).padStart(8, '0')}`, key);
      seen.add(`${key[0]}:${key[1]}`);
    }
    expect(seen.size).toBe(200_000);
  });
});
