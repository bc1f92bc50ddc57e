import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { acceptanceBenchmark } from './acceptance.js';
import { batchAcceptanceBenchmark } from './batch-acceptance.js';
import { campaignThrottleBenchmark } from './campaign-throttle.js';
import { clusterRateLimitBenchmark } from './cluster-rate-limit.js';
import { csvImportBenchmark } from './csv-import.js';
import { dispatchBenchmark } from './dispatch.js';
import { providerClientsBenchmark } from './provider-clients.js';
import { rateLimitedDispatchBenchmark } from './dispatch-rate-limited.js';
import { realtimeLatencyBenchmark } from './realtime-latency.js';
import { renderMeasureBenchmark } from './render-measure.js';
import { soakBenchmark } from './soak.js';
import { formatTable, type BenchmarkOutcome, type ResultRow } from './support/results.js';

/** Every benchmark by the name that selects it: `npm run bench -- dispatch realtime`. */
const BENCHMARKS: Record<string, () => Promise<BenchmarkOutcome>> = {
  acceptance: acceptanceBenchmark,
  batch: batchAcceptanceBenchmark,
  'csv-import': csvImportBenchmark,
  cluster: clusterRateLimitBenchmark,
  providers: providerClientsBenchmark,
  'campaign-throttle': campaignThrottleBenchmark,
  dispatch: dispatchBenchmark,
  'rate-limit': rateLimitedDispatchBenchmark,
  realtime: realtimeLatencyBenchmark,
  'render-measure': renderMeasureBenchmark,
  soak: soakBenchmark,
};

/** Each benchmark bounds itself; this only catches one that hangs anyway. */
const WHOLE_RUN_LIMIT_MS = 30 * 60_000;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !Object.hasOwn(BENCHMARKS, name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark: ${unknown.join(', ')} (known: ${Object.keys(BENCHMARKS).join(', ')})`);
    return 2;
  }
  const names = asked.length > 0 ? asked : Object.keys(BENCHMARKS);
  setTimeout(() => {
    console.error(`benchmarks still running after ${WHOLE_RUN_LIMIT_MS / 60_000} minutes; stopping`);
    process.exit(3);
  }, WHOLE_RUN_LIMIT_MS).unref();

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  console.log(
    `todoke benchmarks: ${names.join(', ')} — ${machine.cpus} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`,
  );
  const rows: ResultRow[] = [];
  const results: Record<string, unknown> = {};
  for (const name of names) {
    const before = load();
    console.log(`\n== ${name} (load average ${before})`);
    const started = performance.now();
    const outcome = await BENCHMARKS[name]!();
    const seconds = (performance.now() - started) / 1000;
    console.log(formatTable(outcome.rows));
    for (const note of outcome.notes) console.log(`  ${note}`);
    console.log(`(${seconds.toFixed(1)} s; load average after: ${load()})`);
    rows.push(...outcome.rows);
    results[name] = { ...outcome, seconds, loadAverageBefore: before, loadAverageAfter: load() };
  }

  console.log('\n== summary (ratio = measured / ceiling, both from this run)');
  console.log(formatTable(rows));
  const out = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const command = `npm run bench${asked.length > 0 ? ` -- ${asked.join(' ')}` : ''}`;
  writeFileSync(
    `${out}latest.json`,
    `${JSON.stringify({ finishedAt: new Date().toISOString(), command, machine, rows, results }, null, 2)}\n`,
  );
  console.log(`\nresults written to bench/results/latest.json`);
  return rows.every((r) => r.pass) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
