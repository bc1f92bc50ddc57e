import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey } from '../src/api/api-keys.js';
import { systemClock } from '../src/core/clock.js';
import { DEFAULT_DELAY_MS } from '../src/sandbox/number-settings.js';
import { startDispatchStack, type DispatchStack } from './support/dispatch-stack.js';
import { RealtimeSender, type SentMessage } from './support/realtime-sender.js';
import { row, type BenchmarkOutcome } from './support/results.js';
import { maxOf, quantile } from './support/stats.js';
import { providerTaken, waitForTakenAttempts } from './support/wait-for-attempts.js';

const BACKLOG = 100_000;
const WARMUP_BACKLOG = 5_000;
const RATE = 20;
const IDLE_MS = 5_000;
const CONCURRENCY = 128;
const UNLIMITED = 1_000_000;
const LIMIT_MS = 240_000;
/** Realtime phone numbers, apart from the backlog's. */
const REALTIME_PHONES = 50_000_000;

interface Latencies {
  sent: number;
  answered: number;
  /** Sent but never seen by the emulator in time. */
  missing: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * From each message's send to the moment its provider request reached the emulator. The ledger entry is stamped
 * with arrival plus the number's delivery delay (the default here) and written once that delay has passed.
 */
async function latencies(stack: DispatchStack, sent: SentMessage[]): Promise<Latencies> {
  const wanted = new Map(sent.filter((m) => m.status === 202).map((m) => [m.text, m]));
  const arrived = new Map<string, number>();
  for (let tries = 0; tries < 50 && arrived.size < wanted.size; tries++) {
    if (tries > 0) await sleep(200);
    for (const item of stack.sandbox!.ledger()) {
      if (wanted.has(item.text)) arrived.set(item.text, Date.parse(item.at) - DEFAULT_DELAY_MS);
    }
  }
  const values = [...arrived].map(([text, at]) => at - wanted.get(text)!.sentAt);
  return {
    sent: sent.length,
    answered: wanted.size,
    missing: sent.length - arrived.size,
    p50Ms: quantile(values, 0.5),
    p99Ms: quantile(values, 0.99),
    maxMs: maxOf(values),
  };
}

async function stackWithKey(name: string, backlog: number) {
  const stack = await startDispatchStack({
    name,
    rateLimit: UNLIMITED,
    concurrency: CONCURRENCY,
    engine: true,
    seed: { count: backlog, priority: 'bulk' },
  });
  const { key } = await createApiKey(stack.todoke.store, 'bench', systemClock);
  return {
    stack,
    spec: { url: stack.todoke.url, apiKey: key, ratePerSecond: RATE, firstPhone: REALTIME_PHONES },
  };
}

/** Realtime messages on an idle engine (after a small warm-up backlog): the floor the loaded run is compared with. */
async function idle(sender: RealtimeSender): Promise<Latencies> {
  const { stack, spec } = await stackWithKey('realtime-idle', WARMUP_BACKLOG);
  try {
    await waitForTakenAttempts(stack.todoke, WARMUP_BACKLOG, LIMIT_MS);
    // A second of realtime traffic first: the warm-up's delivery events land and the route's first calls are over.
    sender.begin({ ...spec, label: 'warm-up' });
    await sleep(1_000);
    await sender.end();
    sender.begin({ ...spec, label: 'idle' });
    await sleep(IDLE_MS);
    return await latencies(stack, await sender.end());
  } finally {
    await stack.close();
  }
}

/** Realtime messages while a 100,000-message bulk backlog drains at full speed. */
async function underBacklog(sender: RealtimeSender) {
  const { stack, spec } = await stackWithKey('realtime', BACKLOG);
  try {
    sender.begin({ ...spec, label: 'realtime' });
    const deadline = performance.now() + LIMIT_MS;
    // Requests counted include the realtime ones, so at this point at most a few hundred bulk ones are left.
    while ((await providerTaken(stack.todoke)) < BACKLOG && performance.now() < deadline) await sleep(50);
    const drainMs = performance.now() - stack.startedAt;
    const measured = await latencies(stack, await sender.end());
    return { ...measured, drainMs, drained: performance.now() < deadline };
  } finally {
    await stack.close();
  }
}

/**
 * Realtime messages sent through POST /v1/messages at 20/s while 100,000 bulk messages drain: latency from the
 * send to the emulator receiving the provider request. The ceiling is the same on an idle engine.
 */
export async function realtimeLatencyBenchmark(): Promise<BenchmarkOutcome> {
  const sender = await RealtimeSender.start();
  try {
    const floor = await idle(sender);
    const loaded = await underBacklog(sender);
    const clean = loaded.drained && loaded.missing === 0 && floor.missing === 0;
    return {
      rows: [
        row({
          name: 'realtime under 100,000 bulk backlog: p99',
          unit: 'ms',
          measured: loaded.p99Ms,
          ceiling: floor.p99Ms,
          ceilingIs: 'idle engine',
          target: '<= 25 ms',
          pass: clean && loaded.p99Ms <= 25,
        }),
      ],
      notes: [
        `realtime under backlog: p50 ${loaded.p50Ms} ms, p99 ${loaded.p99Ms} ms, max ${loaded.maxMs} ms over ${loaded.sent} messages (${loaded.missing} missing); backlog drained in ${(loaded.drainMs / 1000).toFixed(1)} s`,
        `realtime on an idle engine: p50 ${floor.p50Ms} ms, p99 ${floor.p99Ms} ms, max ${floor.maxMs} ms over ${floor.sent} messages (${floor.missing} missing)`,
      ],
      details: { backlog: BACKLOG, ratePerSecond: RATE, loaded, idle: floor },
    };
  } finally {
    sender.close();
  }
}
