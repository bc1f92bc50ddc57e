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

/**
 * A realtime message accepted by the API of a process with an engine is handed straight to that engine. On
 * SQLite the engine starts before the insert has committed: its first change (the attempt, written before the
 * request leaves) queues right behind the insert. Nothing may come of it for a message that was not stored.
 */
describe('realtime messages handed to the engine beside the API', () => {
  let dir: string;
  let todoke: Todoke;
  let key: string;
  const trace: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'todoke-hand-over-'));
    const config = loadConfig({
      TODOKE_HOST: '127.0.0.1',
      TODOKE_PORT: '0',
      TODOKE_DATA_DIR: dir,
      TODOKE_LOG_LEVEL: 'silent',
    });
    todoke = await startTodoke(
      { ...config, engine: { ...config.engine, receiptGraceMs: 0 } },
      { demo: false },
    );
    key = (await createApiKey(todoke.store, 'hand-over', systemClock)).key;
    // Watch the order in which the store is asked to write and answers.
    const store = todoke.store;
    const accept = store.acceptMessages.bind(store);
    const commit = store.commit.bind(store);
    store.acceptMessages = async (messages) => {
      trace.push(`accept ${messages[0]!.id}`);
      const results = await accept(messages);
      trace.push(`accepted ${messages[0]!.id}`);
      return results;
    };
    store.commit = async (change: Change) => {
      const attempt = change.newAttempts?.[0];
      if (attempt) trace.push(`attempt ${attempt.messageId}`);
      const done = await commit(change);
      if (attempt) trace.push(`attempt ${done ? 'stored' : 'refused'} ${attempt.messageId}`);
      return done;
    };
  });
  afterAll(async () => {
    await todoke?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send(phone: string, text: string, idempotencyKey?: string) {
    const response = await request(`${todoke.url}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify({
        to: { phone },
        purpose: 'security_alert',
        route: 'sms-only',
        priority: 'realtime',
        text,
      }),
    });
    return {
      status: response.statusCode,
      body: (await response.body.json()) as { id: string; status: string },
    };
  }

  /** The sandbox ledger of `phone` once it holds `count` items, or after `waitMs`. */
  async function deliveredTo(phone: string, count: number, waitMs = 10_000): Promise<unknown[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const response = await request(`${todoke.url}/__sandbox/ledger?to=${encodeURIComponent(phone)}`);
      const { items } = (await response.body.json()) as { items: unknown[] };
      if (items.length >= count || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('queues the first attempt behind the insert before the insert has committed, and sends once', async () => {
    const phone = '+819011130001';
    todoke.sandbox!.setNumber(phone, { sms: 'delivered', smsDelayMs: 10 });
    const sent = await send(phone, '認証コードは 123456 です');
    expect(sent.status).toBe(202);
    expect(await deliveredTo(phone, 1)).toHaveLength(1);
    const id = sent.body.id;
    const mine = trace.filter((line) => line.endsWith(id));
    expect(mine.slice(0, 2)).toEqual([`accept ${id}`, `attempt ${id}`]);
    expect(mine).toContain(`attempt stored ${id}`);
    expect(mine.indexOf(`attempt ${id}`)).toBeLessThan(mine.indexOf(`accepted ${id}`));
  });

  it('sends an idempotent repeat nothing, however the repeats race', async () => {
    const phone = '+819011130002';
    todoke.sandbox!.setNumber(phone, { sms: 'delivered', smsDelayMs: 10 });
    const first = await send(phone, 'ご利用確認: 12,000円', 'hand-over-1');
    const repeats = await Promise.all(
      [1, 2, 3].map(() => send(phone, 'ご利用確認: 12,000円', 'hand-over-1')),
    );
    expect(first.status).toBe(202);
    expect(repeats.map((r) => [r.status, r.body.id])).toEqual(repeats.map(() => [200, first.body.id]));
    // Racing first requests: one is stored, the others answer with it.
    const raced = await Promise.all([1, 2, 3].map(() => send(phone, 'ご利用確認: 8,000円', 'hand-over-2')));
    const ids = new Set(raced.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(raced.filter((r) => r.status === 202)).toHaveLength(1);

    expect(await deliveredTo(phone, 2)).toHaveLength(2);
    expect(await deliveredTo(phone, 3, 500)).toHaveLength(2);
    // The early starts for requests that stored nothing wrote nothing either.
    const refused = trace.filter((line) => line.startsWith('attempt refused'));
    expect(refused.length).toBeGreaterThanOrEqual(5);
    for (const line of refused) {
      const missing = line.split(' ').at(-1)!;
      expect(await todoke.store.getMessage(missing)).toBeNull();
    }
  });

  it('sends nothing for a key reused with another body (409)', async () => {
    const phone = '+819011130003';
    todoke.sandbox!.setNumber(phone, { sms: 'delivered', smsDelayMs: 10 });
    expect((await send(phone, '本人確認のお願い', 'hand-over-3')).status).toBe(202);
    const conflict = await send(phone, '別の本文', 'hand-over-3');
    expect(conflict.status).toBe(409);
    expect(await deliveredTo(phone, 1)).toHaveLength(1);
    expect(await deliveredTo(phone, 2, 500)).toHaveLength(1);
  });
});
