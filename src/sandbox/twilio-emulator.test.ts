import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';

const SID = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'twilio-auth-token';
const FROM = '+15017122661';

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureTwilioAccount({ accountSid: SID, authToken: TOKEN });
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

async function create(
  form: Record<string, string>,
  auth: { sid?: string; token?: string; path?: string } = {},
) {
  const basic = Buffer.from(`${auth.sid ?? SID}:${auth.token ?? TOKEN}`).toString('base64');
  const res = await request(
    `${sandbox.twilioBaseUrl}/2010-04-01/Accounts/${auth.path ?? SID}/Messages.json`,
    {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    },
  );
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const callbackUrl = (name: string) => `${receiver.url}/webhooks/twilio/main?case=${name}`;
const params = (r: ReceivedRequest) => Object.fromEntries(new URLSearchParams(r.rawBody.toString('utf8')));
const callbacksFor = (sid: string) => (r: ReceivedRequest) => params(r).MessageSid === sid;

/** Twilio's scheme, computed here independently: HMAC-SHA1(token, url + sorted name+value pairs), base64. */
function expectedSignature(url: string, p: Record<string, string>): string {
  const data =
    url +
    Object.keys(p)
      .sort()
      .map((k) => k + p[k])
      .join('');
  return createHmac('sha1', TOKEN).update(data).digest('base64');
}

describe('Twilio Messages emulator', () => {
  it('refuses wrong credentials with 401 and error 20003', async () => {
    const form = { To: '+819012345678', From: FROM, Body: 'hi' };
    for (const auth of [
      { token: 'wrong' },
      { sid: 'AC' + 'f'.repeat(32) },
      { path: 'AC' + 'e'.repeat(32) },
    ]) {
      const res = await create(form, auth);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
  });

  it('refuses a To that is not E.164 with 400 and error 21211', async () => {
    const res = await create({ To: '090-1234-5678', From: FROM, Body: 'hi' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 21211,
      message: "The 'To' number 090-1234-5678 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
  });

  it('refuses a landline with 400 and error 21614', async () => {
    sandbox.setNumber('+81312345678', { sms: 'landline' });
    const res = await create({ To: '+81312345678', From: FROM, Body: 'hi' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 21614,
      message: "'To' number is not a valid mobile number",
      status: 400,
    });
  });

  it('refuses a missing Body with 400 and error 21602', async () => {
    const res = await create({ To: '+819012345678', From: FROM });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 21602, message: 'Message body is required.', status: 400 });
  });

  it('takes media or a content template in place of a body, as Twilio does', async () => {
    const media = await create({ To: '+819012340101', From: FROM, MediaUrl: 'https://example.com/a.png' });
    expect(media.status).toBe(201);
    const content = await create({ To: '+819012340102', From: FROM, ContentSid: 'HX' + '0'.repeat(32) });
    expect(content.status).toBe(201);
  });

  it('refuses a malformed Messaging Service SID with 21705 and a StatusCallback that is no URL with 21609', async () => {
    const service = await create({ To: '+819012340103', MessagingServiceSid: 'MG1', Body: 'hi' });
    expect(service).toMatchObject({ status: 400, body: { code: 21705 } });
    const callback = await create({
      To: '+819012340104',
      From: FROM,
      Body: 'hi',
      StatusCallback: 'not a url',
    });
    expect(callback).toMatchObject({ status: 400, body: { code: 21609 } });
  });

  it('answers 201 with the queued Message resource, segments counted as Twilio does', async () => {
    const body = 'ご注文の商品を発送しました。'.repeat(5); // 70 UCS-2 characters: one segment
    const res = await create({ To: '+819012340001', From: FROM, Body: body });
    expect(res.status).toBe(201);
    const m = res.body;
    expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(m).toMatchObject({
      account_sid: SID,
      api_version: '2010-04-01',
      body,
      direction: 'outbound-api',
      from: FROM,
      to: '+819012340001',
      status: 'queued',
      num_segments: '1',
      num_media: '0',
      price: null,
      price_unit: 'USD',
      error_code: null,
      error_message: null,
      date_sent: null,
      messaging_service_sid: null,
      uri: `/2010-04-01/Accounts/${SID}/Messages/${String(m.sid)}.json`,
    });
    expect(m.date_created).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    const longer = await create({ To: '+819012340001', From: FROM, Body: body + 'あ' });
    expect(longer.body.num_segments).toBe('2');
  });

  it('sends signed callbacks: sent, then delivered after the delay, when the ledger gets the message', async () => {
    const to = '+819012340002';
    sandbox.setNumber(to, { sms: 'delivered', smsDelayMs: 300 });
    const url = callbackUrl('delivered');
    const sentAt = Date.now();
    const res = await create({ To: to, From: FROM, Body: '認証コードは 123456 です', StatusCallback: url });
    const sid = String(res.body.sid);

    const [sent] = await receiver.waitFor(1, callbacksFor(sid));
    expect(params(sent!).MessageStatus).toBe('sent');
    expect(sandbox.ledger(to)).toEqual([]);

    const callbacks = await receiver.waitFor(2, callbacksFor(sid));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(280);
    const delivered = callbacks[1]!;
    expect(delivered.path).toBe('/webhooks/twilio/main?case=delivered');
    const p = params(delivered);
    expect(p).toMatchObject({
      AccountSid: SID,
      ApiVersion: '2010-04-01',
      From: FROM,
      To: to,
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
    });
    expect(p.ErrorCode).toBeUndefined();
    for (const cb of callbacks) {
      expect(cb.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(cb.headers['x-twilio-signature']).toBe(expectedSignature(url, params(cb)));
    }
    expect(sandbox.ledger(to)).toEqual([
      {
        channel: 'sms',
        provider: 'twilio',
        to,
        text: '認証コードは 123456 です',
        at: expect.any(String),
        attemptRef: sid,
      },
    ]);
  });

  it('reports undelivered with ErrorCode 30003 and records nothing in the ledger', async () => {
    const to = '+819012340003';
    sandbox.setNumber(to, { sms: 'undelivered', smsDelayMs: 0 });
    const res = await create({ To: to, From: FROM, Body: 'x', StatusCallback: callbackUrl('undelivered') });
    const callbacks = (await receiver.waitFor(2, callbacksFor(String(res.body.sid)))).map(params);
    // Both are due at once here: they may arrive in either order, as with Twilio.
    expect(callbacks.map((c) => c.MessageStatus).sort()).toEqual(['sent', 'undelivered']);
    expect(callbacks.find((c) => c.MessageStatus === 'undelivered')?.ErrorCode).toBe('30003');
    expect(sandbox.ledger(to)).toEqual([]);
  });

  it('reports failed with ErrorCode 30008', async () => {
    const to = '+819012340004';
    sandbox.setNumber(to, { sms: 'failed', smsDelayMs: 0 });
    const res = await create({ To: to, From: FROM, Body: 'x', StatusCallback: callbackUrl('failed') });
    const [failed] = await receiver.waitFor(1, callbacksFor(String(res.body.sid)));
    expect(params(failed!)).toMatchObject({ MessageStatus: 'failed', ErrorCode: '30008' });
    expect(sandbox.ledger(to)).toEqual([]);
  });

  it('delivers to a number nobody configured after 100 ms, callback or not', async () => {
    const to = '+819012340099';
    const sentAt = Date.now();
    const res = await create({ To: to, From: FROM, Body: 'no callback' });
    expect(res.status).toBe(201);
    while (sandbox.ledger(to).length === 0) {
      expect(Date.now() - sentAt).toBeLessThan(5_000);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(90);
    expect(sandbox.ledger(to)[0]?.attemptRef).toBe(res.body.sid);
  });

  it('accepts a Messaging Service instead of From, as Twilio does', async () => {
    const service = 'MG' + 'a'.repeat(32);
    const res = await create({ To: '+819012340005', MessagingServiceSid: service, Body: 'hi' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'accepted',
      from: null,
      messaging_service_sid: service,
      num_segments: '0',
    });
  });
});
