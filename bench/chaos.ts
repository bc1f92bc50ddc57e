import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAllSpawned } from '../test/support/processes.js';
import { formatChaosReport } from './chaos/chaos-report.js';
import type { ChaosStore, ChaosTiming } from './chaos/chaos-environment.js';
import { FULL_FAULT_PLAN } from './chaos/faults.js';
import { runChaos, type ChaosReport } from './chaos/run-chaos.js';

const USAGE = `npm run chaos -- [options]
  --store postgres|sqlite|both   which runs (default both: PostgreSQL, then SQLite)
  --recipients N                 campaign size (default 20000)
  --workers N                    worker processes beside the api process on PostgreSQL (default 3)
  --kills N                      SIGKILLs per run, each process restarted (default 12)
  --window SECONDS               how long the chaos lasts (default: from the size, 30–150 s)
  --time-limit SECONDS           the chaos and the wait for every message to be final give up after this (default 300)
  --no-postgres-restart          skip the PostgreSQL restart
  --no-faults                    inject no provider faults
  --seed N                       repeat a run's random choices
  --keep                         keep each run's directory (logs under <dir>/logs)`;

/** Waits chosen so that no delay of the population, nor an outage of a few seconds, reads as "not delivered". */
const TIMING: ChaosTiming = {
  lineFallbackAfterMs: 30_000,
  smsFallbackAfterMs: 10_000,
  leaseMs: 5_000,
  // Longer than the emulators' longest wait between two deliveries of a webhook (60 s, WebhookSender's retryMaxMs):
  // a receipt whose every redelivery so far fell into one of the outages still arrives within the grace after the
  // last restart. With 20 s, seed 915405 sent 44–47 SMS fallbacks whose LINE message had been delivered.
  receiptGraceMs: 65_000,
  requestTimeoutMs: 5_000,
  maxLineDelayMs: 4_000,
  maxSmsDelayMs: 2_000,
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', default: 'both' },
      recipients: { type: 'string', default: '20000' },
      workers: { type: 'string', default: '3' },
      kills: { type: 'string', default: '12' },
      window: { type: 'string' },
      'time-limit': { type: 'string', default: '300' },
      'no-postgres-restart': { type: 'boolean', default: false },
      'no-faults': { type: 'boolean', default: false },
      seed: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const stores: ChaosStore[] =
    values.store === 'both' ? ['postgres', 'sqlite'] : [values.store as ChaosStore];
  if (!stores.every((s) => s === 'postgres' || s === 'sqlite')) {
    console.error(USAGE);
    return 2;
  }
  const recipients = Number(values.recipients);
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
  const windowMs =
    values.window === undefined
      ? Math.min(150_000, Math.max(30_000, recipients * 4.5))
      : Number(values.window) * 1000;

  const reports: ChaosReport[] = [];
  for (const store of stores) {
    console.log(`\n== chaos on ${store} (seed ${seed})`);
    const report = await runChaos({
      store,
      recipients,
      workers: Number(values.workers),
      kills: Number(values.kills),
      windowMs,
      restartPostgres: !values['no-postgres-restart'],
      faults: values['no-faults'] ? [] : FULL_FAULT_PLAN,
      timeLimitMs: Number(values['time-limit']) * 1000,
      timing: TIMING,
      lineRateLimit: 500,
      smsRateLimit: 300,
      seed,
      keep: values.keep,
      log: (line) => console.log(line),
    });
    reports.push(report);
    console.log(`\n${formatChaosReport(report)}`);
    if (values.keep) console.log(`  logs: ${report.dir}/logs`);
  }

  if (reports.length > 1) {
    console.log('\n== summary');
    for (const r of reports) console.log(formatChaosReport(r));
  }
  const out = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(
    `${out}chaos.json`,
    `${JSON.stringify({ finishedAt: new Date().toISOString(), argv: process.argv.slice(2), reports }, null, 2)}\n`,
  );
  console.log('\nresults written to bench/results/chaos.json');
  return reports.every((r) => r.violations.length === 0) ? 0 : 1;
}

// Stopped from outside (Ctrl-C, a CI timeout): take the todoke processes and the sandbox down too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllSpawned();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
