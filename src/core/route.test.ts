import { describe, expect, it } from 'vitest';
import { parseDuration } from './route.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5m', 90_000],
    [250, 250],
  ])('%s → %d ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', '15', 'm', '-1s', '3 weeks'])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(RangeError);
  });
});
