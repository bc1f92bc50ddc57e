import { describe, expect, it } from 'vitest';
import { gcraTake, intervalForLimit } from '../core/gcra.js';
import { AccountLimiter, LimiterClosedError } from './account-limiter.js';

/** Takes a slot and sends at once, recording the send time. */
const sendVia = (limiter: AccountLimiter, sends: number[], priority: 'realtime' | 'bulk' = 'bulk') =>
  limiter.acquire(priority).then(async (slot) => {
    await slot.ready();
    slot.written();
    sends.push(performance.now());
    slot.release();
  });

function maxPerSecond(sends: number[], limit: number): void {
  const sorted = [...sends].sort((a, b) => a - b);
  for (let i = limit; i < sorted.length; i++)
    expect(sorted[i]! - sorted[i - limit]!).toBeGreaterThanOrEqual(1000);
}

describe('AccountLimiter', () => {
  it('never sends more than the rate in any one-second window, and keeps close to it', async () => {
    const limiter = new AccountLimiter(200, 1000);
    const sends: number[] = [];
    const start = performance.now();
    await Promise.all(Array.from({ length: 500 }, () => sendVia(limiter, sends)));
    maxPerSecond(sends, 200);
    // 500 sends paced at 98.5% of 200/s: about 2.5 s.
    expect(performance.now() - start).toBeLessThan(3200);
  });

  it('holds the cap at the moment of sending even when requests are prepared at uneven speed', async () => {
    const limiter = new AccountLimiter(100, 1000);
    const sends: number[] = [];
    await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        limiter.acquire('bulk').then(async (slot) => {
          // The "sending" record takes 0–30 ms to commit before the request may leave.
          await new Promise((r) => setTimeout(r, (i * 7) % 31));
          await slot.ready();
          slot.written();
          sends.push(performance.now());
          slot.release();
        }),
      ),
    );
    maxPerSecond(sends, 100);
  });

  it('counts a request when it is written, however long after its grant that is', async () => {
    // A second's worth of requests granted at once and written 30 ms later (granted requests resume
    // one after another behind a busy event loop). Counted at the grant, the next second's first requests would
    // share a one-second window of writes with the late ones of this second.
    const limiter = new AccountLimiter(50, 1000);
    const slots = await Promise.all(Array.from({ length: 70 }, () => limiter.acquire('bulk')));
    const written: number[] = [];
    await Promise.all(
      slots.map(async (slot, i) => {
        await slot.ready();
        await new Promise((r) => setTimeout(r, i < 50 ? 30 : 0));
        slot.written();
        written.push(performance.now());
        slot.release();
      }),
    );
    maxPerSecond(written, 50);
  });

  it('counts a granted request that never leaves as sent when it is released', async () => {
    const limiter = new AccountLimiter(2, 10);
    const [first, second, third] = await Promise.all([0, 1, 2].map(() => limiter.acquire('bulk')));
    await first!.ready();
    first!.release(); // not sent (the engine stopped), but it may have been: it counts
    const releasedAt = performance.now();
    await second!.ready();
    second!.written();
    second!.release();
    await third!.ready();
    // The third request of the window had to wait for the first one's second to pass.
    expect(performance.now() - releasedAt).toBeGreaterThanOrEqual(1000);
  });

  it('caps requests in flight and lets the next go when one is released', async () => {
    const limiter = new AccountLimiter(10_000, 2);
    const slots = await Promise.all([0, 1, 2].map(() => limiter.acquire('bulk')));
    await slots[0]!.ready();
    await slots[1]!.ready();
    let third = false;
    const pending = slots[2]!.ready().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    slots[0]!.release();
    await pending;
    expect(third).toBe(true);
  });

  it('serves realtime requests before bulk ones', async () => {
    const limiter = new AccountLimiter(10_000, 1);
    const first = await limiter.acquire('bulk');
    await first.ready();
    const order: string[] = [];
    const go = (priority: 'realtime' | 'bulk') =>
      limiter.acquire(priority).then(async (slot) => {
        await slot.ready();
        order.push(priority);
        slot.release();
      });
    const bulk = go('bulk');
    const realtime = go('realtime');
    await new Promise((r) => setTimeout(r, 10));
    first.release();
    await Promise.all([bulk, realtime]);
    expect(order).toEqual(['realtime', 'bulk']);
  });

  it('rejects waiters when closed', async () => {
    const limiter = new AccountLimiter(10_000, 1);
    await (await limiter.acquire('bulk')).ready();
    const waiting = (await limiter.acquire('bulk')).ready();
    limiter.close();
    await expect(waiting).rejects.toBeInstanceOf(LimiterClosedError);
    await expect(limiter.acquire('bulk')).rejects.toBeInstanceOf(LimiterClosedError);
  });
});

