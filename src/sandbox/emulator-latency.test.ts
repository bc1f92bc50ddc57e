import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRehearsal, type Rehearsal } from './test-clients.js';

let r: Rehearsal;
const E164 = '+818055550000';

beforeAll(async () => {
  r = await startRehearsal();
});

afterAll(async () => {
  await r.close();
});

const NONE = { minMs: 0, maxMs: 0 };
/** The SMS gateways' emulators, untouched by these tests. */
const GATEWAYS = { karaden: NONE, vonage: NONE };

describe('emulator latency', () => {
  it('is 0 by default: answers come at once', async () => {
    expect((await r.control('GET', '/__sandbox/latency')).body).toEqual({
      line: NONE,
      twilio: NONE,
      ...GATEWAYS,
    });
    expect((await r.line(E164)).tookMs).toBeLessThan(140);
  });

  it('delays every answer of a provider by a time drawn between minMs and maxMs', async () => {
    const put = await r.control('PUT', '/__sandbox/latency', { line: { minMs: 150, maxMs: 180 } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ line: { minMs: 150, maxMs: 180 }, twilio: NONE, ...GATEWAYS });
    for (let i = 0; i < 3; i++) {
      const answer = await r.line(E164);
      expect(answer.status).toBe(200);
      expect(answer.tookMs).toBeGreaterThanOrEqual(148);
    }
    // Refusals under a fault take as long: the provider is slow whatever it answers.
    r.sandbox.addFault({ provider: 'line', kind: '5xx' });
    const refused = await r.line(E164);
    expect(refused.status).toBe(500);
    expect(refused.tookMs).toBeGreaterThanOrEqual(148);
    // The other provider is untouched.
    expect((await r.sms(E164, { callback: false })).tookMs).toBeLessThan(140);
  });

  it('keeps a provider left out of the update, and answers at once again after DELETE', async () => {
    const put = await r.control('PUT', '/__sandbox/latency', { twilio: { minMs: 150, maxMs: 150 } });
    expect(put.body).toEqual({
      line: { minMs: 150, maxMs: 180 },
      twilio: { minMs: 150, maxMs: 150 },
      ...GATEWAYS,
    });
    expect((await r.sms(E164, { callback: false })).tookMs).toBeGreaterThanOrEqual(148);
    expect((await r.control('DELETE', '/__sandbox/latency')).status).toBe(204);
    expect((await r.control('GET', '/__sandbox/latency')).body).toEqual({
      line: NONE,
      twilio: NONE,
      ...GATEWAYS,
    });
    expect((await r.line(E164)).tookMs).toBeLessThan(140);
    expect((await r.sms(E164, { callback: false })).tookMs).toBeLessThan(140);
  });

  it('refuses ranges that make no sense', async () => {
    for (const body of [
      { line: { minMs: 50, maxMs: 10 } },
      { line: { minMs: -1, maxMs: 10 } },
      { line: { minMs: 0 } },
      { sinch: NONE },
    ]) {
      const res = await r.control('PUT', '/__sandbox/latency', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ status: 400, code: 'invalid_latency' });
    }
  });
});
