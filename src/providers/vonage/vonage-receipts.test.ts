import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { WebhookRequest } from '../provider.js';
import {
  parseVonageWebhook,
  verifyVonageSignature,
  vonageSignature,
  type VonageSignatureMethod,
} from './receipts.js';

const KEY = 'abcd1234';
const URL = 'https://notify.example.co.jp/webhooks/vonage/vonage';
const ATTEMPT = '01JD8W6R8Y4C2N5Q7T9V0X1Z3B';

function dlr(fields: Record<string, string> = {}): Record<string, string> {
  return {
    msisdn: '819012345678',
    to: 'TODOKE',
    'network-code': '44010',
    messageId: '0A0000001234567B',
    price: '0.03330000',
    status: 'delivered',
    scts: '2611221200',
    'err-code': '0',
    'api-key': KEY,
    'client-ref': ATTEMPT,
    'message-timestamp': '2026-11-22 12:00:05',
    ...fields,
  };
}

const json = (params: Record<string, string>): WebhookRequest => ({
  url: URL,
  headers: { 'content-type': 'application/json' },
  rawBody: Buffer.from(JSON.stringify(params)),
});

function signed(
  params: Record<string, string>,
  secret: string,
  method: VonageSignatureMethod,
): WebhookRequest {
  const withNonce = { ...params, timestamp: '1795348805', nonce: 'ec11dd3e-1e7f-4db5-9467-82b02cd223b9' };
  return json({ ...withNonce, sig: vonageSignature(secret, withNonce, method) });
}

describe('Vonage signature', () => {
  // The vectors of Vonage's own SDK tests (vonage-node-sdk, packages/sms/__tests__/__dataSets__/signature.ts).
  const params = {
    'message-timestamp': '2013-11-21 15:27:30',
    messageId: '020000001B0FE827',
    msisdn: '14843472194',
    text: 'Test again',
    timestamp: '1385047698',
    to: '13239877404',
    type: 'text',
  };
  const secret = 'my_secret_key_for_testing';

  it.each([
    ['md5hash', 'd2e7b1dc968737c5998ad624e02f90b7'],
    ['md5', 'DDEBD46008C2D4E93CCE578A332A52D5'],
    ['sha1', '27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A'],
    ['sha256', 'DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330'],
  ] as const)('matches Vonage’s %s vector', (method, sig) => {
    expect(verifyVonageSignature(secret, { ...params, sig }, method)).toBe(true);
    expect(verifyVonageSignature('another', { ...params, sig }, method)).toBe(false);
  });

  it('replaces & and = in values before signing', () => {
    const a = vonageSignature('s', { text: 'a&b=c' }, 'sha256');
    expect(a).toBe(vonageSignature('s', { text: 'a_b_c' }, 'sha256'));
  });
});

describe('Vonage delivery receipts', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 3, 0, 0));
  const account = { apiKey: KEY };

  it.each([
    ['delivered', 'delivered', undefined, '0'],
    ['accepted', 'sent', undefined, '0'],
    ['buffered', 'sent', undefined, '0'],
    ['expired', 'undelivered', '2', '2'],
    ['failed', 'undelivered', '4', '4'],
    ['rejected', 'failed', '6', '6'],
  ] as const)(
    'status %s is a %s receipt for the attempt in client-ref',
    (status, expected, errorCode, errCode) => {
      expect(parseVonageWebhook(account, json(dlr({ status, 'err-code': errCode })), clock)).toEqual({
        ok: true,
        receipts: [
          {
            eventId: `0A0000001234567B:${status}`,
            attemptId: ATTEMPT,
            providerMessageId: '0A0000001234567B',
            status: expected,
            errorCode,
            occurredAt: Date.UTC(2026, 10, 22, 12, 0, 5),
          },
        ],
      });
    },
  );

  it('reads form-encoded receipts (POST) and query receipts (GET) too', () => {
    const form = { url: URL, headers: {}, rawBody: Buffer.from(new URLSearchParams(dlr()).toString()) };
    expect(parseVonageWebhook(account, form, clock)).toMatchObject({
      ok: true,
      receipts: [{ status: 'delivered' }],
    });
    const get = {
      url: `${URL}?${new URLSearchParams(dlr({ status: 'failed' }))}`,
      headers: {},
      rawBody: Buffer.alloc(0),
    };
    expect(parseVonageWebhook(account, get, clock)).toMatchObject({
      ok: true,
      receipts: [{ status: 'undelivered' }],
    });
  });

  it('skips statuses it does not know, and uses the time it was read when message-timestamp is unreadable', () => {
    expect(parseVonageWebhook(account, json(dlr({ status: 'deleted' })), clock)).toEqual({
      ok: true,
      receipts: [],
    });
    const parsed = parseVonageWebhook(account, json(dlr({ 'message-timestamp': 'now' })), clock);
    expect(parsed).toMatchObject({ ok: true, receipts: [{ occurredAt: clock.now() }] });
  });

  it('refuses a receipt of another API key, or none, when receipts are unsigned', () => {
    expect(parseVonageWebhook(account, json(dlr({ 'api-key': 'zzzz9999' })))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const { 'api-key': _, ...keyless } = dlr();
    expect(parseVonageWebhook(account, json(keyless))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reports a body without messageId or status, or not JSON or a form, as malformed', () => {
    const { messageId: _, ...noId } = dlr();
    expect(parseVonageWebhook(account, json(noId))).toMatchObject({ ok: false, reason: 'malformed' });
    const broken = { url: URL, headers: {}, rawBody: Buffer.from('{"status":') };
    expect(parseVonageWebhook(account, broken)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  describe('signed', () => {
    const secret = 'vonage-signature-secret';

    it.each(['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const)(
      'accepts a receipt signed with %s',
      (method) => {
        const guarded = { apiKey: KEY, signatureSecret: secret, signatureMethod: method };
        expect(parseVonageWebhook(guarded, signed(dlr(), secret, method), clock)).toMatchObject({
          ok: true,
          receipts: [{ status: 'delivered', attemptId: ATTEMPT }],
        });
      },
    );

    it('refuses an unsigned receipt, another secret’s, or one altered after signing', () => {
      const guarded = { apiKey: KEY, signatureSecret: secret, signatureMethod: 'sha256' as const };
      expect(parseVonageWebhook(guarded, json(dlr()))).toEqual({ ok: false, reason: 'bad_signature' });
      expect(parseVonageWebhook(guarded, signed(dlr(), 'other', 'sha256'))).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
      const request = signed(dlr({ status: 'failed' }), secret, 'sha256');
      const altered = {
        ...request,
        rawBody: Buffer.from(request.rawBody.toString().replace('failed', 'delivered')),
      };
      expect(parseVonageWebhook(guarded, altered)).toEqual({ ok: false, reason: 'bad_signature' });
      const moved = signed(dlr({ 'client-ref': '01JD8W6R8Y4C2N5Q7T9V0X1Z3C' }), secret, 'sha256');
      const swapped = {
        ...moved,
        rawBody: Buffer.from(moved.rawBody.toString().replace('1Z3C', '1Z3B')),
      };
      expect(parseVonageWebhook(guarded, swapped)).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });
});
