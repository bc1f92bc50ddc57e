import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';
import { clusterEnv, writeClusterConfig } from './support/cluster-config.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from './support/postgres-schema.js';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox-process.js';
import { enqueueBatches, readLedger } from './support/todoke-client.js';

const API_KEY = 'tdk_lost_connections_test_key_000000000';

/** Ends every server connection of this test's processes, as a database restart or failover does. */
async function cutConnections(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe('database connections lost under running processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-lost-connections-'));
  const schema = freshSchemaName('lost');
  let sandbox: SandboxProcess | undefined;
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.stop(5_000);
    await sandbox?.stop();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an api and a worker process whose every PostgreSQL connection is cut keep working once the database answers again', async () => {
    const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}application_name=${schema}`;
    cluster = await Cluster.create({
      dir,
      apiKey: API_KEY,
      env: clusterEnv({ dir, databaseUrl: url, schema, secret: 'lost-connections-test-secret-00000' }),
      nodes: [
        { name: 'api-1', role: 'api' },
        { name: 'worker-1', role: 'worker' },
      ],
    });
    sandbox = await startSandboxProcess({ dir, lineWebhookUrl: `${cluster.apiUrl}/webhooks/line/line-main` });
    writeClusterConfig(join(dir, 'todoke.json'), {
      lineBaseUrl: sandbox.lineBaseUrl,
      twilioBaseUrl: sandbox.twilioBaseUrl,
      lineRateLimit: 100,
      smsRateLimit: 100,
      lineFallbackAfter: '1m',
      smsFallbackAfter: '1m',
    });
    await cluster.startAll();
    expect(await cluster.ready('worker-1')).toBe(true);

    // The engine is busy with a queue when the connections go, as it would be in production.
    const item = (i: number) => ({
      to: { phone: `+81901${String(2_000_000 + i).padStart(7, '0')}` },
      purpose: 'shipping_notice',
      route: 'line-then-sms',
      text: `発送のお知らせ #${i}`,
      idempotencyKey: `lost-${i}`,
    });
    await enqueueBatches(
      cluster.apiUrl,
      API_KEY,
      Array.from({ length: 200 }, (_, i) => item(i)),
    );
    expect(await cutConnections(schema)).toBeGreaterThan(0);

    // Once the database answers again, both processes are ready and every message, old and new, is delivered:
    // within seconds where the engine could hand a message back after the failed write, at the latest when the
    // lease (30 s) of one it could not hand back ends (a write whose answer was lost may have gone through).
    const cutAt = Date.now();
    await enqueueBatches(cluster.apiUrl, API_KEY, [item(200)]);
    const deadline = Date.now() + 45_000;
    let ready = [false, false];
    let received = 0;
    while (Date.now() < deadline) {
      ready = [await cluster.ready('api-1'), await cluster.ready('worker-1')];
      received = new Set((await readLedger(sandbox.controlUrl)).map((e) => e.text)).size;
      if (ready.every(Boolean) && received === 201) break;
      await sleep(250);
    }
    console.log(`all 201 delivered ${((Date.now() - cutAt) / 1000).toFixed(1)} s after the cut`);
    expect({ ready, received }, cluster.output('worker-1').slice(-2000)).toEqual({
      ready: [true, true],
      received: 201,
    });
    expect(cluster.exits).toEqual([]);
  }, 90_000);
});
