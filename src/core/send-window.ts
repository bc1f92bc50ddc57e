import holidayJp from '@holiday-jp/holiday_jp';

/**
 * The hours a purpose may reach people, on the recipient's wall clock. `end` at or before `start` means the
 * window runs across midnight (20:00–02:00 opens on one day and closes on the next); `start` equal to `end` is
 * a whole day. One opening of the window belongs to the day it opens: that day decides whether it is a holiday.
 */
export interface SendWindow {
  /** Opening time, `HH:MM` on a 24-hour clock. */
  start: string;
  /** Closing time (exclusive), `HH:MM`; `24:00` closes at midnight. */
  end: string;
  /** Skip openings that fall on a Japanese public holiday (振替休日 and 国民の休日 included). */
  skipHolidays: boolean;
}

/** Whether a calendar day (`YYYY-MM-DD`) is a day off. */
export type HolidayCalendar = (date: string) => boolean;

/** Recipients are in Japan unless a message says otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

const holidays = holidayJp.holidays as Readonly<Record<string, unknown>>;

/** Japanese public holidays, from @holiday-jp/holiday_jp (maintained from the Cabinet Office's list). */
export const japaneseHolidays: HolidayCalendar = (date) => Object.hasOwn(holidays, date);

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes since midnight of `HH:MM`, or null when it is not a time of day (`24:00` is 1440). */
export function parseTimeOfDay(text: string): number | null {
  const match = TIME_OF_DAY.exec(text);
  if (!match) return null;
  return match[1] === undefined ? 1440 : Number(match[1]) * 60 + Number(match[2]);
}

/** Whether `timeZone` is an IANA zone this runtime knows (`Asia/Tokyo`, `America/New_York`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The earliest instant at or after `at` (ms since the epoch) at which the window is open in `timeZone`: `at`
 * itself when it is open then. Openings on holidays are skipped when the window says so, using `holidays`
 * (default: Japanese public holidays). Wall times a DST change skips open at the change; `Infinity` when the
 * window does not open within a year (every day a holiday).
 */
export function nextOpening(
  window: SendWindow,
  timeZone: string,
  at: number,
  holidays: HolidayCalendar = japaneseHolidays,
): number {
  const start = parseTimeOfDay(window.start);
  const end = parseTimeOfDay(window.end);
  if (start === null || start === 1440 || end === null) {
    throw new RangeError(`invalid send window ${window.start}–${window.end}`);
  }
  const crossesMidnight = end <= start;
  const today = wallClock(at, timeZone);
  // Yesterday's opening may still be open after midnight; a year ahead covers any run of holidays.
  for (let day = -1; day <= 366; day++) {
    const opens = Date.UTC(today.year, today.month - 1, today.day + day);
    if (window.skipHolidays && holidays(isoDate(opens))) continue;
    const openAt = instantOf(opens, start, timeZone);
    const closeAt = instantOf(crossesMidnight ? opens + 86_400_000 : opens, end, timeZone);
    if (at < openAt) return openAt;
    if (at < closeAt) return at;
  }
  return Number.POSITIVE_INFINITY;
}

/** Whether the window is open at `at`. */
export function isWindowOpen(
  window: SendWindow,
  timeZone: string,
  at: number,
  holidays?: HolidayCalendar,
): boolean {
  return nextOpening(window, timeZone, at, holidays) === at;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formatters are slow to make and safe to share: one per zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(at: number, timeZone: string): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type in wall) wall[part.type as keyof WallClock] = Number(part.value);
  }
  return wall;
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms. */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * The instant the wall clock in `timeZone` reads `minute` minutes after midnight of the UTC-midnight `date`.
 * A wall time that occurs twice (clocks set back) is its first occurrence; one that never occurs (clocks set
 * forward) is the instant of the change, the first instant whose wall time is later.
 */
function instantOf(date: number, minute: number, timeZone: string): number {
  const wall = date + minute * 60_000;
  // No zone changes its offset twice within two days, so the offsets a day either side are the two candidates.
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  const early = wall - Math.max(before, after);
  const late = wall - Math.min(before, after);
  if (offsetAt(early, timeZone) === Math.max(before, after)) return early;
  if (offsetAt(late, timeZone) === Math.min(before, after)) return late;
  // A gap: find the change between the two readings, to the minute (zones change on whole minutes).
  let lo = Math.min(early, late);
  let hi = Math.max(early, late);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (offsetAt(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

function isoDate(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}
