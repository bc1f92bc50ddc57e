import { describe, expect, it } from 'vitest';
import { Throughput } from './throughput.js';

describe('Throughput', () => {
  it('knows nothing until a bucket is complete, then averages the complete buckets', () => {
    let now = 0;
    const t = new Throughput(() => now, 5_000, 10);
    t.add(50);
    expect(t.perSecond()).toBeNull();
    now = 500;
    expect(t.perSecond()).toBe(100); // 50 in the first half second
    t.add(10);
    now = 1_000;
    expect(t.perSecond()).toBe(60); // 50 + 10 over one second
  });

  it('forgets what finished before the window', () => {
    let now = 0;
    const t = new Throughput(() => now, 5_000, 10);
    t.add(1_000);
    now = 500;
    t.add(10);
    now = 10_000;
    expect(t.perSecond()).toBe(0);
    t.add(45);
    now = 10_500;
    expect(t.perSecond()).toBeCloseTo(45 / 4.5, 6);
  });
});
