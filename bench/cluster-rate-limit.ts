import { sendThroughCluster } from '../test/support/cluster-rate-run.js';
import { row, type BenchmarkOutcome } from './support/results.js';

const LIMIT = 2_000;
const COUNT = 30_000;
const WAIT_MS = 240_000;

/**
 * Issue 6's cluster-wide limit at full size: one api and three worker processes on PostgreSQL, a LINE account
 * limited to 2,000 requests/s, 30,000 messages to people who all receive LINE (one PNP request each), the
 * standalone sandbox logging when each request arrived. The ceiling is the limit itself: the busiest one-second
 * window must stay within it, and the steady rate (arrivals between the 10th and 90th percentile) reach 95 %.
 */
export async function clusterRateLimitBenchmark(): Promise<BenchmarkOutcome> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const run = await sendThroughCluster(LIMIT, COUNT, WAIT_MS, cleanups);
    const complete = run.arrivals.length === COUNT && run.exits.length === 0;
    return {
      rows: [
        row({
          name: 'cluster: 3 workers at a 2,000/s LINE limit, busiest 1 s window',
          unit: 'req',
          measured: run.busiest,
          ceiling: LIMIT,
          ceilingIs: 'the account limit',
          target: `<= ${LIMIT}`,
          pass: complete && run.busiest <= LIMIT,
        }),
        row({
          name: 'cluster: 3 workers at a 2,000/s LINE limit, steady rate',
          unit: 'req/s',
          measured: run.steady,
          ceiling: LIMIT,
          ceilingIs: 'the account limit',
          target: '>= 0.95 of the limit',
          pass: complete && run.steady >= 0.95 * LIMIT,
        }),
      ],
      notes: [
        `${run.arrivals.length.toLocaleString('en-US')} of ${COUNT.toLocaleString('en-US')} requests arrived; processes that exited: ${run.exits.length}`,
      ],
      details: { limit: LIMIT, count: COUNT, busiest: run.busiest, steady: run.steady, exits: run.exits },
    };
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}
