import { startDispatchStack } from './support/dispatch-stack.js';
import { dispatchThroughEngine } from './support/engine-dispatch.js';
import { rawLinePush } from './support/raw-line-push.js';
import { row, type BenchmarkOutcome } from './support/results.js';

const COUNT = 100_000;
const CONCURRENCY = 128;
/** High enough never to hold the engine back. */
const UNLIMITED = 1_000_000;
const WARMUP_COUNT = 5_000;
const LIMIT_MS = 240_000;

function perSecond(run: { elapsedMs: number; perSecond: number }): string {
  return `${(run.elapsedMs / 1000).toFixed(1)} s (${Math.round(run.perSecond).toLocaleString('en-US')}/s)`;
}

/** The ceiling: the same emulator, todoke's API taking its delivery events, and a raw undici Pool instead of the engine. */
async function rawCeiling() {
  const stack = await startDispatchStack({
    name: 'dispatch-ceiling',
    rateLimit: UNLIMITED,
    concurrency: CONCURRENCY,
    engine: false,
  });
  try {
    await rawLinePush(stack.lineBaseUrl, WARMUP_COUNT, CONCURRENCY);
    return await rawLinePush(stack.lineBaseUrl, COUNT, CONCURRENCY);
  } finally {
    await stack.close();
  }
}

/**
 * 100,000 queued LINE notification messages dispatched by the engine to the LINE emulator (every number
 * delivered, account limit out of the way, 128 in flight), from engine start until every attempt is stored as
 * taken; against raw requests to the same emulator at the same concurrency, measured just before and just after
 * the engine's run. The ceiling is the mean of the two: this machine's speed drifts by 10–20 % within minutes, and
 * one measurement taken after the engine's run put the ratio anywhere from 0.38 to 0.54 over six runs of one hour.
 */
export async function dispatchBenchmark(): Promise<BenchmarkOutcome> {
  const options = { rateLimit: UNLIMITED, concurrency: CONCURRENCY, limitMs: LIMIT_MS };
  // The same paths on a small backlog first, so nothing timed runs cold.
  const warmup = await dispatchThroughEngine({ ...options, name: 'dispatch-warmup', count: WARMUP_COUNT });
  const before = await rawCeiling();
  const engine = await dispatchThroughEngine({ ...options, name: 'dispatch', count: COUNT });
  const after = await rawCeiling();
  const ceiling = {
    perSecond: (before.perSecond + after.perSecond) / 2,
    errors: before.errors + after.errors,
  };
  const measured = row({
    name: 'dispatch: 100,000 queued, engine to LINE emulator',
    unit: 'msg/s',
    measured: engine.perSecond,
    ceiling: ceiling.perSecond,
    ceilingIs: 'raw undici Pool, before and after',
    target: 'ratio >= 0.50',
    pass: false,
  });
  measured.pass = engine.done && ceiling.errors === 0 && measured.ratio >= 0.5;
  return {
    rows: [measured],
    notes: [
      `engine: ${engine.done ? 'all' : 'NOT all'} ${COUNT.toLocaleString('en-US')} attempts taken in ${(engine.elapsedMs / 1000).toFixed(1)} s; attempts by status ${JSON.stringify(engine.statuses)}`,
      `raw Pool: ${COUNT.toLocaleString('en-US')} requests before the engine's run ${perSecond(before)}, after it ${perSecond(after)}; ${ceiling.errors} errors`,
    ],
    details: { count: COUNT, concurrency: CONCURRENCY, warmup, engine, ceiling: { before, after } },
  };
}
