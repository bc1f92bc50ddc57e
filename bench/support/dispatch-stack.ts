import { join } from 'node:path';
import type { Priority } from '../../src/store/records.js';
import { SANDBOX_LINE } from '../../src/runtime/sandbox-accounts.js';
import { startTodoke, type Todoke } from '../../src/runtime/start-todoke.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BENCH_ACCOUNT, benchConfig } from './bench-config.js';
import { freePort } from './free-port.js';
import { seedMessages } from './seed-messages.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { startSandboxProcess, type SandboxProcess } from '../../test/support/sandbox-process.js';

export interface DispatchStackOptions {
  name: string;
  /** The LINE account's limits. */
  rateLimit: number;
  concurrency: number;
  /** Run the engine (false: API and webhooks only). */
  engine: boolean;
  /** Messages queued before todoke starts. */
  seed?: { count: number; priority: Priority };
  /**
   * Run the emulators in a process of their own (`todoke sandbox`), so that what they see is not bunched by the
   * engine's event loop; arrivals are then read from its request log.
   */
  sandboxProcess?: boolean;
}

export interface DispatchStack {
  todoke: Todoke;
  /** The in-process emulators; null when they run in a process of their own. */
  sandbox: Sandbox | null;
  lineBaseUrl: string;
  /** The control API of an emulator process (arrivals: GET /__sandbox/requests); null in process. */
  controlUrl: string | null;
  /** performance.now() right after startTodoke returned, the engine having just started. */
  startedAt: number;
  close(): Promise<void>;
}

/**
 * todoke as `todoke start` runs it (startTodoke: API + engine on SQLite) with the LINE emulator in the same
 * process, as the sandbox runs, except that the benchmark starts the emulator itself to give the account its own
 * limits. No number is configured in the emulator, so every one behaves as a LINE user who receives the message
 * (after the default delay). Delivery events go back to todoke's webhook route, as with a real channel.
 */
export async function startDispatchStack(options: DispatchStackOptions): Promise<DispatchStack> {
  const dir = makeTempDir(options.name);
  const port = await freePort();
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/line/${BENCH_ACCOUNT}`;
  let sandbox: Sandbox | null = null;
  let external: SandboxProcess | null = null;
  if (options.sandboxProcess) {
    external = await startSandboxProcess({ dir, lineWebhookUrl: webhookUrl });
  } else {
    sandbox = await startSandbox({ dataDir: dir, host: '127.0.0.1' });
    sandbox.configureLineChannel({ ...SANDBOX_LINE, webhookUrl });
  }
  const lineBaseUrl = external?.lineBaseUrl ?? sandbox!.lineBaseUrl;
  const config = benchConfig({
    dataDir: dir,
    port,
    lineBaseUrl,
    rateLimit: options.rateLimit,
    concurrency: options.concurrency,
  });
  if (options.seed)
    await seedMessages(join(dir, 'todoke.db'), config, options.seed.count, options.seed.priority);
  const todoke = await startTodoke(config, { engine: options.engine, demo: false });
  const startedAt = performance.now();
  return {
    todoke,
    sandbox,
    lineBaseUrl,
    controlUrl: external?.controlUrl ?? null,
    startedAt,
    async close() {
      await sandbox?.close();
      await external?.stop();
      await todoke.close();
      removeTempDir(dir);
    },
  };
}
