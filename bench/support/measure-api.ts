import type { Store } from '../../src/store/store.js';
import { startApiServer } from './api-server.js';
import { runHttpLoad, type LoadSpec } from './http-load.js';
import { maxOf, quantile } from './stats.js';

export interface ApiMeasurement {
  messagesPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** CPU used by the server process during the run (all its threads, e.g. a store writer), in % of one core. */
  serverCpuPercent: number;
  generatorCpuPercent: number;
  errors: number;
  firstError: string | null;
}

/** Starts the API over the (possibly wrapped) store, loads it from a child process, and sums up what it saw. */
export async function measureApi(
  name: string,
  wrapStore: ((store: Store) => Store) | undefined,
  load: Omit<LoadSpec, 'url' | 'apiKey'>,
): Promise<ApiMeasurement> {
  const server = await startApiServer(name, wrapStore);
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const report = await runHttpLoad({ ...load, url: server.url, apiKey: server.apiKey });
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuPercent = (100 * (cpu.user + cpu.system)) / 1000 / (performance.now() - started);
    const perRequest = load.body.kind === 'batch' ? load.body.items : 1;
    const requestsPerSecond = (report.completed * 1000) / report.windowMs;
    const errors = report.errors + (report.firstAnswerChecked ? 0 : 1);
    return {
      messagesPerSecond: requestsPerSecond * perRequest,
      requestsPerSecond,
      p50Ms: quantile(report.latenciesMs, 0.5),
      p99Ms: quantile(report.latenciesMs, 0.99),
      maxMs: maxOf(report.latenciesMs),
      requests: report.completed,
      serverCpuPercent,
      generatorCpuPercent: report.generatorCpuPercent,
      errors,
      firstError: report.firstError ?? (report.firstAnswerChecked ? null : 'no batch answer was checked'),
    };
  } finally {
    await server.close();
  }
}

/** One line: rate, latency quantiles, errors. */
export function describeApi(label: string, m: ApiMeasurement): string {
  const ms = (v: number) => v.toFixed(1);
  return (
    `${label}: ${Math.round(m.messagesPerSecond).toLocaleString('en-US')} msg/s (${m.requests} requests), ` +
    `latency p50 ${ms(m.p50Ms)} / p99 ${ms(m.p99Ms)} / max ${ms(m.maxMs)} ms, errors ${m.errors}; ` +
    `CPU (% of one core) server process ${Math.round(m.serverCpuPercent)}%, load generator ${Math.round(m.generatorCpuPercent)}%` +
    (m.firstError ? ` (first: ${m.firstError})` : '')
  );
}
