import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../api/api-keys.js';
import { loadConfig } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { startTodoke, type Todoke } from '../runtime/start-todoke.js';
import type { Change } from '../store/store.js';
import { freePort } from '../../test/support/free-port.js';

/**
 * A write of the engine fails (a lost database connection, a restart) while it works a message, and so does the
 * first try to hand the message back: the message is still taken up again within seconds, not after its lease
 * (30 s), and a request that had gone out is not made again.
 */
describe('a store error while a message is worked', () => {
  let dir: string;
  let todoke: Todoke;
  let key: string;
  /** Commits of the armed message: the first `pass` go through, the next `fail` throw. */
  let armed: { messageId: string; pass: number; fail: number } | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'todoke-store-error-'));
    const config = loadConfig({
      TODOKE_HOST: '127.0.0.1',
      // A known port: the sandbox sends its delivery events there.
      TODOKE_PORT: String(await freePort()),
      TODOKE_DATA_DIR: dir,
      TODOKE_LOG_LEVEL: 'silent',
    });
    expect(config.engine.leaseMs).toBe(30_000);
    todoke = await startTodoke(
      { ...config, engine: { ...config.engine, receiptGraceMs: 0 } },
      { demo: false },
    );
    key = (await createApiKey(todoke.store, 'store-error', systemClock)).key;
    const store = todoke.store;
    const commit = store.commit.bind(store);
    store.commit = async (change: Change) => {
      const id = change.message?.id ?? change.newAttempts?.[0]?.messageId;
      if (armed && id === armed.messageId) {
        if (armed.pass > 0) armed.pass -= 1;
        else if (armed.fail > 0) {
          armed.fail -= 1;
          throw new Error('Connection terminated unexpectedly');
        }
      }
      return commit(change);
    };
  });
  afterAll(async () => {
    await todoke?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bulk LINE message due in a moment, so the failure is armed before the engine takes it. */
  async function sendSoon(phone: string, text: string): Promise<string> {
    const response = await request(`${todoke.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: { phone },
        purpose: 'security_alert',
        route: 'line-then-sms',
        text,
        sendAt: new Date(Date.now() + 1_000).toISOString(),
      }),
    });
    expect(response.statusCode).toBe(202);
    return ((await response.body.json()) as { id: string }).id;
  }

  async function until<T>(what: string, ms: number, read: () => Promise<T>, done: (v: T) => boolean) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the message to be delivered: well within its lease (30 s) after a store error, not after it. */
  const delivered = (id: string, ms: number) =>
    until(
      'delivery',
      ms,
      () => todoke.store.getMessage(id),
      (m) => m?.status === 'delivered',
    );
  const lineRequests = (phone: string) =>
    todoke.sandbox!.ledger(phone).filter((item) => item.channel === 'line_pnp');

  it('the write before the request fails and the store stays away for seconds: the message is sent once, seconds later', async () => {
    const phone = '+819011140001';
    todoke.sandbox!.setNumber(phone, { line: 'delivered', lineDelayMs: 0 });
    const id = await sendSoon(phone, '不正利用の疑いがあります (1)');
    // The attempt's "sending" write fails, and so do the hand-backs of the next 4 s, as in a database restart:
    // the seventh try, about 8 s on, goes through.
    armed = { messageId: id, pass: 0, fail: 7 };
    await delivered(id, 15_000);
    expect(armed.fail).toBe(0);
    expect(lineRequests(phone)).toHaveLength(1);
  });

  it('recording the answer fails: the message is handed back with its attempt unknown, not sent again', async () => {
    const phone = '+819011140002';
    // The delivery event comes late, so the hand-back shows before it.
    todoke.sandbox!.setNumber(phone, { line: 'delivered', lineDelayMs: 6_000 });
    const id = await sendSoon(phone, '不正利用の疑いがあります (2)');
    // The "sending" write goes through and the request leaves; recording its answer fails, as does the first
    // hand-back.
    armed = { messageId: id, pass: 1, fail: 2 };
    const attemptSending = async () => {
      const [message, attempts] = await Promise.all([
        todoke.store.getMessage(id),
        todoke.store.listAttempts(id),
      ]);
      return { lease: message?.leaseOwner ?? null, attempts: attempts.map((a) => a.status) };
    };
    // Handed back at the version after the "sending" write: no lease, the attempt still "sending".
    const handedBack = await until(
      'hand-back',
      5_000,
      attemptSending,
      (s) => armed!.fail === 0 && s.lease === null && s.attempts.join() === 'sending',
    );
    expect(handedBack).toEqual({ lease: null, attempts: ['sending'] });
    // Taken up again, it waits for the delivery event of the request already made instead of sending again.
    await delivered(id, 20_000);
    expect(lineRequests(phone)).toHaveLength(1);
  });
});
