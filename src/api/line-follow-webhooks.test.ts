import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addressHmac } from '../core/suppression.js';
import { LINE_SECRET, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

const USER = 'U4af4980629a0c1e0b1d5e2f1a3b4c5d6';
const T0 = 1_763_780_400_000;

function event(type: 'follow' | 'unfollow', eventId: string, timestamp: number) {
  return {
    type,
    mode: 'active',
    timestamp,
    source: { type: 'user', userId: USER },
    webhookEventId: eventId,
    deliveryContext: { isRedelivery: false },
    ...(type === 'follow' ? { replyToken: 'r', follow: { isUnblocked: true } } : {}),
  };
}

function post(events: unknown[], secret = LINE_SECRET) {
  const body = JSON.stringify({ destination: 'U00000000000000000000000000000000', events });
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/line/line-main',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-line-signature': createHmac('sha256', secret).update(body).digest('base64'),
    },
    payload: body,
  });
}

const suppressions = async () =>
  (await t.store.findSuppressions([addressHmac(t.deps.config.secret, 'lineUserId', USER)])).map((s) => ({
    channel: s.channel,
    purposeClass: s.purposeClass,
    reason: s.reason,
  }));

const BLOCKED = [
  { channel: 'line_push', purposeClass: 'promotional', reason: 'line_unfollow' },
  { channel: 'line_push', purposeClass: 'transactional', reason: 'line_unfollow' },
];
const sorted = <T extends { purposeClass: string }>(list: T[]) =>
  [...list].sort((a, b) => a.purposeClass.localeCompare(b.purposeClass));

describe('LINE follow and unfollow webhooks', () => {
  it('unfollow suppresses push to the user for every purpose before answering; follow lifts it', async () => {
    expect((await post([event('unfollow', 'E1', T0)])).statusCode).toBe(200);
    expect(sorted(await suppressions())).toEqual(BLOCKED);
    const listed = await t.app.inject({ method: 'GET', url: '/v1/suppressions', headers: t.auth });
    expect(listed.json().items[0]).toMatchObject({ channel: 'line_push', reason: 'line_unfollow' });
    expect(JSON.stringify(listed.json())).not.toContain(USER);

    expect((await post([event('follow', 'E2', T0 + 1000)])).statusCode).toBe(200);
    expect(await suppressions()).toEqual([]);
  });

  it('lets the newest event win when a redelivered unfollow arrives after a later follow', async () => {
    await post([event('unfollow', 'E1', T0)]);
    await post([event('follow', 'E2', T0 + 1000)]);
    // LINE redelivers the unfollow it could not deliver before.
    expect(
      (await post([{ ...event('unfollow', 'E1', T0), deliveryContext: { isRedelivery: true } }])).statusCode,
    ).toBe(200);
    expect(await suppressions()).toEqual([]);

    // Out of order within one webhook, too.
    await post([event('unfollow', 'E4', T0 + 3000), event('follow', 'E3', T0 + 2000)]);
    expect(sorted(await suppressions())).toEqual(BLOCKED);
  });

  it('keeps a suppression an operator added when the user follows again', async () => {
    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/suppressions',
      headers: t.auth,
      payload: { lineUserId: USER, purposeClass: 'promotional' },
    });
    expect(added.statusCode).toBe(201);
    await post([event('unfollow', 'E1', T0)]);
    await post([event('follow', 'E2', T0 + 1000)]);
    expect(await suppressions()).toEqual([
      { channel: 'line_push', purposeClass: 'promotional', reason: 'api' },
    ]);
  });

  it('refuses a forged unfollow with 401 and suppresses nothing', async () => {
    const res = await post([event('unfollow', 'E1', T0)], 'not-the-channel-secret');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'invalid_signature' });
    expect(await suppressions()).toEqual([]);
  });
});
