import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRehearsal, type Rehearsal } from './test-clients.js';

const POPULATION = {
  line: { delivered: 0.5, not_found: 0.5 },
  sms: { delivered: 0.5, failed: 0.5 },
  landline: 0.25,
  smsDelayMs: 5,
};
const NUMBERS = Array.from({ length: 200 }, (_, i) => `+8160${String(i).padStart(8, '0')}`);

let dataDir: string;
let running: Rehearsal | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'todoke-population-'));
});

afterEach(async () => {
  await running?.close();
  running = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function behaviours(r: Rehearsal): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const e164 of NUMBERS) {
    out.push((await r.control('GET', `/__sandbox/numbers/${encodeURIComponent(e164)}`)).body);
  }
  return out;
}

describe('population across restarts', () => {
  it('is kept in the sandbox store: the same numbers behave the same after a restart', async () => {
    running = await startRehearsal({ dataDir });
    const put = await running.control('PUT', '/__sandbox/population', POPULATION);
    expect(put.status).toBe(200);
    const before = await behaviours(running);
    // Both halves of each share are there: the draw is not stuck on one behaviour.
    expect(new Set(before.map((b) => (b as { line: string }).line))).toEqual(
      new Set(['delivered', 'not_found']),
    );
    await running.close();

    running = await startRehearsal({ dataDir });
    expect((await running.control('GET', '/__sandbox/population')).body).toEqual(put.body);
    expect(await behaviours(running)).toEqual(before);
    const landline = NUMBERS[before.findIndex((b) => (b as { sms: string }).sms === 'landline')]!;
    expect((await running.sms(landline)).body).toMatchObject({ code: 21614 });
  });

  it('is gone after DELETE, restart included', async () => {
    running = await startRehearsal({ dataDir });
    await running.control('PUT', '/__sandbox/population', POPULATION);
    expect((await running.control('DELETE', '/__sandbox/population')).status).toBe(204);
    await running.close();

    running = await startRehearsal({ dataDir });
    expect((await running.control('GET', '/__sandbox/population')).body).toMatchObject({ landline: 0 });
    const all = await behaviours(running);
    expect(all.every((b) => JSON.stringify(b) === JSON.stringify(all[0]))).toBe(true);
    expect(all[0]).toEqual({ line: 'delivered', lineDelayMs: 100, sms: 'delivered', smsDelayMs: 100 });
  });
});
