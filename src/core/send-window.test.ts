import { describe, expect, it } from 'vitest';
import {
  isTimeZone,
  isWindowOpen,
  japaneseHolidays,
  nextOpening,
  parseTimeOfDay,
  type SendWindow,
} from './send-window.js';

const daytime: SendWindow = { start: '08:00', end: '21:00', skipHolidays: false };
const overnight: SendWindow = { start: '20:00', end: '02:00', skipHolidays: false };
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('nextOpening in Tokyo (UTC+9 all year, no DST)', () => {
  it.each([
    ['inside the window: now', daytime, '2026-11-24T12:00:00+09:00', '2026-11-24T12:00:00+09:00'],
    ['at the opening minute: now', daytime, '2026-11-24T08:00:00+09:00', '2026-11-24T08:00:00+09:00'],
    ['before opening: 08:00 today', daytime, '2026-11-24T07:59:59+09:00', '2026-11-24T08:00:00+09:00'],
    ['at closing: 08:00 tomorrow', daytime, '2026-11-24T21:00:00+09:00', '2026-11-25T08:00:00+09:00'],
    ['late evening: 08:00 tomorrow', daytime, '2026-11-24T23:30:00+09:00', '2026-11-25T08:00:00+09:00'],
    ['just after midnight: 08:00 today', daytime, '2026-11-25T00:10:00+09:00', '2026-11-25T08:00:00+09:00'],
    ['month end rolls over', daytime, '2026-11-30T22:00:00+09:00', '2026-12-01T08:00:00+09:00'],
    ['year end rolls over', daytime, '2026-12-31T22:00:00+09:00', '2027-01-01T08:00:00+09:00'],
    ['across midnight, evening: now', overnight, '2026-11-24T23:00:00+09:00', '2026-11-24T23:00:00+09:00'],
    ['across midnight, after 0:00: now', overnight, '2026-11-25T01:59:00+09:00', '2026-11-25T01:59:00+09:00'],
    [
      'across midnight, at closing: 20:00',
      overnight,
      '2026-11-25T02:00:00+09:00',
      '2026-11-25T20:00:00+09:00',
    ],
    ['across midnight, midday: 20:00', overnight, '2026-11-25T12:00:00+09:00', '2026-11-25T20:00:00+09:00'],
  ])('%s', (_name, window, now, expected) => {
    expect(iso(nextOpening(window, 'Asia/Tokyo', at(now)))).toBe(iso(at(expected)));
  });

  it('treats equal start and end as open all day, and 24:00 as midnight', () => {
    const allDay = { start: '00:00', end: '00:00', skipHolidays: false };
    expect(isWindowOpen(allDay, 'Asia/Tokyo', at('2026-11-24T03:00:00+09:00'))).toBe(true);
    const untilMidnight = { start: '08:00', end: '24:00', skipHolidays: false };
    expect(isWindowOpen(untilMidnight, 'Asia/Tokyo', at('2026-11-24T23:59:59+09:00'))).toBe(true);
    expect(iso(nextOpening(untilMidnight, 'Asia/Tokyo', at('2026-11-25T00:00:00+09:00')))).toBe(
      iso(at('2026-11-25T08:00:00+09:00')),
    );
  });
});

