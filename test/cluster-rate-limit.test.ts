import { afterAll, describe, expect, it } from 'vitest';
import { sendThroughCluster } from './support/cluster-rate-run.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('cluster-wide rate limit', () => {
  // The 2,000/s case of issue 6 is a throughput target for hardware that can carry it (on this 2-core machine
  // the three workers and PostgreSQL reach about 300/s: see the note); it belongs in a benchmark, and the
  // safety property it also checks is the one proven here at a limit the machine can reach.
  it('three worker processes at a limit below what they can send together hold it in every 1-second window and share it', async () => {
    // Each worker alone sends well over a third of this, so the shared limit, not the machine, sets the pace.
    const run = await sendThroughCluster(100, 2_000, 40_000, cleanups);
    expect(run.exits).toEqual([]);
    expect(run.arrivals).toHaveLength(2_000);
    expect(run.busiest).toBeLessThanOrEqual(100);
    // Sharing must not starve the workers: a shared limit that hands out too little, or grants that all lapse,
    // would leave the rate at a fraction of the limit. How close to the limit it gets is a throughput figure for
    // `npm run bench -- cluster`, not for this test: 97/s on a quiet run, 84/s once in CI with other test files
    // running beside it (a grant answered after 50 ms lapses unused, so a busy database costs rate, never safety).
    console.log(`limit 100/s: steady ${run.steady.toFixed(1)}/s, busiest window ${run.busiest}`);
    expect(run.steady).toBeGreaterThanOrEqual(0.7 * 100);
  }, 120_000);
});
