import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { carrierUnits, CARRIER_RULES, CARRIERS, type Carrier } from '../core/text/carriers.js';
import {
  eventually,
  jsonOf,
  KARADEN_SERVICE,
  KARADEN_TENANT,
  startGatewayRehearsal,
  type GatewayRehearsal,
} from './gateway-test-clients.js';
import type { ReceivedRequest } from './test-receiver.js';

let r: GatewayRehearsal;
let counter = 0;

beforeAll(async () => {
  r = await startGatewayRehearsal();
});

afterAll(async () => {
  await r.close();
});

afterEach(() => {
  r.sandbox.clearFaults();
});

/** A fresh mobile number with these settings, in E.164 and in Karaden's domestic form. */
function freshNumber(settings: Parameters<GatewayRehearsal['sandbox']['setNumber']>[1] = {}) {
  const national = `80${String(++counter).padStart(8, '0')}`;
  r.sandbox.setNumber(`+81${national}`, { smsDelayMs: 0, ...settings });
  return { e164: `+81${national}`, to: `0${national}` };
}

const resultFor = (id: unknown) => (req: ReceivedRequest) => req.path === '/karaden' && jsonOf(req).id === id;

describe('Karaden emulator: メッセージ送信', () => {
  it('takes a message: 200 with the waiting Message, then the result, billed by carrier, and the ledger entry', async () => {
    const { e164, to } = freshNumber({ sms: 'delivered', smsDelayMs: 30 });
    const body = 'あ'.repeat(100);
    const answer = await r.karaden({ to, body, 'tags[]': ['todoke:01JD8W6R8Y4C2N5Q7T9V0X1Z3B', 'x'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      object: 'message',
      service_id: KARADEN_SERVICE,
      to,
      body,
      tags: ['todoke:01JD8W6R8Y4C2N5Q7T9V0X1Z3B', 'x'],
      status: 'waiting',
      result: 'processing',
      sent_result: 'none',
      carrier: 'checking',
      charged_count_per_sent: 0,
    });
    expect(answer.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);

    const [callback] = await r.receiver.waitFor(1, resultFor(answer.body.id));
    expect(callback!.headers['content-type']).toMatch(/^application\/json/);
    const result = jsonOf(callback!) as unknown as Record<string, unknown>;
    expect(result).toMatchObject({
      id: answer.body.id,
      status: 'done',
      result: 'done',
      sent_result: 'received',
    });
    expect(CARRIERS).toContain(result.carrier);
    const carrier = result.carrier as Carrier;
    expect(result.charged_count_per_sent).toBe(carrierUnits(100, CARRIER_RULES[carrier]));
    expect(result.received_at).toEqual(expect.any(String));
    expect(r.sandbox.ledger(e164)).toEqual([
      expect.objectContaining({
        channel: 'sms',
        provider: 'karaden',
        to: e164,
        text: body,
        attemptRef: answer.body.id,
      }),
    ]);
  });

  it.each([
    ['undelivered', 'done', 'unconnected'],
    ['failed', 'error', 'none'],
  ] as const)(
    'reports a %s number as %s / %s, unbilled and not in the ledger',
    async (sms, status, sentResult) => {
      const { e164, to } = freshNumber({ sms });
      const answer = await r.karaden({ to });
      expect(answer.status).toBe(200);
      const [callback] = await r.receiver.waitFor(1, resultFor(answer.body.id));
      expect(jsonOf(callback!)).toMatchObject({ status, sent_result: sentResult, charged_count_per_sent: 0 });
      expect(r.sandbox.ledger(e164)).toEqual([]);
    },
  );

  it('refuses a landline at once as a `to` validation error, and keeps nothing', async () => {
    const { e164, to } = freshNumber({ sms: 'landline' });
    const answer = await r.karaden({ to });
    expect(answer).toEqual({
      status: 422,
      body: {
        object: 'error',
        code: 'validation_error',
        message: 'バリデーションエラーが発生しました',
        errors: { to: [expect.any(String)] },
      },
    });
    expect(r.sandbox.ledger(e164)).toEqual([]);
  });

  it('checks credentials, tenant and version the way Karaden documents', async () => {
    const { to } = freshNumber();
    expect(await r.karaden({ to }, { token: 'nope' })).toMatchObject({
      status: 401,
      body: { object: 'error', code: 'unauthentication', errors: null },
    });
    expect(await r.karaden({ to }, { tenant: 'tenant-1' })).toMatchObject({
      status: 400,
      body: { code: 'invalid_tenant' },
    });
    expect(await r.karaden({ to }, { tenant: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      status: 404,
      body: { code: 'model_not_found' },
    });
    expect(await r.karaden({ to }, { headers: { 'karaden-version': '1999-01-01' } })).toMatchObject({
      status: 400,
      body: { code: 'invalid_version' },
    });
  });

  it('names every invalid field in a 422', async () => {
    const answer = await r.karaden({
      service_id: '99',
      to: '0312345678',
      body: 'x'.repeat(661),
      scheduled_at: 'soon',
    });
    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.errors as object).sort()).toEqual([
      'body',
      'scheduled_at',
      'service_id',
      'to',
    ]);
    const empty = await r.karaden({ service_id: '', body: '' });
    expect(Object.keys(empty.body.errors as object).sort()).toEqual(['body', 'service_id', 'to']);
  });
});

