const JST_OFFSET_MS = 9 * 3_600_000;

/** The first instant of the next calendar month in Japan (UTC+9, no daylight saving): when LINE monthly limits reset. */
export function startOfNextMonthJst(now: number): number {
  const jst = new Date(now + JST_OFFSET_MS);
  return Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth() + 1, 1) - JST_OFFSET_MS;
}

/** The first instant of the current calendar month in Japan: monthly volumes (price tiers) count from here. */
export function startOfMonthJst(now: number): number {
  const jst = new Date(now + JST_OFFSET_MS);
  return Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), 1) - JST_OFFSET_MS;
}
