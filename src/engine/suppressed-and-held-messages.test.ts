import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../api/api-keys.js';
import { loadConfig } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { startTodoke, type Todoke } from '../runtime/start-todoke.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A window that opens two hours from now (Tokyo time) and lasts an hour: closed for the whole test. */
function closedWindow(): { start: string; end: string } {
  const hhmm = (ms: number) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Tokyo',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(ms);
  return { start: hhmm(Date.now() + 2 * 3_600_000), end: hhmm(Date.now() + 3 * 3_600_000) };
}

/**
 * The whole of todoke (API, engine, sandbox providers, SQLite) on loopback: suppressed steps are skipped and
 * recorded, never sent; a step outside its send window waits, scheduled, for the window to open.
 */
describe('suppressions and send windows, end to end', () => {
  let dir: string;
  let todoke: Todoke;
  let key: string;
  const window = closedWindow();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'todoke-rules-e2e-'));
    const file = join(dir, 'todoke.yml');
    writeFileSync(
      file,
      `purposes:
  promotion: { window: null }
  shipping_notice: { window: null }
  payment_reminder: { window: { start: "${window.start}", end: "${window.end}" } }
`,
    );
    const config = loadConfig({
      TODOKE_HOST: '127.0.0.1',
      TODOKE_PORT: String(await freePort()),
      TODOKE_DATA_DIR: dir,
      TODOKE_LOG_LEVEL: 'silent',
      TODOKE_CONFIG: file,
    });
    todoke = await startTodoke(
      { ...config, engine: { ...config.engine, receiptGraceMs: 0 } },
      { demo: false },
    );
    key = (await createApiKey(todoke.store, 'e2e', systemClock)).key;
  });
  afterAll(async () => {
    await todoke?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await request(`${todoke.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.statusCode, body: (await response.body.json()) as any };
  }

  async function until(id: string, done: (m: any) => boolean): Promise<any> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { body } = await call('GET', `/v1/messages/${id}`);
      if (done(body)) return body;
      if (Date.now() > deadline) throw new Error(`message ${id} is still ${JSON.stringify(body, null, 1)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function ledger(phone: string): Promise<unknown[]> {
    const response = await request(`${todoke.url}/__sandbox/ledger?to=${encodeURIComponent(phone)}`);
    return ((await response.body.json()) as { items: unknown[] }).items;
  }

  it('skips a suppressed SMS with a suppressed event and ends failed, sending nothing', async () => {
    const phone = '+819011120001';
    todoke.sandbox!.setNumber(phone, { sms: 'delivered', smsDelayMs: 10 });
    expect((await call('POST', '/v1/suppressions', { phone, purposeClass: 'promotional' })).status).toBe(201);
    const sent = await call('POST', '/v1/messages', {
      to: { phone, optedInAt: '2026-01-01T00:00:00+09:00' },
      purpose: 'promotion',
      route: 'sms-only',
      text: '冬のセールのご案内です。配信停止はSTOPと返信してください。',
    });
    expect(sent.status).toBe(202);
    const m = await until(sent.body.id, (x) => x.status === 'failed');
    expect(m.finalReason).toBe('suppressed');
    expect(m.attempts).toEqual([]);
    expect(m.events.map((e: any) => e.type)).toEqual(['accepted', 'suppressed', 'failed']);
    expect(m.events[1].data).toEqual({ channel: 'sms' });
    expect(await ledger(phone)).toEqual([]);

    // The opt-out is from adverts only: a shipping notice still arrives.
    const notice = await call('POST', '/v1/messages', {
      to: { phone },
      purpose: 'shipping_notice',
      route: 'sms-only',
      text: 'ご注文の商品を発送しました。',
    });
    const delivered = await until(notice.body.id, (x) => x.status === 'delivered');
    expect(delivered.deliveredVia).toBe('sms');
    expect(await ledger(phone)).toHaveLength(1);
  });

  it('holds a message outside its send window as scheduled, with a window_wait event', async () => {
    const phone = '+819011120002';
    const sent = await call('POST', '/v1/messages', {
      to: { phone },
      purpose: 'payment_reminder',
      route: 'sms-only',
      text: 'お支払いのお願い',
    });
    const m = await until(sent.body.id, (x) => x.status === 'scheduled');
    expect(m.attempts).toEqual([]);
    expect(m.events.at(-1)).toMatchObject({ type: 'window_wait', data: { channel: 'sms' } });
    const opensIn = Date.parse(m.events.at(-1).data.until) - Date.now();
    expect(opensIn).toBeGreaterThan(3_600_000);
    expect(opensIn).toBeLessThanOrEqual(2 * 3_600_000);
    expect(await ledger(phone)).toEqual([]);
  });
});
