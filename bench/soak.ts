import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { queueDepth } from '../test/support/todoke-client.js';
import { growthAfterWarmup, parseMemory, type MemorySample } from './soak/memory-growth.js';
import { runPacedLoad } from './soak/paced-load.js';
import { startSoakStack, type SoakStore } from './soak/soak-stack.js';
import { quantile } from './support/stats.js';
import { formatTable, row, type BenchmarkOutcome } from './support/results.js';

export interface SoakOptions {
  seconds: number;
  rate: number;
  store: SoakStore;
}

const SAMPLE_EVERY_MS = 5_000;
const FINAL = new Set(['delivered', 'failed', 'expired', 'canceled']);
const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

interface DepthSample {
  at: number;
  final: number;
  open: number;
}

/**
 * `rate` messages a second through POST /v1/messages for `seconds`, to people drawn from the sandbox population,
 * with each todoke process's heap and RSS read from its /metrics every 5 s. Memory growth is measured from the end
 * of warm-up (a fifth of the run, at least 30 s) to the end; the engine must finish messages as fast as they come.
 */
export async function runSoak(
  o: SoakOptions,
  log: (line: string) => void = () => {},
): Promise<BenchmarkOutcome> {
  const durationMs = o.seconds * 1000;
  const warmupMs = Math.max(30_000, durationMs / 5);
  const stack = await startSoakStack(o.store);
  const { cluster } = stack;
  const memory = new Map<string, MemorySample[]>(cluster.names().map((n) => [n, []]));
  const depth: DepthSample[] = [];
  const began = performance.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const at = performance.now() - began;
      for (const name of cluster.names()) {
        const reading = await readMemory(cluster.url(name));
        if (reading) memory.get(name)!.push({ at, ...reading });
      }
      const d = await queueDepth(cluster.apiUrl);
      if (d) {
        const final = Object.entries(d).reduce((n, [s, c]) => n + (FINAL.has(s) ? c : 0), 0);
        const open = Object.entries(d).reduce((n, [s, c]) => n + (FINAL.has(s) ? 0 : c), 0);
        depth.push({ at, final, open });
        if (depth.length % 12 === 0) {
          const mem = cluster
            .names()
            .map((n) => `${n} heap ${MB(memory.get(n)!.at(-1)?.heapUsedBytes ?? 0)}`);
          log(`  ${(at / 1000).toFixed(0)} s: ${final} final, ${open} open; ${mem.join(', ')}`);
        }
      }
      await sleep(SAMPLE_EVERY_MS);
    }
  })();

  try {
    const load = await runPacedLoad({
      url: cluster.apiUrl,
      apiKey: stack.apiKey,
      ratePerSecond: o.rate,
      durationMs,
      body: (i) => ({
        to: { phone: `+8190${30_000_000 + i}` },
        purpose: 'shipping_notice',
        route: 'line-then-sms',
        text: `ご注文の商品を発送しました。お問い合わせ番号 ${100_000 + i}`,
        idempotencyKey: `soak-${i}`,
      }),
    });
    const loadEndedAt = performance.now() - began;
    // Let the last fallbacks (10 s waits) run out, to see whether a backlog remains.
    const drainDeadline = performance.now() + 30_000;
    while (performance.now() < drainDeadline && (depth.at(-1)?.open ?? 1) > 0) await sleep(1_000);
    sampling = false;
    await sampler;

    const acceptRate = (load.accepted * 1000) / load.elapsedMs;
    const atWarmup = depth.find((d) => d.at >= warmupMs);
    const atLoadEnd = [...depth].reverse().find((d) => d.at <= loadEndedAt);
    const finishRate =
      atWarmup && atLoadEnd && atLoadEnd.at > atWarmup.at
        ? ((atLoadEnd.final - atWarmup.final) * 1000) / (atLoadEnd.at - atWarmup.at)
        : NaN;
    const left = depth.at(-1)?.open ?? NaN;
    const clean = load.errors === 0 && load.skipped === 0;
    const label = `soak ${o.rate}/s for ${formatSeconds(o.seconds)}`;
    const rows = [
      row({
        name: `${label}: accepted`,
        unit: 'msg/s',
        measured: acceptRate,
        ceiling: o.rate,
        ceilingIs: 'offered',
        target: 'ratio >= 0.99, no errors',
        pass: clean && acceptRate >= 0.99 * o.rate,
      }),
      row({
        name: `${label}: finished after warm-up`,
        unit: 'msg/s',
        measured: finishRate,
        ceiling: o.rate,
        ceilingIs: 'offered',
        target: 'ratio >= 0.97',
        pass: finishRate >= 0.97 * o.rate,
      }),
    ];
    const growthNotes: string[] = [];
    for (const name of cluster.names()) {
      // Memory under load only: the drain after it would flatter the end.
      const samples = memory.get(name)!.filter((m) => m.at <= loadEndedAt);
      for (const [what, pick] of [
        ['heap', (s: MemorySample) => s.heapUsedBytes],
        ['RSS', (s: MemorySample) => s.rssBytes],
      ] as const) {
        const g = growthAfterWarmup(samples, warmupMs, pick);
        rows.push(
          row({
            name: `${label}: ${what} growth after warm-up (${name})`,
            unit: '%',
            measured: g.percent,
            ceiling: 10,
            ceilingIs: 'target',
            target: '<= 10%',
            pass: Number.isFinite(g.percent) && g.percent <= 10,
          }),
        );
        growthNotes.push(
          `${name} ${what}: ${MB(g.baseline)} after warm-up → ${MB(g.final)} at the end (${g.percent.toFixed(1)}%, medians of ${Math.max(1, Math.floor(g.samples / 5))} of ${g.samples} samples)`,
        );
      }
    }
    return {
      rows,
      notes: [
        `${o.store === 'postgres' ? '1 api + 1 worker process on PostgreSQL' : '1 process (role all) on SQLite'}; population ${stack.population ? 'from PUT /__sandbox/population' : 'NOT AVAILABLE (every number the default)'}`,
        `offered ${load.offered.toLocaleString('en-US')}, accepted ${load.accepted.toLocaleString('en-US')}, errors ${load.errors}, skipped (API behind) ${load.skipped}${load.firstError ? `; first error: ${load.firstError}` : ''}`,
        `accept latency p50 ${quantile(load.latenciesMs, 0.5).toFixed(1)} ms, p99 ${quantile(load.latenciesMs, 0.99).toFixed(1)} ms`,
        `warm-up ${formatSeconds(warmupMs / 1000)}; messages not final when the load stopped: ${atLoadEnd?.open ?? '?'}, 30 s later: ${left}`,
        ...growthNotes,
      ],
      details: {
        options: o,
        warmupMs,
        load: { ...load, latenciesMs: undefined },
        memory: Object.fromEntries(memory),
        depth,
      },
    };
  } finally {
    sampling = false;
    await sampler;
    await stack.close();
  }
}

