import { describe, expect, it } from 'vitest';
import { growthAfterWarmup, parseMemory, type MemorySample } from './memory-growth.js';

const sample = (at: number, heap: number): MemorySample => ({ at, heapUsedBytes: heap, rssBytes: heap * 2 });

describe('growthAfterWarmup', () => {
  it('ignores warm-up and compares the median of the first window after it with the median of the last', () => {
    // Warm-up climbs from 10 to 50; afterwards the heap saws between 100 and 120, then between 110 and 130.
    const samples = [
      sample(0, 10),
      sample(1, 50),
      ...[100, 120, 100, 120, 100].map((h, i) => sample(10 + i, h)),
      ...[110, 130, 110, 130, 110].map((h, i) => sample(20 + i, h)),
    ];
    const heap = growthAfterWarmup(samples, 10, (s) => s.heapUsedBytes);
    expect(heap.samples).toBe(10);
    expect(heap.baseline).toBe(110);
    expect(heap.final).toBe(120);
    expect(heap.percent).toBeCloseTo((10 / 110) * 100);
  });

  it('says NaN when too few samples follow warm-up', () => {
    expect(growthAfterWarmup([sample(0, 1), sample(5, 2)], 5, (s) => s.rssBytes).percent).toBeNaN();
  });
});

describe('parseMemory', () => {
  it('reads heap used and RSS from the process metrics', () => {
    const text = [
      '# HELP todoke_process_resident_memory_bytes Resident memory size in bytes.',
      'todoke_process_resident_memory_bytes 123456768',
      'todoke_nodejs_heap_size_used_bytes 45678912.5',
      'todoke_nodejs_heap_size_total_bytes 99999999',
    ].join('\n');
    expect(parseMemory(text)).toEqual({ heapUsedBytes: 45678912.5, rssBytes: 123456768 });
    expect(parseMemory('todoke_queue_depth{status="sending"} 3')).toBeNull();
  });
});
