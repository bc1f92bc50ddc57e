import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gcraTake, intervalForLimit } from './gcra.js';

describe('GCRA', () => {
  it('grants a burst at once, then spaces requests by the interval', () => {
    let g = gcraTake(0, 1000, 100, 10, 50);
    expect(g.granted).toBe(6); // now, +10, … +50
    g = gcraTake(g.tat, 1000, 1, 10, 50);
    expect(g).toMatchObject({ granted: 0, retryAfterMs: 10 });
    g = gcraTake(g.tat, 1010, 5, 10, 50);
    expect(g.granted).toBe(1);
  });

  it('never lets a one-second window hold more than the limit, under any pattern of asks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 60 })), {
          minLength: 1,
          maxLength: 400,
        }),
        (asks) => {
          const limit = 200;
          const burst = 20;
          const interval = intervalForLimit(limit, burst, 0);
          let tat = 0;
          let now = 0;
          const grants: number[] = [];
          for (const [gap, want] of asks) {
            now += gap;
            const g = gcraTake(tat, now, want, interval, burst);
            tat = g.tat;
            for (let i = 0; i < g.granted; i++) grants.push(now);
          }
          for (let i = limit; i < grants.length; i++)
            expect(grants[i]! - grants[i - limit]!).toBeGreaterThanOrEqual(1000);
        },
      ),
    );
  });

  it('sustains the rate it was set for', () => {
    const interval = intervalForLimit(2000, 20, 10);
    let tat = 0;
    let granted = 0;
    for (let now = 0; now < 10_000; now += 5) {
      const g = gcraTake(tat, now, 1000, interval, 20);
      tat = g.tat;
      granted += g.granted;
    }
    expect(granted / 10).toBeGreaterThan(2000 * 0.96);
    expect(granted / 10).toBeLessThanOrEqual(2000);
  });
});
