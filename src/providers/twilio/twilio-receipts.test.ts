import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { WebhookRequest } from '../provider.js';
import { parseTwilioWebhook, twilioSignedPayload, verifyTwilioSignature } from './receipts.js';

const TOKEN = 'twilio-auth-token-5e1d';
const URL_WITH_ATTEMPT =
  'https://notify.example.co.jp/webhooks/twilio/twilio?attemptId=01JD8W6R8Y4C2N5Q7T9V0X1Z3B';

function signed(params: Record<string, string>, url = URL_WITH_ATTEMPT, token = TOKEN): WebhookRequest {
  const form = new URLSearchParams(params);
  const signature = createHmac('sha1', token).update(twilioSignedPayload(url, form)).digest('base64');
  return { url, headers: { 'x-twilio-signature': signature }, rawBody: Buffer.from(form.toString()) };
}

const callback = (status: string, extra: Record<string, string> = {}): Record<string, string> => ({
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: '+15005550006',
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  MessageStatus: status,
  SmsSid: 'SM0123456789abcdef0123456789abcdef',
  SmsStatus: status,
  To: '+819012345678',
  ApiVersion: '2010-04-01',
  ...extra,
});

describe('Twilio signature', () => {
  it('matches the example in Twilio’s webhook security docs', () => {
    const params = new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    });
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(verifyTwilioSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
    expect(verifyTwilioSignature('12346', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
  });

  it('accepts a URL whose default port a proxy added or removed', () => {
    const request = signed(
      callback('sent'),
      'https://notify.example.co.jp:443/webhooks/twilio/twilio?attemptId=A',
    );
    const seen = { ...request, url: 'https://notify.example.co.jp/webhooks/twilio/twilio?attemptId=A' };
    expect(parseTwilioWebhook(TOKEN, seen).ok).toBe(true);
  });
});

describe('Twilio status callbacks', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 3, 0, 0));

  it.each([
    ['queued', 'sent'],
    ['accepted', 'sent'],
    ['sending', 'sent'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
  ] as const)(
    'MessageStatus %s is a %s receipt for the attempt in the callback URL',
    (twilioStatus, status) => {
      expect(parseTwilioWebhook(TOKEN, signed(callback(twilioStatus)), clock)).toEqual({
        ok: true,
        receipts: [
          {
            eventId: `SM0123456789abcdef0123456789abcdef:${twilioStatus}`,
            attemptId: '01JD8W6R8Y4C2N5Q7T9V0X1Z3B',
            providerMessageId: 'SM0123456789abcdef0123456789abcdef',
            status,
            occurredAt: clock.now(),
          },
        ],
      });
    },
  );

  it('carries the carrier error code of an undelivered message', () => {
    const result = parseTwilioWebhook(TOKEN, signed(callback('undelivered', { ErrorCode: '30003' })), clock);
    expect(result).toMatchObject({ ok: true, receipts: [{ status: 'undelivered', errorCode: '30003' }] });
  });

  it('skips statuses that say nothing about delivery', () => {
    expect(parseTwilioWebhook(TOKEN, signed(callback('scheduled')), clock)).toEqual({
      ok: true,
      receipts: [],
    });
  });

  it('has no attempt when the callback URL does not name one', () => {
    const url = 'https://notify.example.co.jp/webhooks/twilio/twilio';
    const result = parseTwilioWebhook(TOKEN, signed(callback('delivered'), url), clock);
    expect(result.ok && result.receipts[0]?.attemptId).toBeUndefined();
  });

  it('rejects a signature made with another token', () => {
    const request = signed(callback('delivered'), URL_WITH_ATTEMPT, 'another-token');
    expect(parseTwilioWebhook(TOKEN, request)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a body altered after signing', () => {
    const request = signed(callback('failed'));
    const altered = {
      ...request,
      rawBody: Buffer.from(request.rawBody.toString().replace('failed', 'delivered')),
    };
    expect(parseTwilioWebhook(TOKEN, altered)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a callback replayed to another attempt (the URL is signed too)', () => {
    const request = signed(callback('delivered'));
    const moved = { ...request, url: request.url.replace('3B', '3C') };
    expect(parseTwilioWebhook(TOKEN, moved)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a missing signature', () => {
    const request = signed(callback('sent'));
    expect(parseTwilioWebhook(TOKEN, { ...request, headers: {} })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('reports a correctly signed callback without MessageSid or MessageStatus as malformed', () => {
    expect(parseTwilioWebhook(TOKEN, signed({ To: '+819012345678' }))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});
