/** The q-quantile (0..1) of some values, nearest-rank; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function maxOf(values: readonly number[]): number {
  return values.reduce((m, v) => (v > m ? v : m), Number.NEGATIVE_INFINITY);
}

/**
 * The most events inside any window of `windowMs`, i.e. the largest j - i + 1 with t[j] - t[i] < windowMs,
 * over timestamps sorted ascending. With whole-millisecond stamps, pass windowMs + 1 for the bound that also
 * counts pairs whose true gap may have been a fraction under the window.
 */
export function maxInWindow(sortedTimes: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < sortedTimes.length; end++) {
    while (sortedTimes[end]! - sortedTimes[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Events per second between the first and the last timestamp (ms). */
export function sustainedRate(sortedTimes: readonly number[]): number {
  if (sortedTimes.length < 2) return Number.NaN;
  const spanMs = sortedTimes[sortedTimes.length - 1]! - sortedTimes[0]!;
  return ((sortedTimes.length - 1) * 1000) / spanMs;
}
