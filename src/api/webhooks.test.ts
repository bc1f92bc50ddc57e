import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINE_SECRET, TWILIO_TOKEN, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

const ATTEMPT = '01KAP8Y0XQ3M5N7R9T1V3X5Z7B';

function lineDelivery(eventId: string): string {
  return JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: [
      {
        type: 'delivery',
        mode: 'active',
        timestamp: 1_763_780_400_000,
        webhookEventId: eventId,
        deliveryContext: { isRedelivery: false },
        delivery: { data: ATTEMPT },
      },
    ],
  });
}

const lineSignature = (body: string, secret = LINE_SECRET) =>
  createHmac('sha256', secret).update(body).digest('base64');

function postLine(body: string, signature: string, path = '/webhooks/line/line-main') {
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-line-signature': signature },
    payload: body,
  });
}

/** Twilio's scheme: HMAC-SHA1 over the full URL followed by every POST parameter (name then value), sorted. */
function twilioSignature(url: string, params: Record<string, string>): string {
  const payload = Object.keys(params)
    .sort()
    .reduce((s, name) => s + name + params[name], url);
  return createHmac('sha1', TWILIO_TOKEN).update(payload).digest('base64');
}

describe('POST /webhooks/{provider}/{account}', () => {
  it('stores a signed LINE delivery event, answers 200 and wakes the engine', async () => {
    const body = lineDelivery('01HZZZZZZZZZZZZZZZZZZZZZZZ');
    const res = await postLine(body, lineSignature(body));
    expect(res.statusCode).toBe(200);
    expect(await t.store.pendingReceipts(10)).toEqual([
      expect.objectContaining({
        provider: 'line',
        account: 'line-main',
        eventId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
        attemptId: ATTEMPT,
        status: 'delivered',
        occurredAt: 1_763_780_400_000,
        receivedAt: t.clock.now(),
      }),
    ]);
    expect(t.wakes.receipts).toBe(1);
    expect(await t.metrics.webhooks.get()).toMatchObject({
      values: [{ labels: { provider: 'line', result: 'accepted' }, value: 1 }],
    });
  });

  it('stores a receipt sent twice only once', async () => {
    const body = lineDelivery('01HYYYYYYYYYYYYYYYYYYYYYYY');
    expect((await postLine(body, lineSignature(body))).statusCode).toBe(200);
    expect((await postLine(body, lineSignature(body))).statusCode).toBe(200);
    expect(await t.store.pendingReceipts(10)).toHaveLength(1);
  });

  it.each([
    ['a forged signature', lineSignature(lineDelivery('01HX'), 'not-the-secret')],
    ['no signature', ''],
  ])('refuses %s with 401 invalid_signature and stores nothing', async (_name, signature) => {
    const res = await postLine(lineDelivery('01HX'), signature);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'invalid_signature', status: 401 });
    expect(await t.store.pendingReceipts(10)).toEqual([]);
    expect(t.wakes.receipts).toBe(0);
    expect(await t.metrics.webhooks.get()).toMatchObject({
      values: [{ labels: { provider: 'line', result: 'invalid_signature' }, value: 1 }],
    });
  });

  it('checks the signature over the exact bytes received', async () => {
    const body = lineDelivery('01HW');
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    expect((await postLine(reformatted, lineSignature(body))).statusCode).toBe(401);
    expect((await postLine(reformatted, lineSignature(reformatted))).statusCode).toBe(200);
  });

  it('stores a signed Twilio status callback, checked against the public URL', async () => {
    const path = `/webhooks/twilio/twilio?attemptId=${ATTEMPT}`;
    const params = {
      MessageSid: 'SM0123',
      MessageStatus: 'delivered',
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
    };
    const res = await t.app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(`https://notify.example.co.jp${path}`, params),
      },
      payload: new URLSearchParams(params).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(await t.store.pendingReceipts(10)).toEqual([
      expect.objectContaining({
        provider: 'twilio',
        account: 'twilio',
        attemptId: ATTEMPT,
        providerMessageId: 'SM0123',
        status: 'delivered',
      }),
    ]);
  });

  it('refuses a Twilio callback signed for another URL', async () => {
    const params = { MessageSid: 'SM0124', MessageStatus: 'delivered' };
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/twilio/twilio',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature('https://attacker.example/webhooks/twilio/twilio', params),
      },
      payload: new URLSearchParams(params).toString(),
    });
    expect(res.statusCode).toBe(401);
    expect(await t.store.pendingReceipts(10)).toEqual([]);
  });

  it('answers 404 for an unknown account or an account of another provider', async () => {
    const body = lineDelivery('01HV');
    for (const path of [
      '/webhooks/line/nobody',
      '/webhooks/twilio/line-main',
      '/webhooks/pigeon/line-main',
    ]) {
      const res = await postLine(body, lineSignature(body), path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    }
    expect(await t.store.pendingReceipts(10)).toEqual([]);
  });

  it('answers 400 malformed_webhook for a signed body it cannot read', async () => {
    const body = '{"events": "no"}';
    const res = await postLine(body, lineSignature(body));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'malformed_webhook' });
  });

  it('needs no API key', async () => {
    const body = JSON.stringify({ destination: 'U0', events: [] });
    expect((await postLine(body, lineSignature(body))).statusCode).toBe(200);
    expect(t.wakes.receipts).toBe(0);
  });
});
