import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { maxInWindow } from '../../bench/support/stats.js';
import { Cluster } from './cluster.js';
import { clusterEnv, writeClusterConfig } from './cluster-config.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from './postgres-schema.js';
import { startSandboxProcess } from './sandbox-process.js';
import { enqueueBatches, readArrivals } from './todoke-client.js';

const API_KEY = 'tdk_cluster_rate_limit_test_key_0000000';

/**
 * The requests per second over the middle of a run: arrivals between the 10th and the 90th percentile, so the
 * ramp-up of the workers and the tail of the queue do not count.
 */
function steadyRate(sorted: readonly number[]): number {
  const from = Math.floor(sorted.length * 0.1);
  const to = Math.ceil(sorted.length * 0.9) - 1;
  return ((to - from) * 1000) / (sorted[to]! - sorted[from]!);
}

export interface ClusterRun {
  arrivals: number[];
  busiest: number;
  steady: number;
  exits: unknown[];
}

/**
 * One api and three worker processes on PostgreSQL with a LINE account limited to `limit` requests/s, beside a
 * standalone sandbox; `count` messages to people who all receive LINE, so each is one PNP request. The sandbox's
 * request log says when each request arrived.
 */
export async function sendThroughCluster(
  limit: number,
  count: number,
  waitMs: number,
  cleanups: (() => Promise<void>)[],
): Promise<ClusterRun> {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-cluster-rate-'));
  const schema = freshSchemaName('rate');
  const cluster = await Cluster.create({
    dir,
    apiKey: API_KEY,
    env: clusterEnv({
      dir,
      databaseUrl: TEST_DATABASE_URL,
      schema,
      secret: 'cluster-rate-limit-test-secret-0000',
    }),
    nodes: [
      { name: 'api-1', role: 'api' },
      { name: 'worker-1', role: 'worker' },
      { name: 'worker-2', role: 'worker' },
      { name: 'worker-3', role: 'worker' },
    ],
  });
  const sandbox = await startSandboxProcess({
    dir,
    lineWebhookUrl: `${cluster.apiUrl}/webhooks/line/line-main`,
  });
  cleanups.push(async () => {
    await cluster.stop(5_000);
    await sandbox.stop();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });
  writeClusterConfig(join(dir, 'todoke.json'), {
    lineBaseUrl: sandbox.lineBaseUrl,
    twilioBaseUrl: sandbox.twilioBaseUrl,
    lineRateLimit: limit,
    smsRateLimit: 100,
    lineFallbackAfter: '1m',
    smsFallbackAfter: '1m',
  });
  await cluster.startAll();

  // Numbers nobody configured are LINE users who receive.
  const items = Array.from({ length: count }, (_, i) => ({
    to: { phone: `+8180${40_000_000 + i}` },
    purpose: 'shipping_notice',
    route: 'line-then-sms',
    text: `発送のお知らせ #${i}`,
    idempotencyKey: `rate-${i}`,
  }));
  const started = Date.now();
  await enqueueBatches(cluster.apiUrl, API_KEY, items, { batchSize: 2_000 });
  let arrivals: number[] = [];
  while (arrivals.length < count && Date.now() < started + waitMs) {
    await sleep(500);
    arrivals = await readArrivals(sandbox.controlUrl, 'line');
  }
  // A moment more: a request sent twice would show as more than `count`.
  await sleep(500);
  arrivals = (await readArrivals(sandbox.controlUrl, 'line')).sort((a, b) => a - b);
  const run = {
    arrivals,
    busiest: maxInWindow(arrivals, 1000),
    steady: steadyRate(arrivals),
    exits: cluster.exits,
  };
  console.log(
    `limit ${limit}/s: ${arrivals.length} PNP requests in ${((arrivals.at(-1)! - arrivals[0]!) / 1000).toFixed(2)} s; ` +
      `busiest 1 s window ${run.busiest}; steady rate ${run.steady.toFixed(0)}/s`,
  );
  return run;
}
