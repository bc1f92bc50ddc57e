import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { maxInWindow } from '../bench/support/stats.js';
import { Cluster } from './support/cluster.js';
import { writeClusterConfig } from './support/cluster-config.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from './support/postgres-schema.js';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox-process.js';
import { enqueueBatches, readArrivals } from './support/todoke-client.js';

const COUNT = 12_000;
const LIMIT = 2_000;
const API_KEY = 'tdk_cluster_rate_limit_test_key_0000000';
const phoneOf = (i: number) => `+8180${String(40_000_000 + i).padStart(8, '0')}`;

/**
 * The requests per second over the middle of a run: arrivals between the 10th and the 90th percentile, so the
 * ramp-up of the workers and the tail of the queue do not count.
 */
function steadyRate(sorted: readonly number[]): { rate: number; from: number; to: number } {
  const from = Math.floor(sorted.length * 0.1);
  const to = Math.ceil(sorted.length * 0.9) - 1;
  return { rate: ((to - from) * 1000) / (sorted[to]! - sorted[from]!), from, to };
}

describe('cluster-wide rate limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-cluster-rate-'));
  const schema = freshSchemaName('rate');
  let sandbox: SandboxProcess | undefined;
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.stop(5_000);
    await sandbox?.stop();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('three worker processes at a 2,000/s LINE limit never exceed it in any 1-second window, and reach ≥ 95% of it', async () => {
    cluster = await Cluster.create({
      dir,
      apiKey: API_KEY,
      env: {
        TODOKE_DATABASE_URL: TEST_DATABASE_URL,
        TODOKE_DATABASE_SCHEMA: schema,
        TODOKE_SECRET: 'cluster-rate-limit-test-secret-0000',
        TODOKE_CONFIG: join(dir, 'todoke.json'),
        TODOKE_SANDBOX: '0',
        TODOKE_LOG_LEVEL: 'warn',
      },
      nodes: [
        { name: 'api-1', role: 'api' },
        { name: 'worker-1', role: 'worker' },
        { name: 'worker-2', role: 'worker' },
        { name: 'worker-3', role: 'worker' },
      ],
    });
    sandbox = await startSandboxProcess({ dir, lineWebhookUrl: `${cluster.apiUrl}/webhooks/line/line-main` });
    writeClusterConfig(join(dir, 'todoke.json'), {
      lineBaseUrl: sandbox.lineBaseUrl,
      twilioBaseUrl: sandbox.twilioBaseUrl,
      lineRateLimit: LIMIT,
      smsRateLimit: 100,
      lineFallbackAfter: '1m',
      smsFallbackAfter: '1m',
    });
    await cluster.startAll();

    // Numbers nobody configured are LINE users who receive: every message is one PNP request.
    const items = Array.from({ length: COUNT }, (_, i) => ({
      to: { phone: phoneOf(i) },
      purpose: 'shipping_notice',
      route: 'line-then-sms',
      text: `発送のお知らせ #${i}`,
      idempotencyKey: `rate-${i}`,
    }));
    const started = Date.now();
    await enqueueBatches(cluster.apiUrl, API_KEY, items, { batchSize: 2_000 });

    let arrivals: number[] = [];
    const deadline = started + 60_000;
    while (arrivals.length < COUNT && Date.now() < deadline) {
      await sleep(500);
      arrivals = await readArrivals(sandbox.controlUrl, 'line');
    }
    // A moment more: a request sent twice would show as more than COUNT.
    await sleep(500);
    arrivals = (await readArrivals(sandbox.controlUrl, 'line')).sort((a, b) => a - b);

    const busiest = maxInWindow(arrivals, 1000);
    const steady = steadyRate(arrivals);
    console.log(
      `${arrivals.length} PNP requests in ${((arrivals.at(-1)! - arrivals[0]!) / 1000).toFixed(2)} s; ` +
        `busiest 1 s window ${busiest}; steady rate ${steady.rate.toFixed(0)}/s (arrivals ${steady.from}–${steady.to})`,
    );
    expect(cluster.exits).toEqual([]);
    expect(arrivals).toHaveLength(COUNT);
    expect(busiest).toBeLessThanOrEqual(LIMIT);
    expect(steady.rate).toBeGreaterThanOrEqual(0.95 * LIMIT);
  }, 150_000);
});
