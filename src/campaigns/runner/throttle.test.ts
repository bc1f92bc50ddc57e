import { describe, expect, it } from 'vitest';
import { allowance, newBucket, refill, spend } from './throttle.js';

describe('campaign throttle', () => {
  it('allows the rate per minute over a minute of rounds, whatever the round length', () => {
    for (const roundMs of [250, 1_000, 3_000]) {
      let bucket = newBucket(600, roundMs, 0);
      let sent = 0;
      for (let t = 0; t < 60_000; t += roundMs) {
        bucket = refill(bucket, 600, roundMs, t);
        const n = allowance(bucket, 10_000);
        bucket = spend(bucket, n);
        sent += n;
      }
      expect(sent).toBeGreaterThanOrEqual(595);
      expect(sent).toBeLessThanOrEqual(600);
    }
  });

  it('paces slow campaigns: 30 a minute is one message every two seconds', () => {
    let bucket = newBucket(30, 1_000, 0);
    const sentAt: number[] = [];
    for (let t = 0; t <= 10_000; t += 1_000) {
      bucket = refill(bucket, 30, 1_000, t);
      const n = allowance(bucket, 100);
      bucket = spend(bucket, n);
      for (let i = 0; i < n; i++) sentAt.push(t);
    }
    expect(sentAt).toEqual([1_000, 3_000, 5_000, 7_000, 9_000]);
  });

  it('does not save up while idle: after a long pause at most two rounds go at once', () => {
    let bucket = newBucket(6_000, 1_000, 0);
    bucket = refill(bucket, 6_000, 1_000, 3_600_000);
    expect(allowance(bucket, 100_000)).toBe(200);
  });

  it('never exceeds the largest batch asked for', () => {
    const bucket = refill(newBucket(60_000, 1_000, 0), 60_000, 1_000, 1_000);
    expect(allowance(bucket, 500)).toBe(500);
  });
});
