import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the load generator sends, and for how long. */
export interface LoadSpec {
  url: string;
  path: string;
  apiKey: string;
  /** Which request bodies: single messages, or batches of `items` messages. */
  body: { kind: 'single'; variants: number } | { kind: 'batch'; variants: number; items: number };
  /** Connections, each running a closed loop (send, await the answer, send again). */
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadReport {
  /** Requests answered 2xx within the measured window. */
  completed: number;
  /** Requests answered otherwise or failed, over the whole run (warm-up included). */
  errors: number;
  firstError: string | null;
  /** Length of the measured window. */
  windowMs: number;
  /** Latency of each request answered 2xx within the window, in ms. */
  latenciesMs: number[];
  /** For batches: every item of the first answer was accepted. */
  firstAnswerChecked: boolean;
  /** CPU the generator itself used, as a share of one core over the whole run: near 100 means it held the load back. */
  generatorCpuPercent: number;
}

const CHILD = fileURLToPath(new URL('./http-load-child.ts', import.meta.url));

/**
 * Runs the load from a child process, so the generator never competes with the server for its event loop.
 * Bounded: the child is killed if it has not reported well after warm-up and measurement should have ended.
 */
export function runHttpLoad(spec: LoadSpec): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: LoadReport | null = null;
    const limit = setTimeout(() => child.kill('SIGKILL'), spec.warmupMs + spec.durationMs + 60_000);
    child.once('message', (message) => {
      report = message as LoadReport;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(limit);
      if (report) resolve(report);
      else reject(new Error(`load generator exited with ${code} before reporting`));
    });
    child.send(spec);
  });
}