describe('nextOpening skipping Japanese public holidays', () => {
  const reminders: SendWindow = { ...daytime, skipHolidays: true };

  it.each([
    // 2026-11-23 (Mon) is 勤労感謝の日.
    ['the evening before a holiday waits past it', '2026-11-22T22:00:00+09:00', '2026-11-24T08:00:00+09:00'],
    ['midday on a holiday waits for the next day', '2026-11-23T12:00:00+09:00', '2026-11-24T08:00:00+09:00'],
    // Golden Week 2026: 5/3 (Sun), 5/4, 5/5, 5/6 (振替休日).
    ['Golden Week is skipped whole', '2026-05-02T22:00:00+09:00', '2026-05-07T08:00:00+09:00'],
    // New Year's Day 2027 (Fri).
    ['New Year’s Day is skipped', '2026-12-31T21:30:00+09:00', '2027-01-02T08:00:00+09:00'],
    ['an ordinary Sunday is not a holiday', '2026-11-29T12:00:00+09:00', '2026-11-29T12:00:00+09:00'],
  ])('%s', (_name, now, expected) => {
    expect(iso(nextOpening(reminders, 'Asia/Tokyo', at(now)))).toBe(iso(at(expected)));
  });

  it('gives an opening across midnight to the day it opens', () => {
    const nights = { ...overnight, skipHolidays: true };
    // Opened on 11-22 (not a holiday): still open at 01:00 on the holiday.
    expect(isWindowOpen(nights, 'Asia/Tokyo', at('2026-11-23T01:00:00+09:00'))).toBe(true);
    // The opening of the holiday evening is skipped.
    expect(iso(nextOpening(nights, 'Asia/Tokyo', at('2026-11-23T20:30:00+09:00')))).toBe(
      iso(at('2026-11-24T20:00:00+09:00')),
    );
  });

  it('skips nothing when the window does not ask to', () => {
    expect(isWindowOpen(daytime, 'Asia/Tokyo', at('2026-11-23T12:00:00+09:00'))).toBe(true);
  });

  it('takes another calendar when given one, and says Infinity when it never opens', () => {
    const weekdaysOff = (date: string) => date === '2026-11-24';
    expect(iso(nextOpening(reminders, 'Asia/Tokyo', at('2026-11-24T09:00:00+09:00'), weekdaysOff))).toBe(
      iso(at('2026-11-25T08:00:00+09:00')),
    );
    expect(nextOpening(reminders, 'Asia/Tokyo', at('2026-11-24T09:00:00+09:00'), () => true)).toBe(Infinity);
  });

  it('knows the holidays of the package', () => {
    expect(japaneseHolidays('2026-11-23')).toBe(true);
    expect(japaneseHolidays('2026-05-06')).toBe(true);
    expect(japaneseHolidays('2026-11-24')).toBe(false);
  });
});

describe('nextOpening in a zone with daylight saving time (America/New_York)', () => {
  const ny = 'America/New_York';
  it.each([
    // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT.
    ['before the spring change, 08:00 is EDT', daytime, '2026-03-08T06:00:00Z', '2026-03-08T08:00:00-04:00'],
    [
      'the evening before it, 08:00 is EDT',
      daytime,
      '2026-03-07T23:00:00-05:00',
      '2026-03-08T08:00:00-04:00',
    ],
    // 2026-11-01: clocks go from 02:00 EDT back to 01:00 EST.
    ['before the autumn change, 08:00 is EST', daytime, '2026-11-01T05:00:00Z', '2026-11-01T08:00:00-05:00'],
    [
      '21:00 closes on EST after the change',
      daytime,
      '2026-11-01T20:59:00-05:00',
      '2026-11-01T20:59:00-05:00',
    ],
  ])('%s', (_name, window, now, expected) => {
    expect(iso(nextOpening(window, ny, at(now)))).toBe(iso(at(expected)));
  });

  it('opens at the change when the opening wall time is skipped (02:30 on the spring day)', () => {
    const early = { start: '02:30', end: '05:00', skipHolidays: false };
    expect(iso(nextOpening(early, ny, at('2026-03-08T01:00:00-05:00')))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('opens at the first 01:30 when the wall time happens twice (autumn day)', () => {
    const night = { start: '01:30', end: '05:00', skipHolidays: false };
    expect(iso(nextOpening(night, ny, at('2026-11-01T00:00:00-04:00')))).toBe(
      iso(at('2026-11-01T01:30:00-04:00')),
    );
  });

  it('differs from Tokyo by 14 hours in winter and 13 in summer', () => {
    const tokyoOpen = nextOpening(daytime, 'Asia/Tokyo', at('2026-01-15T00:00:00+09:00'));
    const nyOpen = nextOpening(daytime, ny, at('2026-01-15T00:00:00-05:00'));
    expect(nyOpen - tokyoOpen).toBe(14 * 3_600_000);
    const tokyoJuly = nextOpening(daytime, 'Asia/Tokyo', at('2026-07-15T00:00:00+09:00'));
    const nyJuly = nextOpening(daytime, ny, at('2026-07-15T00:00:00-04:00'));
    expect(nyJuly - tokyoJuly).toBe(13 * 3_600_000);
  });
});

describe('window settings', () => {
  it.each([
    ['08:00', 480],
    ['00:00', 0],
    ['23:59', 1439],
    ['24:00', 1440],
    ['8:00', null],
    ['24:01', null],
    ['12:60', null],
    ['noon', null],
  ])('parses %j as %j', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });

  it('rejects a window that cannot be read', () => {
    expect(() => nextOpening({ start: '24:00', end: '08:00', skipHolidays: false }, 'Asia/Tokyo', 0)).toThrow(
      RangeError,
    );
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Asia/Tokyo')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
