/** One reading of a process's memory, from its /metrics. */
export interface MemorySample {
  /** ms since the soak started. */
  at: number;
  heapUsedBytes: number;
  rssBytes: number;
}

export interface Growth {
  /** Median over the first window after warm-up. */
  baseline: number;
  /** Median over the last window. */
  final: number;
  /** (final - baseline) / baseline, in percent. */
  percent: number;
  samples: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * How much `pick` of the samples grew from just after warm-up to the end. Each end is the median over a window (a
 * fifth of what follows warm-up, at least one sample), so one reading taken just before or after a collection
 * does not decide the result. NaN when there are too few samples after warm-up.
 */
export function growthAfterWarmup(
  samples: readonly MemorySample[],
  warmupMs: number,
  pick: (s: MemorySample) => number,
): Growth {
  const after = samples.filter((s) => s.at >= warmupMs);
  if (after.length < 2) return { baseline: NaN, final: NaN, percent: NaN, samples: after.length };
  const window = Math.max(1, Math.floor(after.length / 5));
  const baseline = median(after.slice(0, window).map(pick));
  const final = median(after.slice(-window).map(pick));
  return { baseline, final, percent: ((final - baseline) / baseline) * 100, samples: after.length };
}

/** Heap used and RSS from a Prometheus text page with todoke's default process metrics (prefix `todoke_`). */
export function parseMemory(metricsText: string): { heapUsedBytes: number; rssBytes: number } | null {
  const heap = /^todoke_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)$/m.exec(metricsText);
  const rss = /^todoke_process_resident_memory_bytes (\d+(?:\.\d+)?)$/m.exec(metricsText);
  if (!heap || !rss) return null;
  return { heapUsedBytes: Number(heap[1]), rssBytes: Number(rss[1]) };
}
