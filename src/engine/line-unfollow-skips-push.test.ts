import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../api/api-keys.js';
import { loadConfig } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { SANDBOX_LINE } from '../runtime/sandbox-accounts.js';
import { startTodoke, type Todoke } from '../runtime/start-todoke.js';
import { freePort } from '../../test/support/free-port.js';

const USER = 'U7e57000000000000000000000000c0de';
const PHONE = '+819011130001';

/**
 * The whole of todoke on loopback with the sandbox providers: a user who blocked the LINE account (unfollow
 * webhook) is skipped on line_push and reached by the next step at once; once they follow again, push reaches them.
 */
describe('LINE unfollow and follow, end to end', () => {
  let dir: string;
  let todoke: Todoke;
  let key: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'todoke-line-follow-'));
    const file = join(dir, 'todoke.yml');
    writeFileSync(file, 'purposes:\n  shipping_notice: { window: null }\n');
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
    todoke.sandbox!.setNumber(PHONE, { sms: 'delivered', smsDelayMs: 10 });
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

  async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value, null, 1)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A follow or unfollow event, signed with the channel secret, as LINE sends it to todoke. */
  async function lineEvent(type: 'follow' | 'unfollow', eventId: string) {
    const body = JSON.stringify({
      destination: 'U00000000000000000000000000000000',
      events: [
        {
          type,
          mode: 'active',
          timestamp: Date.now(),
          source: { type: 'user', userId: USER },
          webhookEventId: eventId,
          deliveryContext: { isRedelivery: false },
          ...(type === 'follow' ? { replyToken: 'r', follow: { isUnblocked: true } } : {}),
        },
      ],
    });
    const response = await request(`${todoke.url}/webhooks/line/line-sandbox`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-line-signature': createHmac('sha256', SANDBOX_LINE.channelSecret).update(body).digest('base64'),
      },
      body,
    });
    await response.body.dump();
    return response.statusCode;
  }

  const notice = (text: string) =>
    call('POST', '/v1/messages', {
      to: { lineUserId: USER, phone: PHONE },
      purpose: 'shipping_notice',
      route: { steps: [{ channel: 'line_push', fallbackAfter: '10m' }, { channel: 'sms' }] },
      text,
    });
  const message = (id: string) =>
    until(
      async () => (await call('GET', `/v1/messages/${id}`)).body,
      (m) => m.status === 'delivered',
    );

  it('after an unfollow, push is skipped and the SMS goes at once; after a follow, push delivers again', async () => {
    expect(await lineEvent('unfollow', '01KAQ0000000000000000UNF01')).toBe(200);
    const first = await notice('ご注文の商品を発送しました。');
    expect(first.status).toBe(202);
    const skipped = await message(first.body.id);
    expect(skipped.deliveredVia).toBe('sms');
    expect(skipped.attempts.map((a: any) => a.channel)).toEqual(['sms']);
    expect(skipped.events).toContainEqual(
      expect.objectContaining({ type: 'suppressed', data: { channel: 'line_push' } }),
    );

    expect(await lineEvent('follow', '01KAQ0000000000000000FOL01')).toBe(200);
    const second = await notice('お届け予定日のお知らせです。');
    const pushed = await message(second.body.id);
    expect(pushed.deliveredVia).toBe('line_push');
    expect(pushed.attempts).toEqual([expect.objectContaining({ channel: 'line_push', status: 'delivered' })]);
    const ledger = await until(
      () => todoke.sandbox!.ledger(USER),
      (items) => items.length > 0,
    );
    expect(ledger).toEqual([
      expect.objectContaining({ channel: 'line_push', text: 'お届け予定日のお知らせです。' }),
    ]);
  });
});
