import { Pool } from 'undici';
import type { LoadReport, LoadSpec } from './http-load.js';
import { batchBodies, singleBodies } from './message-bodies.js';

/** Checks that every item of a batch answer was accepted. */
function allAccepted(text: string, expected: number): boolean {
  const { items } = JSON.parse(text) as { items: { status?: string }[] };
  return items.length === expected && items.every((item) => item.status === 'accepted');
}

async function runLoad(spec: LoadSpec): Promise<LoadReport> {
  const bodies =
    spec.body.kind === 'single'
      ? singleBodies(spec.body.variants)
      : batchBodies(spec.body.variants, spec.body.items);
  const batchItems = spec.body.kind === 'batch' ? spec.body.items : 0;
  const pool = new Pool(spec.url, {
    connections: spec.connections,
    pipelining: 1,
    bodyTimeout: 60_000,
    headersTimeout: 60_000,
  });
  const headers = { authorization: `Bearer ${spec.apiKey}`, 'content-type': 'application/json' };

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const windowStart = started + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let firstAnswerChecked = batchItems === 0;
  let checking = false;

  const fail = (detail: string) => {
    errors++;
    firstError ??= detail;
  };

  async function connectionLoop(connection: number): Promise<void> {
    for (let i = connection; performance.now() < windowEnd; i += spec.connections) {
      const sent = performance.now();
      try {
        const response = await pool.request({
          path: spec.path,
          method: 'POST',
          headers,
          body: bodies[i % bodies.length]!,
        });
        if (batchItems > 0 && !firstAnswerChecked && !checking && response.statusCode === 200) {
          checking = true;
          const text = await response.body.text();
          firstAnswerChecked = allAccepted(text, batchItems);
          if (!firstAnswerChecked) fail(`batch answer with refused items: ${text.slice(0, 300)}`);
        } else if (response.statusCode >= 300) {
          fail(`HTTP ${response.statusCode}: ${(await response.body.text()).slice(0, 300)}`);
          continue;
        } else {
          await response.body.dump();
        }
        const done = performance.now();
        if (done >= windowStart && done <= windowEnd) latenciesMs.push(done - sent);
      } catch (error) {
        fail(String(error));
      }
    }
  }

  await Promise.all(Array.from({ length: spec.connections }, (_, c) => connectionLoop(c)));
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCpuPercent = (100 * (cpu.user + cpu.system)) / 1000 / (performance.now() - started);
  await pool.close();
  return {
    completed: latenciesMs.length,
    errors,
    firstError,
    windowMs: spec.durationMs,
    latenciesMs,
    firstAnswerChecked,
    generatorCpuPercent,
  };
}

process.once('message', (spec) => {
  runLoad(spec as LoadSpec).then(
    (report) => process.send!(report, () => process.disconnect()),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
