import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';

const SID = 'AC' + '1'.repeat(32);
const TOKEN = 'fetch-token';
const OTHER_SID = 'AC' + '2'.repeat(32);
const OTHER_TOKEN = 'other-token';
const FROM = '+15017122661';
const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

type Resource = Record<string, unknown>;
interface Auth {
  sid?: string;
  token?: string;
  path?: string;
}

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureTwilioAccount({ accountSid: SID, authToken: TOKEN });
  sandbox.configureTwilioAccount({ accountSid: OTHER_SID, authToken: OTHER_TOKEN });
});

afterAll(async () => {
  await sandbox.close();
});

const basic = (a: Auth) => `Basic ${Buffer.from(`${a.sid ?? SID}:${a.token ?? TOKEN}`).toString('base64')}`;

async function create(form: Record<string, string>, auth: Auth = {}) {
  const res = await request(`${sandbox.twilioBaseUrl}/2010-04-01/Accounts/${auth.sid ?? SID}/Messages.json`, {
    method: 'POST',
    headers: { authorization: basic(auth), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Resource };
}

async function fetchMessage(sid: string, auth: Auth | null = {}) {
  const path = `/2010-04-01/Accounts/${auth?.path ?? auth?.sid ?? SID}/Messages/${sid}.json`;
  const res = await request(`${sandbox.twilioBaseUrl}${path}`, {
    headers: auth === null ? {} : { authorization: basic(auth) },
  });
  return { status: res.statusCode, body: (await res.body.json()) as Resource, path };
}

/** Fetches every 10 ms until the message reaches `status`; returns each distinct status seen, in order. */
async function watch(sid: string, status: string) {
  const seen: string[] = [];
  for (const started = Date.now(); Date.now() - started < 5_000;) {
    const { body } = await fetchMessage(sid);
    if (seen.at(-1) !== body.status) seen.push(String(body.status));
    if (body.status === status) return { seen, last: body };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${sid} never became ${status}; saw ${seen.join(', ')}`);
}

describe('Twilio Fetch Message emulator', () => {
  it('follows a delivered message: queued, sent, then delivered once the delay is over', async () => {
    const to = '+819055550001';
    sandbox.setNumber(to, { sms: 'delivered', smsDelayMs: 300 });
    const before = Date.now();
    const created = await create({ To: to, From: FROM, Body: 'ご注文の商品を発送しました。' });
    expect(created.body.status).toBe('queued');
    const sid = String(created.body.sid);

    const { seen, last } = await watch(sid, 'delivered');
    expect(Date.now() - before).toBeGreaterThanOrEqual(300);
    // The first fetch may come after the 20 ms `sent` takes; the order never goes back.
    expect(seen.filter((s) => s !== 'queued')).toEqual(['sent', 'delivered']);
    expect(last).toEqual({
      ...created.body,
      status: 'delivered',
      date_sent: expect.stringMatching(RFC2822),
      date_updated: expect.stringMatching(RFC2822),
    });
    // The ledger gets it when the delivery job fires, a moment after the status turned.
    while (sandbox.ledger(to).length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(sandbox.ledger(to)).toMatchObject([{ attemptRef: sid }]);
  });

  it('agrees with the ledger: once the person has the message, it is delivered', async () => {
    const to = '+819055550007';
    sandbox.setNumber(to, { sms: 'delivered', smsDelayMs: 50 });
    const created = await create({ To: to, From: FROM, Body: 'x' });
    while (sandbox.ledger(to).length === 0) await new Promise((r) => setTimeout(r, 5));
    expect((await fetchMessage(String(created.body.sid))).body.status).toBe('delivered');
  });

  it('reports an undelivered message as sent, then undelivered with 30003', async () => {
    const to = '+819055550002';
    sandbox.setNumber(to, { sms: 'undelivered', smsDelayMs: 200 });
    const created = await create({ To: to, From: FROM, Body: 'x' });
    const { seen, last } = await watch(String(created.body.sid), 'undelivered');
    expect(seen.filter((s) => s !== 'queued')).toEqual(['sent', 'undelivered']);
    expect(last).toMatchObject({
      error_code: 30003,
      error_message: 'Unreachable destination handset',
      date_sent: expect.stringMatching(RFC2822),
    });
  });

  it('keeps a failing message queued for the whole delay, then failed with 30008 and no send date', async () => {
    const to = '+819055550003';
    sandbox.setNumber(to, { sms: 'failed', smsDelayMs: 600 });
    const before = Date.now();
    const created = await create({ To: to, From: FROM, Body: 'x' });
    const sid = String(created.body.sid);
    const early = await fetchMessage(sid);
    expect(Date.now() - before).toBeLessThan(600);
    expect(early.body).toEqual(created.body);

    const { seen, last } = await watch(sid, 'failed');
    expect(seen).toEqual(['queued', 'failed']);
    expect(last).toMatchObject({
      error_code: 30008,
      error_message: 'Unknown error',
      date_sent: null,
      date_updated: expect.stringMatching(RFC2822),
    });
  });

  it('shows the sender a Messaging Service picked once the message is sent', async () => {
    const service = 'MG' + 'a'.repeat(32);
    const created = await create({ To: '+819055550004', MessagingServiceSid: service, Body: 'hi' });
    expect(created.body).toMatchObject({ status: 'accepted', from: null, num_segments: '0' });
    const { last } = await watch(String(created.body.sid), 'delivered');
    expect(last).toMatchObject({ from: '+15005550006', num_segments: '1', messaging_service_sid: service });
  });

  it('refuses wrong credentials with 401 and error 20003', async () => {
    const created = await create({ To: '+819055550005', From: FROM, Body: 'x' });
    const sid = String(created.body.sid);
    for (const auth of [{ token: 'wrong' }, { path: OTHER_SID }, { sid: OTHER_SID }, null]) {
      const res = await fetchMessage(sid, auth);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 20003, message: 'Authenticate', status: 401 });
    }
  });

  it("answers 404 with error 20404 for an unknown SID and for another account's message", async () => {
    const unknown = await fetchMessage('SM' + '0'.repeat(32));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      code: 20404,
      message: `The requested resource ${unknown.path} was not found`,
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });

    const created = await create({ To: '+819055550006', From: FROM, Body: 'x' });
    const theirs = await fetchMessage(String(created.body.sid), { sid: OTHER_SID, token: OTHER_TOKEN });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toMatchObject({ code: 20404, status: 404 });
  });
});