describe('Karaden emulator: faults', () => {
  it('5xx and 429 refuse without taking the message', async () => {
    const { e164, to } = freshNumber({ sms: 'delivered' });
    r.sandbox.addFault({ provider: 'karaden', kind: '5xx' });
    expect(await r.karaden({ to })).toEqual({
      status: 500,
      body: { object: 'error', code: 'unknown', message: '不明なエラーが発生しました', errors: null },
    });
    r.sandbox.addFault({ provider: 'karaden', kind: '429' });
    expect(await r.karaden({ to })).toMatchObject({ status: 429, body: { object: 'error' } });
    expect((await r.karaden({ to })).status).toBe(200);
    await eventually(() => (r.sandbox.ledger(e164).length === 1 ? true : undefined));
  });

  it('timeout takes the message but never answers: its result still comes', async () => {
    const { e164, to } = freshNumber({ sms: 'delivered' });
    r.sandbox.addFault({ provider: 'karaden', kind: 'timeout' });
    await expect(r.karaden({ to, 'tags[]': `todoke:timeout-${to}` }, { timeoutMs: 200 })).rejects.toThrow();
    const [callback] = await r.receiver.waitFor(1, (req) => req.path === '/karaden' && jsonOf(req).to === to);
    expect(jsonOf(callback!)).toMatchObject({ tags: [`todoke:timeout-${to}`], sent_result: 'received' });
    expect(r.sandbox.ledger(e164)).toHaveLength(1);
  });

  it('duplicate_receipts sends the result twice', async () => {
    const { to } = freshNumber();
    r.sandbox.addFault({ provider: 'karaden', kind: 'duplicate_receipts' });
    const answer = await r.karaden({ to });
    const [a, b] = await r.receiver.waitFor(2, resultFor(answer.body.id));
    expect(b!.rawBody.equals(a!.rawBody)).toBe(true);
  });

  it('reorder_receipts holds a result until the next message’s result has gone', async () => {
    const first = freshNumber();
    const second = freshNumber({ smsDelayMs: 50 });
    r.sandbox.addFault({ provider: 'karaden', kind: 'reorder_receipts' });
    const a = await r.karaden({ to: first.to });
    const b = await r.karaden({ to: second.to });
    await r.receiver.waitFor(1, resultFor(a.body.id));
    const order = r.receiver.requests.filter((q) => q.path === '/karaden').map((q) => jsonOf(q).id);
    expect(order.indexOf(b.body.id as string)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(b.body.id as string)).toBeLessThan(order.indexOf(a.body.id as string));
  });

  it('delay_receipts delays the result, not the delivery', async () => {
    const { e164, to } = freshNumber();
    r.sandbox.addFault({ provider: 'karaden', kind: 'delay_receipts', delayMs: 1500 });
    const answer = await r.karaden({ to });
    await eventually(() => (r.sandbox.ledger(e164).length === 1 ? true : undefined));
    expect(r.receiver.requests.filter(resultFor(answer.body.id))).toHaveLength(0);
    await r.receiver.waitFor(1, resultFor(answer.body.id));
  });

  it('latency applies to the Karaden emulator alone', async () => {
    const { to } = freshNumber();
    const set = await r.control('PUT', '/__sandbox/latency', { karaden: { minMs: 150, maxMs: 150 } });
    expect(set.body).toMatchObject({ karaden: { minMs: 150, maxMs: 150 }, vonage: { minMs: 0, maxMs: 0 } });
    const started = performance.now();
    expect((await r.karaden({ to })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(148);
    await r.control('DELETE', '/__sandbox/latency');
  });

  it('counts arrivals in the request log', async () => {
    const { to } = freshNumber();
    const before = (await r.control('GET', '/__sandbox/requests?provider=karaden')).body.count as number;
    await r.karaden({ to });
    expect((await r.control('GET', '/__sandbox/requests?provider=karaden')).body.count).toBe(before + 1);
  });
});

describe('Karaden emulator: accounts through the control API', () => {
  it('configures a token, its tenant and service', async () => {
    const put = await r.control('PUT', '/__sandbox/karaden/accounts', {
      tenantId: KARADEN_TENANT,
      token: 'second-token',
      serviceId: 9,
      callbackUrl: null,
    });
    expect(put).toEqual({ status: 200, body: { tenantId: KARADEN_TENANT, serviceId: 9 } });
    const { to } = freshNumber();
    expect((await r.karaden({ to, service_id: '9' }, { token: 'second-token' })).status).toBe(200);
    const bad = await r.control('PUT', '/__sandbox/karaden/accounts', {
      tenantId: 'x',
      token: 't',
      serviceId: 0,
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_account' } });
  });
});
