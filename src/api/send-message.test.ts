import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { phoneHmac } from '../core/phone.js';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

const base = {
  to: { phone: '090-1234-5678' },
  purpose: 'payment_reminder',
  route: 'line-then-sms',
  text: 'お支払いのお願い',
};

function send(body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { ...t.auth, ...headers },
    payload: body as object,
  });
}

describe('POST /v1/messages', () => {
  it('stores the message with its resolved route, E.164 phone and phone HMAC, and answers 202', async () => {
    const res = await send({ ...base, metadata: { invoice: 'INV-1' }, priority: 'bulk' });
    expect(res.statusCode).toBe(202);
    const { id, status } = res.json<{ id: string; status: string }>();
    expect(status).toBe('accepted');
    const stored = await t.store.getMessage(id);
    expect(stored).toMatchObject({
      idempotencyKey: id,
      phone: '+819012345678',
      phoneHmac: phoneHmac('test-secret-0123456789', '+819012345678'),
      purpose: 'payment_reminder',
      priority: 'bulk',
      metadata: { invoice: 'INV-1' },
      content: { text: 'お支払いのお願い' },
      route: {
        name: 'line-then-sms',
        steps: [
          { channel: 'line_pnp', accounts: ['line-main'], fallbackAfterMs: 900_000 },
          { channel: 'sms', accounts: ['twilio', 'twilio-backup'], fallbackAfterMs: 1_800_000 },
        ],
      },
      createdAt: t.clock.now(),
    });
    expect(stored!.apiKeyId).not.toBeNull();
    expect(t.wakes.accepted).toBe(1);
    expect(await t.metrics.accepted.get()).toMatchObject({ values: [{ value: 1 }] });
  });

  it('turns half-width katakana full-width in the SMS text only, since carriers garble them', async () => {
    const res = await send({ ...base, text: 'ｵｼﾊﾗｲ ｷｹﾞﾝ ﾊﾞﾝｺﾞｳ' });
    const stored = await t.store.getMessage(res.json<{ id: string }>().id);
    expect(stored!.content.text).toBe('ｵｼﾊﾗｲ ｷｹﾞﾝ ﾊﾞﾝｺﾞｳ');
    expect(stored!.content.channels?.sms?.text).toBe('オシハライ キゲン バンゴウ');
  });

  it('resolves an inline route: accounts default to every account of the channel, waits to the defaults', async () => {
    const res = await send({
      ...base,
      route: {
        steps: [
          { channel: 'line_pnp', fallbackAfter: '5m' },
          { channel: 'sms', accounts: ['twilio-backup'] },
        ],
      },
      content: { sms: { text: 'SMS 用の本文' } },
      sendAt: '2026-11-23T09:00:00+09:00',
      expiresAt: '2026-11-24T09:00:00+09:00',
    });
    expect(res.statusCode).toBe(202);
    const stored = await t.store.getMessage(res.json<{ id: string }>().id);
    expect(stored!.route).toEqual({
      name: null,
      steps: [
        { channel: 'line_pnp', accounts: ['line-main'], fallbackAfterMs: 300_000, retry: expect.any(Object) },
        {
          channel: 'sms',
          accounts: ['twilio-backup'],
          fallbackAfterMs: 1_800_000,
          retry: expect.any(Object),
        },
      ],
    });
    expect(stored!.content).toEqual({
      text: 'お支払いのお願い',
      channels: { sms: { text: 'SMS 用の本文' } },
    });
    expect(stored!.sendAt).toBe(Date.parse('2026-11-23T00:00:00Z'));
    expect(stored!.expiresAt).toBe(Date.parse('2026-11-24T00:00:00Z'));
  });

  it.each([
    '090-1234-5678',
    '09012345678',
    '０９０－１２３４－５６７８',
    '+81 90 1234 5678',
    '81-90-1234-5678',
    '+81-(0)90-1234-5678',
    ' 090 1234 5678 ',
  ])('accepts the phone number %j', async (phone) => {
    const res = await send({ ...base, to: { phone } });
    expect(res.statusCode).toBe(202);
    expect((await t.store.getMessage(res.json<{ id: string }>().id))!.phone).toBe('+819012345678');
  });
});

