import { describe, expect, it } from 'vitest';
import { AccountLimiter, LimiterClosedError } from './account-limiter.js';

describe('AccountLimiter', () => {
  it('never grants more than the rate in any one-second window, and keeps close to it', async () => {
    const limiter = new AccountLimiter(200, 1000);
    const grants: number[] = [];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 500 }, () =>
        limiter.acquire('bulk').then((release) => {
          grants.push(performance.now());
          release();
        }),
      ),
    );
    for (let i = 200; i < grants.length; i++)
      expect(grants[i]! - grants[i - 200]!).toBeGreaterThanOrEqual(1000);
    // 500 grants at 200/s: the first second's 200 and then paced; about 2.5 s in all.
    expect(performance.now() - start).toBeLessThan(3200);
  });

  it('caps requests in flight and admits the next when one is released', async () => {
    const limiter = new AccountLimiter(10_000, 2);
    const a = await limiter.acquire('bulk');
    await limiter.acquire('bulk');
    let third = false;
    const pending = limiter.acquire('bulk').then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    a();
    await pending;
    expect(third).toBe(true);
  });

  it('serves realtime waiters before bulk ones', async () => {
    const limiter = new AccountLimiter(10_000, 1);
    const first = await limiter.acquire('bulk');
    const order: string[] = [];
    const bulk = limiter.acquire('bulk').then((r) => (order.push('bulk'), r()));
    const realtime = limiter.acquire('realtime').then((r) => (order.push('realtime'), r()));
    first();
    await Promise.all([bulk, realtime]);
    expect(order).toEqual(['realtime', 'bulk']);
  });

  it('rejects waiters when closed', async () => {
    const limiter = new AccountLimiter(10_000, 1);
    await limiter.acquire('bulk');
    const waiting = limiter.acquire('bulk');
    limiter.close();
    await expect(waiting).rejects.toBeInstanceOf(LimiterClosedError);
  });
});

describe('AccountLimiter with a shared (cluster-wide) limit', () => {
  it('keeps three limiters sharing one GCRA under the limit in every one-second window, near the limit overall', async () => {
    const { gcraTake, intervalForLimit } = await import('../core/gcra.js');
    const limit = 300;
    const burstMs = 20;
    const jitterMs = 10;
    const interval = intervalForLimit(limit, burstMs, jitterMs);
    let tat = 0;
    const source = {
      useWithinMs: jitterMs,
      async take(want: number) {
        await new Promise((r) => setTimeout(r, 1)); // a database round trip
        const g = gcraTake(tat, performance.now(), want, interval, burstMs);
        tat = g.tat;
        return { granted: g.granted, retryAfterMs: g.retryAfterMs };
      },
    };
    const limiters = [0, 1, 2].map(() => new AccountLimiter(limit, 50, undefined, source));
    const sends: number[] = [];
    const start = performance.now();
    await Promise.all(
      limiters.flatMap((limiter) =>
        Array.from({ length: 300 }, () =>
          limiter.acquire('bulk').then((release) => {
            sends.push(performance.now());
            release();
          }),
        ),
      ),
    );
    const elapsed = (performance.now() - start) / 1000;
    sends.sort((a, b) => a - b);
    for (let i = limit; i < sends.length; i++)
      expect(sends[i]! - sends[i - limit]!).toBeGreaterThanOrEqual(1000);
    expect(900 / elapsed).toBeGreaterThan(limit * 0.85);
  });
});
