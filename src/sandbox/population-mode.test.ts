import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NumberSettings } from './number-settings.js';
import { startRehearsal, type Rehearsal } from './test-clients.js';

/** A realistic mix: shares as in the brief operators rehearse with. Webhooks are an hour away: none fire here. */
const POPULATION = {
  line: { delivered: 0.88, blocked: 0.04, consent_pending: 0.02, not_found: 0.06 },
  sms: { delivered: 0.98, undelivered: 0.01, failed: 0.01 },
  landline: 0.01,
  lineDelayMs: 3_600_000,
  smsDelayMs: 3_600_000,
};
const NUMBERS = Array.from({ length: 10_000 }, (_, i) => `+8190${String(i * 7919).padStart(8, '0')}`);

let r: Rehearsal;
/** The effective settings of every number, as the control API reports them. */
const drawn = new Map<string, NumberSettings>();

/** Runs `fn` over `items`, `limit` at a time. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function shares(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1 / values.length;
  return out;
}

beforeAll(async () => {
  r = await startRehearsal();
  const put = await r.control('PUT', '/__sandbox/population', POPULATION);
  expect(put.status).toBe(200);
  await inParallel(NUMBERS, 32, async (e164) => {
    const res = await r.control('GET', `/__sandbox/numbers/${encodeURIComponent(e164)}`);
    drawn.set(e164, res.body as unknown as NumberSettings);
  });
});

afterAll(async () => {
  await r.close();
});

describe('population mode', () => {
  it('reports the population in force, every share filled in', async () => {
    expect((await r.control('GET', '/__sandbox/population')).body).toEqual(POPULATION);
  });

  it('draws 10,000 unconfigured numbers in the given shares (±2%)', () => {
    const line = shares(NUMBERS.map((n) => drawn.get(n)!.line));
    const sms = shares(NUMBERS.map((n) => drawn.get(n)!.sms));
    for (const [behaviour, share] of Object.entries(POPULATION.line)) {
      expect(Math.abs((line[behaviour] ?? 0) - share), behaviour).toBeLessThanOrEqual(0.02);
    }
    // Landlines are drawn first; the SMS shares are those of the mobile numbers that are left.
    expect(Math.abs((sms.landline ?? 0) - POPULATION.landline)).toBeLessThanOrEqual(0.02);
    for (const [outcome, share] of Object.entries(POPULATION.sms)) {
      const expected = share * (1 - POPULATION.landline);
      expect(Math.abs((sms[outcome] ?? 0) - expected), outcome).toBeLessThanOrEqual(0.02);
    }
    expect(drawn.get(NUMBERS[0]!)).toMatchObject({ lineDelayMs: 3_600_000, smsDelayMs: 3_600_000 });
  });

  it('has the LINE emulator, which sees only the hash, agree with the number’s drawn behaviour', async () => {
    const mismatches: string[] = [];
    await inParallel(NUMBERS, 32, async (e164) => {
      const { status } = await r.line(e164);
      const expected = drawn.get(e164)!.line === 'not_found' ? 422 : 200;
      if (status !== expected) mismatches.push(`${e164}: ${status}, drawn ${drawn.get(e164)!.line}`);
    });
    expect(mismatches).toEqual([]);
  });

  it('has the Twilio emulator, which sees the E.164 number, agree with the same draw', async () => {
    const mismatches: string[] = [];
    await inParallel(NUMBERS, 32, async (e164) => {
      const res = await r.sms(e164, { callback: false });
      const landline = drawn.get(e164)!.sms === 'landline';
      const ok = landline ? res.status === 400 && res.body.code === 21614 : res.status === 201;
      if (!ok) mismatches.push(`${e164}: ${res.status}, drawn ${drawn.get(e164)!.sms}`);
    });
    expect(mismatches).toEqual([]);
  });

  it('draws the same behaviour for the same number in another sandbox', async () => {
    const other = await startRehearsal();
    try {
      await other.control('PUT', '/__sandbox/population', POPULATION);
      for (const e164 of NUMBERS.slice(0, 500)) {
        const res = await other.control('GET', `/__sandbox/numbers/${encodeURIComponent(e164)}`);
        expect(res.body, e164).toEqual(drawn.get(e164));
      }
    } finally {
      await other.close();
    }
  });

  it('lets explicit per-number settings win over the draw', async () => {
    const notFound = NUMBERS.find((n) => drawn.get(n)!.line === 'not_found')!;
    expect((await r.line(notFound)).status).toBe(422);
    const set = await r.control('PUT', `/__sandbox/numbers/${encodeURIComponent(notFound)}`, {
      line: 'delivered',
    });
    // Fields not set take the documented defaults, not the draw.
    expect(set.body).toEqual({ line: 'delivered', lineDelayMs: 100, sms: 'delivered', smsDelayMs: 100 });
    expect((await r.line(notFound)).status).toBe(200);
  });

  it('refuses shares that do not add up to 1, unknown behaviours and shares beyond 0..1', async () => {
    for (const body of [
      { line: { delivered: 0.9 } },
      { sms: { delivered: 0.5, failed: 0.49 } },
      { line: { delivered: 0.5, gone: 0.5 } },
      { landline: 1.5 },
      { sms: { landline: 1 } },
    ]) {
      const res = await r.control('PUT', '/__sandbox/population', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ status: 400, code: 'invalid_population' });
    }
    // Rounding is forgiven: thirds add up to 1 within 1e-9.
    const thirds = await r.control('PUT', '/__sandbox/population', {
      ...POPULATION,
      sms: { delivered: 0.333333333333, undelivered: 0.333333333333, failed: 0.333333333334 },
    });
    expect(thirds.status).toBe(200);
    await r.control('PUT', '/__sandbox/population', POPULATION);
  });
});

describe('population mode with short delays', () => {
  it('delivers to drawn LINE users who receive or consent, never to those who blocked', async () => {
    const own = await startRehearsal();
    try {
      await own.control('PUT', '/__sandbox/population', { ...POPULATION, lineDelayMs: 0 });
      const sample = NUMBERS.slice(0, 300);
      await inParallel(sample, 16, async (e164) => void (await own.line(e164)));
      const receiving = sample.filter((n) => ['delivered', 'consent_pending'].includes(drawn.get(n)!.line));
      // Each delivery event names the hash; wait until every receiving number's event is in.
      const events = () =>
        own.receiver.requests.flatMap(
          (q) => (JSON.parse(q.rawBody.toString('utf8')) as { events: unknown[] }).events,
        ).length;
      await own.receiver.waitFor(1, () => events() >= receiving.length);
      const ledger = (await own.control('GET', '/__sandbox/ledger?limit=1000')).body.items as unknown[];
      expect(ledger).toHaveLength(receiving.length);
      for (const e164 of sample.slice(0, 60)) {
        const mine = await own.control('GET', `/__sandbox/ledger?to=${encodeURIComponent(e164)}`);
        expect((mine.body.items as unknown[]).length, e164).toBe(receiving.includes(e164) ? 1 : 0);
      }
    } finally {
      await own.close();
    }
  });

  it('returns to the defaults on DELETE', async () => {
    const own = await startRehearsal();
    try {
      await own.control('PUT', '/__sandbox/population', POPULATION);
      const notFound = NUMBERS.find((n) => drawn.get(n)!.line === 'not_found')!;
      expect((await own.line(notFound)).status).toBe(422);
      expect((await own.control('DELETE', '/__sandbox/population')).status).toBe(204);
      expect((await own.line(notFound)).status).toBe(200);
      expect((await own.control('GET', '/__sandbox/population')).body).toEqual({
        line: { delivered: 1, not_found: 0, blocked: 0, consent_pending: 0 },
        sms: { delivered: 1, undelivered: 0, failed: 0 },
        landline: 0,
      });
      expect((await own.control('GET', `/__sandbox/numbers/${encodeURIComponent(notFound)}`)).body).toEqual({
        line: 'delivered',
        lineDelayMs: 100,
        sms: 'delivered',
        smsDelayMs: 100,
      });
    } finally {
      await own.close();
    }
  });
});