describe('POST /v1/messages problems', () => {
  async function problem(body: unknown, headers?: Record<string, string>) {
    const res = await send(body, headers);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const json = res.json<{ type: string; title: string; status: number; code: string; detail: string }>();
    expect(json.status).toBe(res.statusCode);
    expect(json.type).toBe(`https://todoke.dev/problems/${json.code}`);
    expect(json.title).toEqual(expect.any(String));
    return json;
  }

  it.each([
    [
      'invalid_phone',
      { ...base, to: { phone: '0312' } },
      '電話番号の形式が正しくありません / The phone number is not valid: "0312"',
    ],
    ['not_sms_capable', { ...base, to: { phone: '03-1234-5678' } }, /SMS.*fixed line/],
    ['not_sms_capable', { ...base, to: { phone: '020-1234-5678' } }, /pager/],
    ['unknown_route', { ...base, route: 'carrier-pigeon' }, /No route named "carrier-pigeon"/],
    ['unknown_purpose', { ...base, purpose: 'gossip' }, /The purpose "gossip" is not configured/],
    ['missing_recipient', { ...base, to: { email: 'a@example.jp' } }, /line_pnp step needs to\.phone/],
    [
      'missing_recipient',
      { ...base, to: { lineUserId: `U${'0'.repeat(32)}` }, route: 'sms-only' },
      /sms step needs to\.phone/,
    ],
    ['missing_content', { ...base, text: undefined }, /No content for line_pnp/],
    [
      'missing_content',
      { ...base, text: undefined, content: { line_pnp: { text: 'x' } } },
      /No content for sms/,
    ],
    [
      'no_account_for_channel',
      { ...base, to: { email: 'a@example.jp' }, route: { steps: [{ channel: 'email' }] } },
      /no account serves channel email/,
    ],
    [
      'no_account_for_channel',
      { ...base, route: { steps: [{ channel: 'sms', accounts: ['line-main'] }] } },
      /does not serve channel sms/,
    ],
    [
      'no_account_for_channel',
      { ...base, route: { steps: [{ channel: 'sms', accounts: ['nope'] }] } },
      /no account named "nope"/,
    ],
  ])('%s: %j', async (code, body, detail) => {
    const json = await problem(body);
    expect(json).toMatchObject({ status: 422, code });
    if (typeof detail === 'string') expect(json.detail).toBe(detail);
    else expect(json.detail).toMatch(detail);
    expect(json.detail).toMatch(/^[^/]*[\u3040-\u30ff\u4e00-\u9fff][^/]* \/ [\x20-\x7e]+$/); // Japanese, then English
  });

  it('lists each invalid field under validation_failed', async () => {
    const json = await problem({ to: { phone: 5 }, route: 'line-then-sms', priority: 'urgent', extra: 1 });
    expect(json).toMatchObject({ status: 422, code: 'validation_failed' });
    const paths = (json as unknown as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['to.phone', 'purpose', 'priority', '']));
  });

  it.each([
    ['expiresAt in the past', { expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
    [
      'expiresAt before sendAt',
      { sendAt: '2027-01-02T00:00:00+09:00', expiresAt: '2027-01-01T00:00:00+09:00' },
      'expiresAt',
    ],
    ['a time without offset', { sendAt: '2027-01-02T00:00:00' }, 'sendAt'],
    ['metadata over 16 KB', { metadata: { blob: 'x'.repeat(17_000) } }, 'metadata'],
    ['a malformed LINE user ID', { to: { phone: '09012345678', lineUserId: 'bob' } }, 'to.lineUserId'],
  ])('refuses %s', async (_name, extra, path) => {
    const json = await problem({ ...base, ...extra });
    expect(json).toMatchObject({
      status: 422,
      code: 'validation_failed',
      errors: [expect.objectContaining({ path })],
    });
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: '{"to":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'malformed_json' });
  });

  it('answers an unknown URL with 404 not_found', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: t.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('answers an unexpected failure with 500 internal without revealing it', async () => {
    await t.app.register(async (scope) => {
      scope.get('/boom', async () => {
        throw new Error('database password is hunter2');
      });
    });
    const res = await t.app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal', status: 500 });
    expect(res.body).not.toContain('hunter2');
  });

  it('stores nothing for a refused message', async () => {
    await send({ ...base, purpose: 'gossip' });
    expect(await t.store.listMessages({ limit: 10 })).toEqual([]);
    expect(t.wakes.accepted).toBe(0);
  });
});

describe('idempotency', () => {
  it('answers a retry with the same body with the original message (200)', async () => {
    const first = await send({ ...base, idempotencyKey: 'order-1' });
    const again = await send({ ...base, idempotencyKey: 'order-1' });
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await t.store.listMessages({ limit: 10 })).toHaveLength(1);
    expect(t.wakes.accepted).toBe(1);
  });

  it('treats the header and the field as the same key', async () => {
    const first = await send(base, { 'idempotency-key': 'order-2' });
    const again = await send({ ...base, idempotencyKey: 'order-2' });
    expect(again.statusCode).toBe(200);
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
  });

  it('ignores field order and defaults when comparing bodies', async () => {
    const first = await send({ idempotencyKey: 'order-3', ...base });
    const again = await send({
      priority: 'realtime',
      text: base.text,
      route: base.route,
      purpose: base.purpose,
      to: base.to,
      idempotencyKey: 'order-3',
    });
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
  });

  it('refuses the same key with a different body: 409 idempotency_conflict', async () => {
    await send({ ...base, idempotencyKey: 'order-4' });
    const res = await send({ ...base, text: '別の本文', idempotencyKey: 'order-4' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'idempotency_conflict', status: 409 });
  });

  it('refuses a header and a field that disagree', async () => {
    const res = await send({ ...base, idempotencyKey: 'a' }, { 'idempotency-key': 'b' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'idempotencyKey' }] });
  });

  it('without a key, every request is a new message', async () => {
    const a = await send(base);
    const b = await send(base);
    expect(a.json<{ id: string }>().id).not.toBe(b.json<{ id: string }>().id);
  });
});
