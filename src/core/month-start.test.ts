import { describe, expect, it } from 'vitest';
import { startOfMonthJst, startOfNextMonthJst } from './month-start.js';

describe('startOfNextMonthJst', () => {
  it('is midnight JST on the 1st of the next month', () => {
    expect(new Date(startOfNextMonthJst(Date.parse('2026-11-22T03:00:00Z'))).toISOString()).toBe(
      '2026-11-30T15:00:00.000Z',
    );
  });
  it('uses the Japanese date, not the UTC one, near midnight', () => {
    // 2026-11-30T16:00Z is already 1 December 01:00 in Tokyo.
    expect(new Date(startOfNextMonthJst(Date.parse('2026-11-30T16:00:00Z'))).toISOString()).toBe(
      '2026-12-31T15:00:00.000Z',
    );
  });
  it('rolls over the year', () => {
    expect(new Date(startOfNextMonthJst(Date.parse('2026-12-15T00:00:00Z'))).toISOString()).toBe(
      '2026-12-31T15:00:00.000Z',
    );
  });
});

describe('startOfMonthJst', () => {
  it('is midnight JST on the 1st of the Japanese month, which starts at 15:00 UTC the day before', () => {
    expect(new Date(startOfMonthJst(Date.parse('2026-11-22T03:00:00Z'))).toISOString()).toBe(
      '2026-10-31T15:00:00.000Z',
    );
    expect(new Date(startOfMonthJst(Date.parse('2026-11-30T16:00:00Z'))).toISOString()).toBe(
      '2026-11-30T15:00:00.000Z',
    );
  });
});
