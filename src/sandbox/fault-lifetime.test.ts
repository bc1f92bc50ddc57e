import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRehearsal, type Rehearsal } from './test-clients.js';

let r: Rehearsal;
/** A LINE user who blocked the account: LINE answers 200 and nothing is stored, so requests are cheap. */
const BLOCKED = '+818011110000';

beforeAll(async () => {
  r = await startRehearsal();
  r.sandbox.setNumber(BLOCKED, { line: 'blocked' });
});

afterAll(async () => {
  await r.close();
});

afterEach(async () => {
  await r.control('DELETE', '/__sandbox/faults');
});

/** The LINE answers to `n` requests, one after the other. */
async function statuses(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await r.line(BLOCKED)).status);
  return out;
}

describe('fault lifetime', () => {
  it('applies a fault with a count to that many requests, then lists it no more', async () => {
    const created = await r.control('POST', '/__sandbox/faults', { provider: 'line', kind: '5xx', count: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      provider: 'line',
      kind: '5xx',
      count: 2,
      remaining: 2,
      applied: 0,
    });
    expect(await statuses(1)).toEqual([500]);
    expect((await r.control('GET', '/__sandbox/faults')).body.items).toMatchObject([
      { id: created.body.id, remaining: 1, applied: 1 },
    ]);
    expect(await statuses(2)).toEqual([500, 200]);
    expect((await r.control('GET', '/__sandbox/faults')).body).toEqual({ items: [] });
  });

  it('applies a fault without count or rate to the next request only', async () => {
    const created = await r.control('POST', '/__sandbox/faults', { provider: 'line', kind: '429' });
    expect(created.body).toMatchObject({ count: 1 });
    expect(await statuses(2)).toEqual([429, 200]);
  });

  it('applies a fault with only a duration to every request while it lasts', async () => {
    const created = await r.control('POST', '/__sandbox/faults', {
      provider: 'line',
      kind: '5xx',
      durationMs: 60_000,
    });
    expect(created.body).not.toHaveProperty('count');
    expect(await statuses(5)).toEqual([500, 500, 500, 500, 500]);
    expect((await r.control('GET', '/__sandbox/faults')).body.items).toMatchObject([{ applied: 5 }]);
  });

  it('applies a fault with a rate to about that share of requests until it is deleted', async () => {
    const created = await r.control('POST', '/__sandbox/faults', {
      provider: 'line',
      kind: '5xx',
      rate: 0.5,
    });
    expect(created.body).not.toHaveProperty('count');
    const answers = await statuses(200);
    const failed = answers.filter((s) => s === 500).length;
    // Binomial(200, 0.5): the standard deviation is about 7; 40 either side cannot happen by chance.
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(answers.every((s) => s === 500 || s === 200)).toBe(true);

    const id = String(created.body.id);
    expect((await r.control('DELETE', `/__sandbox/faults/${id}`)).status).toBe(204);
    expect(await statuses(20)).toEqual(Array(20).fill(200));
    const again = await r.control('DELETE', `/__sandbox/faults/${id}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ status: 404, code: 'unknown_fault' });
  });

  it('stops applying a fault once its duration is over', async () => {
    const created = await r.control('POST', '/__sandbox/faults', {
      provider: 'line',
      kind: '5xx',
      rate: 1,
      durationMs: 300,
    });
    expect(created.body).toMatchObject({ durationMs: 300, expiresAt: expect.any(String) });
    expect(await statuses(3)).toEqual([500, 500, 500]);
    const end = Date.parse(String(created.body.expiresAt));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - Date.now()) + 20));
    expect(await statuses(3)).toEqual([200, 200, 200]);
    expect((await r.control('GET', '/__sandbox/faults')).body).toEqual({ items: [] });
  });

  it('combines count and rate: each request has the chance, at most count times', async () => {
    await r.control('POST', '/__sandbox/faults', { provider: 'line', kind: '5xx', rate: 0.5, count: 5 });
    const answers = await statuses(100);
    expect(answers.filter((s) => s === 500)).toHaveLength(5);
  });

  it('keeps providers apart and applies the oldest fault first', async () => {
    await r.control('POST', '/__sandbox/faults', { provider: 'twilio', kind: '5xx' });
    await r.control('POST', '/__sandbox/faults', { provider: 'line', kind: '429' });
    await r.control('POST', '/__sandbox/faults', { provider: 'line', kind: '5xx' });
    expect(await statuses(3)).toEqual([429, 500, 200]);
    const listed = (await r.control('GET', '/__sandbox/faults')).body.items;
    expect(listed).toMatchObject([{ provider: 'twilio', kind: '5xx' }]);
    expect((await r.control('DELETE', '/__sandbox/faults')).status).toBe(204);
    expect((await r.control('GET', '/__sandbox/faults')).body).toEqual({ items: [] });
  });

  it('refuses bad faults with problem+json naming the field', async () => {
    const bad = [
      [{ provider: 'line', kind: 'outage' }, 'kind'],
      [{ provider: 'sinch', kind: '5xx' }, 'provider'],
      [{ provider: 'twilio', kind: 'monthly_limit' }, 'kind'],
      [{ provider: 'line', kind: '5xx', delayMs: 100 }, 'delayMs'],
      [{ provider: 'line', kind: '5xx', rate: 1.5 }, 'rate'],
      [{ provider: 'line', kind: '5xx', count: 0 }, 'count'],
      [{ provider: 'line', kind: '5xx', durationMs: -1 }, 'durationMs'],
      [{ provider: 'line', kind: '5xx', cnt: 1 }, 'cnt'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await r.control('POST', '/__sandbox/faults', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ type: 'about:blank', status: 400, code: 'invalid_fault' });
      expect(String(res.body.detail)).toContain(field);
    }
    expect((await r.control('GET', '/__sandbox/faults')).body).toEqual({ items: [] });
  });
});
