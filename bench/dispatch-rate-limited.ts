import diagnostics from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { readArrivals } from '../test/support/todoke-client.js';
import { dispatchThroughEngine } from './support/engine-dispatch.js';
import { row, type BenchmarkOutcome } from './support/results.js';
import { maxInWindow, sustainedRate } from './support/stats.js';

const COUNT = 30_000;
const RATE = 2_000;
const CONCURRENCY = 128;
const LIMIT_MS = 120_000;

/**
 * When each request reached the emulator, in ms, oldest first: from the request log of the emulator process, taken
 * when the request arrives, before any routing.
 */
async function arrivals(controlUrl: string, count: number): Promise<number[]> {
  let times = await readArrivals(controlUrl, 'line');
  for (let tries = 0; times.length < count && tries < 50; tries++) {
    await sleep(200);
    times = await readArrivals(controlUrl, 'line');
  }
  return [...times].sort((a, b) => a - b);
}

/**
 * 30,000 queued messages through an account limited to 2,000 requests/s: the rate the emulator saw, sustained over
 * the run, and the busiest one-second window, both from the emulator's own arrival times. The emulator runs in a
 * process of its own, as the provider does: in the engine's process its requests were handled in bunches whenever
 * the shared event loop was busy, which counted more arrivals in a window than were sent in it.
 */
export async function rateLimitedDispatchBenchmark(): Promise<BenchmarkOutcome> {
  // When the engine wrote each request to the emulator, from undici's own event (before the first byte leaves).
  const written: number[] = [];
  const onWrite = (message: unknown) => {
    const { request } = message as { request: { path: string } };
    if (request.path.endsWith('/bot/pnp/push')) written.push(performance.timeOrigin + performance.now());
  };
  diagnostics.subscribe('undici:client:sendHeaders', onWrite);

  const run = await dispatchThroughEngine(
    {
      name: 'rate-limit',
      count: COUNT,
      rateLimit: RATE,
      concurrency: CONCURRENCY,
      limitMs: LIMIT_MS,
      sandboxProcess: true,
    },
    (stack) => arrivals(stack.controlUrl!, COUNT),
  );
  diagnostics.unsubscribe('undici:client:sendHeaders', onWrite);

  const times = run.inspected ?? [];
  written.sort((a, b) => a - b);
  const busiestWritten = maxInWindow(written, 1000);
  const rate = sustainedRate(times);
  // The strict count, and the bound that also counts gaps of exactly 1,000 ms.
  const busiest = maxInWindow(times, 1000);
  const busiestBound = maxInWindow(times, 1001);
  const complete = run.done && times.length === COUNT;
  return {
    rows: [
      row({
        name: 'dispatch at 2,000/s: sustained rate',
        unit: 'req/s',
        measured: rate,
        ceiling: RATE,
        ceilingIs: 'account limit',
        target: 'ratio >= 0.97',
        pass: complete && rate >= 0.97 * RATE,
      }),
      row({
        name: 'dispatch at 2,000/s: busiest 1 s window',
        unit: 'req',
        measured: busiest,
        ceiling: RATE,
        ceilingIs: 'account limit',
        target: '<= 2,000',
        pass: complete && busiest <= RATE,
      }),
    ],
    notes: [
      `${times.length.toLocaleString('en-US')} requests reached the emulator over ${((times.at(-1)! - times[0]!) / 1000).toFixed(2)} s: ${rate.toFixed(0)} req/s sustained`,
      `busiest 1 s window: ${busiest} requests (${busiestBound} counting gaps of exactly 1,000 ms)`,
      `as written by the engine: ${written.length.toLocaleString('en-US')} requests, busiest 1 s window ${busiestWritten}`,
      ...(rate < 0.9 * RATE
        ? ['the engine stayed well under the limit, so the window count does not test the limiter here']
        : []),
      `engine: ${run.done ? 'all' : 'NOT all'} attempts taken in ${(run.elapsedMs / 1000).toFixed(1)} s; attempts by status ${JSON.stringify(run.statuses)}`,
    ],
    details: {
      count: COUNT,
      rateLimit: RATE,
      concurrency: CONCURRENCY,
      arrivals: times.length,
      spanMs: times.length > 1 ? times[times.length - 1]! - times[0]! : null,
      sustainedRate: rate,
      busiestWindow: busiest,
      busiestWindowCountingExactly1000ms: busiestBound,
      busiestWindowAsWritten: busiestWritten,
      engine: { done: run.done, elapsedMs: run.elapsedMs, perSecond: run.perSecond, statuses: run.statuses },
    },
  };
}