async function readMemory(url: string): Promise<{ heapUsedBytes: number; rssBytes: number } | null> {
  try {
    const response = await request(`${url}/metrics`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    return parseMemory(await response.body.text());
  } catch {
    return null;
  }
}

function formatSeconds(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** As `npm run bench` runs it: 10 minutes at 300/s, or TODOKE_SOAK_SECONDS (e.g. 60 for a quick look). */
export function soakBenchmark(): Promise<BenchmarkOutcome> {
  const seconds = Number(process.env.TODOKE_SOAK_SECONDS ?? 600);
  return runSoak({ seconds, rate: 300, store: 'sqlite' }, (line) => console.log(line));
}

// `node --import tsx bench/soak.ts --seconds 60 --rate 300 --store sqlite|postgres`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '600' },
      rate: { type: 'string', default: '300' },
      store: { type: 'string', default: 'sqlite' },
    },
  });
  const options: SoakOptions = {
    seconds: Number(values.seconds),
    rate: Number(values.rate),
    store: values.store === 'postgres' ? 'postgres' : 'sqlite',
  };
  runSoak(options, (line) => console.log(line)).then(
    (outcome) => {
      console.log(formatTable(outcome.rows));
      for (const note of outcome.notes) console.log(`  ${note}`);
      process.exit(outcome.rows.every((r) => r.pass) ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
