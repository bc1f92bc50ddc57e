import { describe, expect, it } from 'vitest';
import { FilterInputError, formatDateJa, formatYen, maskNumber } from './filters.js';

describe('yen', () => {
  it.each([
    [12345, undefined, 'plain', '12,345円'],
    ['12345', undefined, 'plain', '12,345円'],
    ['12,345', undefined, 'plain', '12,345円'],
    ['１２，３４５', undefined, 'plain', '12,345円'],
    ['¥12,345', undefined, 'plain', '12,345円'],
    ['12345円', undefined, 'plain', '12,345円'],
    [0, undefined, 'plain', '0円'],
    [-500, undefined, 'plain', '-500円'],
    [1234.5, undefined, 'plain', '1,234.5円'],
    [12345, 'symbol', 'plain', '¥12,345'],
    [12345, 'symbol', 'html', '¥12,345'],
    // ¥ (U+00A5) is outside JIS X 0208 and arrives garbled by SMS: the full-width ￥ does not.
    [12345, 'symbol', 'sms', '￥12,345'],
    [-12345, 'symbol', 'sms', '-￥12,345'],
    [null, undefined, 'plain', ''],
  ] as const)('%j | yen: %j (%s) → %j', (value, style, flavor, expected) => {
    expect(formatYen(value, style, flavor)).toBe(expected);
  });

  it.each(['abc', '', '12.3.4', Infinity, NaN, true, {}, '1'.repeat(400)])('refuses %j', (value) => {
    expect(() => formatYen(value, undefined, 'plain')).toThrow(FilterInputError);
  });

  it('refuses a style it does not know', () => {
    expect(() => formatYen(1, 'dollars', 'plain')).toThrow(/unknown style "dollars"/);
  });
});

describe('date_ja', () => {
  it.each([
    ['2026-11-30', undefined, '2026年11月30日(月)'],
    ['2026/1/5', undefined, '2026年1月5日(月)'],
    ['2026-11-30', 'short', '11月30日(月)'],
    ['2026-11-30', 'wareki', '令和8年11月30日(月)'],
    ['2019-05-01', 'wareki', '令和元年5月1日(水)'],
    ['2019-04-30', 'wareki', '平成31年4月30日(火)'],
    ['2026-11-30', 'datetime', '2026年11月30日(月)'],
    // A time with an offset is shown in Japan time: 15:30 UTC is 00:30 the next day in Tokyo.
    ['2026-11-29T15:30:00Z', undefined, '2026年11月30日(月)'],
    ['2026-11-29T15:30:00Z', 'datetime', '2026年11月30日(月) 00:30'],
    ['2026-11-30T09:05:00+09:00', 'datetime', '2026年11月30日(月) 09:05'],
    ['2026-11-30T09:05', 'datetime', '2026年11月30日(月) 09:05'],
    [Date.parse('2026-11-30T09:05:00+09:00'), 'datetime', '2026年11月30日(月) 09:05'],
    [null, undefined, ''],
  ] as const)('%j | date_ja: %j → %j', (value, style, expected) => {
    expect(formatDateJa(value, style)).toBe(expected);
  });

  it.each(['2026-02-30', '2026-13-01', 'tomorrow', '', 1e20, {}, '2026-11-30T25:00'])(
    'refuses %j',
    (value) => {
      expect(() => formatDateJa(value, undefined)).toThrow(FilterInputError);
    },
  );
});

describe('mask', () => {
  it.each([
    ['4111111111111234', undefined, '**** **** **** 1234'],
    ['4111-1111-1111-1234', undefined, '**** **** **** 1234'],
    ['３７８２８２２４６３１０００５', undefined, '**** **** **** 0005'],
    ['1234567', 'account', '***4567'],
    ['1234567', undefined, '***4567'],
    [1234567, 'account', '***4567'],
    ['4111111111111234', 'account', '************1234'],
    ['1234', undefined, '****'],
    ['12', 'account', '**'],
    [null, undefined, ''],
  ] as const)('%j | mask: %j → %j', (value, style, expected) => {
    expect(maskNumber(value, style)).toBe(expected);
  });

  it('never shows more than the last four digits', () => {
    for (let n = 1; n <= 20; n++) {
      const digits = '9'.repeat(n);
      expect(maskNumber(digits, undefined).replace(/\D/g, '').length).toBeLessThanOrEqual(Math.min(4, n - 1));
    }
  });

  it('refuses a value without digits', () => {
    expect(() => maskNumber('abcd', undefined)).toThrow(FilterInputError);
  });
});
