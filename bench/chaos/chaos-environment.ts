import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type ClusterNodeSpec } from '../../test/support/cluster.js';
import { writeClusterConfig } from '../../test/support/cluster-config.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from '../../test/support/postgres-schema.js';
import { startSandboxProcess, type SandboxProcess } from '../../test/support/sandbox-process.js';

export type ChaosStore = 'postgres' | 'sqlite';

/** The route's waits and the engine's, and the population's delays they must stay well above. */
export interface ChaosTiming {
  lineFallbackAfterMs: number;
  smsFallbackAfterMs: number;
  leaseMs: number;
  receiptGraceMs: number;
  requestTimeoutMs: number;
  maxLineDelayMs: number;
  maxSmsDelayMs: number;
}

export interface ChaosEnvironmentOptions {
  store: ChaosStore;
  /** Worker processes beside one api process (PostgreSQL); SQLite runs one `all` process. */
  workers: number;
  timing: ChaosTiming;
  lineRateLimit: number;
  smsRateLimit: number;
  databaseUrl?: string;
}

export interface ChaosEnvironment {
  store: ChaosStore;
  dir: string;
  schema: string | null;
  cluster: Cluster;
  sandbox: SandboxProcess;
  apiKey: string;
  /** Stops every process; removes the run's directory (unless `keep`) and drops its schema. */
  close(keep: boolean): Promise<void>;
}

const API_KEY = 'tdk_chaos_harness_key_00000000000000000000';

/**
 * A standalone sandbox, and todoke processes run from source against it: one api and `workers` worker processes
 * on a fresh PostgreSQL schema, or one `all` process on SQLite. Logs go to `<dir>/logs/`.
 */
export async function startChaosEnvironment(o: ChaosEnvironmentOptions): Promise<ChaosEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), `todoke-chaos-${o.store}-`));
  const url = o.databaseUrl ?? TEST_DATABASE_URL;
  const schema = o.store === 'postgres' ? freshSchemaName('chaos') : null;
  const nodes: ClusterNodeSpec[] =
    o.store === 'postgres'
      ? [
          { name: 'api-1', role: 'api' },
          ...Array.from({ length: o.workers }, (_, i) => ({
            name: `worker-${i + 1}`,
            role: 'worker' as const,
          })),
        ]
      : [{ name: 'all-1', role: 'all' }];
  const cluster = await Cluster.create({
    dir,
    apiKey: API_KEY,
    nodes,
    env: {
      ...(schema ? { TODOKE_DATABASE_URL: url, TODOKE_DATABASE_SCHEMA: schema } : {}),
      TODOKE_SECRET: 'chaos-harness-server-secret-000000',
      TODOKE_CONFIG: join(dir, 'todoke.json'),
      TODOKE_SANDBOX: '0',
      TODOKE_LOG_LEVEL: 'warn',
    },
  });
  const sandbox = await startSandboxProcess({
    dir,
    lineWebhookUrl: `${cluster.apiUrl}/webhooks/line/line-main`,
    logFile: join(dir, 'logs', 'sandbox.log'),
  });
  const t = o.timing;
  writeClusterConfig(join(dir, 'todoke.json'), {
    lineBaseUrl: sandbox.lineBaseUrl,
    twilioBaseUrl: sandbox.twilioBaseUrl,
    lineRateLimit: o.lineRateLimit,
    smsRateLimit: o.smsRateLimit,
    lineConcurrency: 32,
    smsConcurrency: 32,
    timeoutMs: t.requestTimeoutMs,
    lineFallbackAfter: `${t.lineFallbackAfterMs}ms`,
    smsFallbackAfter: `${t.smsFallbackAfterMs}ms`,
    engine: { lease: `${t.leaseMs}ms`, receiptGrace: `${t.receiptGraceMs}ms` },
  });
  try {
    await cluster.startAll(90_000);
  } catch (error) {
    await cluster.stop(2_000);
    await sandbox.stop();
    throw error;
  }
  return {
    store: o.store,
    dir,
    schema,
    cluster,
    sandbox,
    apiKey: API_KEY,
    async close(keep) {
      await cluster.stop(10_000);
      await sandbox.stop();
      if (schema) await dropSchema(schema, url).catch(() => {});
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}
