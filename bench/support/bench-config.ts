import type { TodokeConfig } from '../../src/config/config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { SANDBOX_LINE } from '../../src/runtime/sandbox-accounts.js';

/** The one LINE account every benchmark sends through; the route `line-only` uses it. */
export const BENCH_ACCOUNT = 'line-bench';
export const BENCH_ROUTE = 'line-only';

export interface BenchConfigOptions {
  dataDir: string;
  /** The API's port; 0 when no provider has to call back. */
  port: number;
  /** The LINE emulator's base URL (nothing needs to listen there when the engine does not run). */
  lineBaseUrl: string;
  rateLimit: number;
  concurrency: number;
}

/**
 * A configuration as an operator would write it, read through loadConfig: API on loopback, no built-in sandbox
 * (the benchmark starts its own emulator so it can set the account's limits), silent logs.
 */
export function benchConfig(options: BenchConfigOptions): TodokeConfig {
  const file = {
    accounts: {
      [BENCH_ACCOUNT]: {
        provider: 'line',
        baseUrl: options.lineBaseUrl,
        rateLimit: options.rateLimit,
        concurrency: options.concurrency,
        timeoutMs: 10_000,
        channelAccessToken: SANDBOX_LINE.accessToken,
        channelSecret: SANDBOX_LINE.channelSecret,
      },
    },
  };
  const config = loadConfig(
    {
      TODOKE_HOST: '127.0.0.1',
      TODOKE_PORT: String(options.port),
      TODOKE_DATA_DIR: options.dataDir,
      TODOKE_SANDBOX: '0',
      TODOKE_LOG_LEVEL: 'silent',
      TODOKE_SECRET: 'bench-secret-0123456789abcdef',
      TODOKE_CONFIG: 'bench.json',
    },
    () => JSON.stringify(file),
  );
  // Nothing restarts here, so receipts need no grace period after the start.
  return { ...config, engine: { ...config.engine, receiptGraceMs: 0 } };
}