describe('AccountLimiter with a shared (cluster-wide) limit', () => {
  it('keeps three limiters sharing one GCRA under the limit in every one-second window, near the limit overall', async () => {
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
      limiters.flatMap((limiter) => Array.from({ length: 300 }, () => sendVia(limiter, sends))),
    );
    const elapsed = (performance.now() - start) / 1000;
    maxPerSecond(sends, limit);
    // Not starved by the sharing (grants answered too late lapse, so a busy machine costs rate, never safety).
    expect(900 / elapsed).toBeGreaterThan(limit * 0.7);
  });

  it('sends a shared grant within its time to use, counted from the asking: a slow answer shortens it', async () => {
    const useWithinMs = 20;
    const interval = intervalForLimit(100, 5, useWithinMs);
    let tat = 0;
    let calls = 0;
    const grants: { at: number; granted: number }[] = [];
    const source = {
      useWithinMs,
      async take(want: number) {
        const g = gcraTake(tat, performance.now(), want, interval, 5);
        tat = g.tat;
        grants.push({ at: performance.now(), granted: g.granted });
        // The first answer takes longer than the time to use; the others come back at once.
        await new Promise((r) => setTimeout(r, calls++ === 0 ? 3 * useWithinMs : 1));
        return { granted: g.granted, retryAfterMs: g.retryAfterMs };
      },
    };
    const limiter = new AccountLimiter(100, 10, undefined, source);
    const sends: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => sendVia(limiter, sends)));
    expect(grants[0]!.granted).toBeGreaterThan(0);
    // The late grant lapsed unused (the limit counted it); every send used a grant heard back in time.
    const granted = grants.reduce((n, g) => n + g.granted, 0);
    expect(granted).toBe(sends.length + grants[0]!.granted);
  });

  it('admits no more than a tenth of a second of the limit beyond what the shared limit lets out', async () => {
    // This engine's share of the cluster limit is a third of its own rate: admissions must follow the share,
    // not pile up as attempts recorded "sending" that wait past their lease.
    const rate = 300;
    const interval = intervalForLimit(rate / 3, 5, 10);
    let tat = 0;
    const source = {
      useWithinMs: 10,
      async take(want: number) {
        await new Promise((r) => setTimeout(r, 1));
        const g = gcraTake(tat, performance.now(), want, interval, 5);
        tat = g.tat;
        return { granted: g.granted, retryAfterMs: g.retryAfterMs };
      },
    };
    const limiter = new AccountLimiter(rate, 1000, undefined, source);
    let admitted = 0;
    let sent = 0;
    let mostWaiting = 0;
    await Promise.all(
      Array.from({ length: 150 }, () =>
        limiter.acquire('bulk').then(async (slot) => {
          admitted += 1;
          mostWaiting = Math.max(mostWaiting, admitted - sent);
          await slot.ready();
          sent += 1;
          slot.release();
        }),
      ),
    );
    expect(sent).toBe(150);
    // At most 30 queued at the hard limit (0.1 s of 300/s), plus the few admitted in the same turn.
    expect(mostWaiting).toBeLessThanOrEqual(36);
  });
});
