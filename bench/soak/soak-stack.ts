import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { Cluster, type ClusterNodeSpec } from '../../test/support/cluster.js';
import { writeClusterConfig } from '../../test/support/cluster-config.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../../test/support/postgres-schema.js';
import { startSandboxProcess, type SandboxProcess } from '../../test/support/sandbox-process.js';

export type SoakStore = 'sqlite' | 'postgres';

export interface SoakStack {
  cluster: Cluster;
  sandbox: SandboxProcess;
  apiKey: string;
  /** Whether the sandbox took the population (an older sandbox has no /__sandbox/population). */
  population: boolean;
  close(): Promise<void>;
}

const API_KEY = 'tdk_soak_benchmark_key_0000000000000000';

/**
 * People as a campaign meets them: most on LINE, some without it or blocking it, some still to consent; SMS mostly
 * delivered, a few undelivered or failed, a few landlines. Delays short enough for a fallback within the soak.
 */
export const SOAK_POPULATION = {
  line: { delivered: 0.6, not_found: 0.2, blocked: 0.1, consent_pending: 0.1 },
  sms: { delivered: 0.9, undelivered: 0.07, failed: 0.03 },
  landline: 0.02,
  lineDelayMs: 500,
  smsDelayMs: 300,
};

/**
 * todoke as deployed, from source: one `all` process on SQLite, or one api and one worker process on PostgreSQL,
 * beside a standalone sandbox holding the population.
 */
export async function startSoakStack(store: SoakStore): Promise<SoakStack> {
  const dir = mkdtempSync(join(tmpdir(), `todoke-soak-${store}-`));
  const schema = store === 'postgres' ? freshSchemaName('soak') : null;
  const nodes: ClusterNodeSpec[] =
    store === 'postgres'
      ? [
          { name: 'api-1', role: 'api' },
          { name: 'worker-1', role: 'worker' },
        ]
      : [{ name: 'all-1', role: 'all' }];
  const cluster = await Cluster.create({
    dir,
    apiKey: API_KEY,
    nodes,
    env: {
      ...(schema ? { TODOKE_DATABASE_URL: TEST_DATABASE_URL, TODOKE_DATABASE_SCHEMA: schema } : {}),
      TODOKE_SECRET: 'soak-benchmark-server-secret-00000',
      TODOKE_CONFIG: join(dir, 'todoke.json'),
      TODOKE_SANDBOX: '0',
      TODOKE_LOG_LEVEL: 'warn',
    },
  });
  const sandbox = await startSandboxProcess({
    dir,
    lineWebhookUrl: `${cluster.apiUrl}/webhooks/line/line-main`,
  });
  const close = async () => {
    await cluster.stop(10_000);
    await sandbox.stop();
    if (schema) await dropSchema(schema).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const response = await request(`${sandbox.controlUrl}/__sandbox/population`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SOAK_POPULATION),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200 && response.statusCode !== 404) {
      throw new Error(`the sandbox refused the population: ${response.statusCode} ${text}`);
    }
    writeClusterConfig(join(dir, 'todoke.json'), {
      lineBaseUrl: sandbox.lineBaseUrl,
      twilioBaseUrl: sandbox.twilioBaseUrl,
      lineRateLimit: 2_000,
      smsRateLimit: 500,
      lineFallbackAfter: '10s',
      smsFallbackAfter: '10s',
    });
    await cluster.startAll(90_000);
    return { cluster, sandbox, apiKey: API_KEY, population: response.statusCode === 200, close };
  } catch (error) {
    await close();
    throw error;
  }
}
