import { describeApi, measureApi } from './support/measure-api.js';
import { noStorageStore } from './support/no-storage-store.js';
import { row, type BenchmarkOutcome } from './support/results.js';

const LOAD = {
  path: '/v1/messages/batch',
  body: { kind: 'batch', variants: 4, items: 10_000 },
  // A few batches in flight keep the server busy while the next body is on its way.
  connections: 4,
  warmupMs: 3_000,
  durationMs: 12_000,
} as const;

/** POST /v1/messages/batch with 10,000-item bodies, durable; the ceiling is the same app without storage. */
export async function batchAcceptanceBenchmark(): Promise<BenchmarkOutcome> {
  const durable = await measureApi('batch', undefined, LOAD);
  const ceiling = await measureApi('batch-ceiling', noStorageStore, LOAD);
  const clean = durable.errors === 0 && ceiling.errors === 0;
  return {
    rows: [
      row({
        name: 'batch acceptance: 10,000-item bodies',
        unit: 'msg/s',
        measured: durable.messagesPerSecond,
        ceiling: ceiling.messagesPerSecond,
        ceilingIs: 'no storage',
        target: '>= 50,000 msg/s',
        pass: clean && durable.messagesPerSecond >= 50_000,
      }),
    ],
    notes: [describeApi('durable', durable), describeApi('no storage', ceiling)],
    details: { load: LOAD, durable, ceiling },
  };
}
