import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Output kept in memory per process; the log file (when given) keeps all of it. */
const OUTPUT_KEPT = 1 << 20;

export interface SpawnOptions {
  /** Appends everything the process prints to this file. */
  logFile?: string;
  /** Node options before the script, e.g. `--cpu-prof`. */
  execArgv?: string[];
}

const live = new Set<ChildProcess>();

/** SIGKILLs every process spawnTodoke started that still runs: for a harness that is itself being stopped. */
export function killAllSpawned(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Runs the `todoke` CLI from source in its own process, as an operator would run the built one. */
export function spawnTodoke(
  args: string[],
  env: Record<string, string>,
  options: SpawnOptions = {},
): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    [
      ...(options.execArgv ?? []),
      '--import',
      'tsx',
      '--import',
      './test/support/exit-with-parent.ts',
      'src/cli/main.ts',
      ...args,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk;
    if (output.length > OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (options.logFile) {
    const file = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
    child.once('close', () => file.end());
  }
  return Object.assign(child, { output: () => output });
}

/** Resolves once `url` answers 2xx; fails after `timeoutMs`. */
export async function waitUntilUp(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await request(url);
      await response.body.dump();
      if (response.statusCode < 300) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
