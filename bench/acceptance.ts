import { describeApi, measureApi } from './support/measure-api.js';
import { noStorageStore } from './support/no-storage-store.js';
import { row, type BenchmarkOutcome } from './support/results.js';

const LOAD = {
  path: '/v1/messages',
  body: { kind: 'single', variants: 1000 },
  connections: 64,
  warmupMs: 3_000,
  durationMs: 10_000,
} as const;

/**
 * POST /v1/messages with durable commit (SQLite, synchronous=FULL, group commit), 64 closed-loop clients, engine
 * off; the ceiling is the same app whose store takes messages without writing them.
 */
export async function acceptanceBenchmark(): Promise<BenchmarkOutcome> {
  const durable = await measureApi('acceptance', undefined, LOAD);
  const ceiling = await measureApi('acceptance-ceiling', noStorageStore, LOAD);
  const clean = durable.errors === 0 && ceiling.errors === 0;
  return {
    rows: [
      row({
        name: 'acceptance: POST /v1/messages, 64 clients',
        unit: 'msg/s',
        measured: durable.messagesPerSecond,
        ceiling: ceiling.messagesPerSecond,
        ceilingIs: 'no storage',
        target: '>= 5,000 msg/s',
        pass: clean && durable.messagesPerSecond >= 5_000,
      }),
      row({
        name: 'acceptance: p99 latency',
        unit: 'ms',
        measured: durable.p99Ms,
        ceiling: ceiling.p99Ms,
        ceilingIs: 'no storage',
        target: '<= 20 ms',
        pass: clean && durable.p99Ms <= 20,
      }),
    ],
    notes: [describeApi('durable', durable), describeApi('no storage', ceiling)],
    details: { load: LOAD, durable, ceiling },
  };
}
