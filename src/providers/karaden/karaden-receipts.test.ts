import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { WebhookRequest } from '../provider.js';
import { parseKaradenWebhook } from './receipts.js';

const ID = '0d6b3c1e-4a8f-4a51-9d0a-2c7a4f1b9e11';
const ATTEMPT = '01JD8W6R8Y4C2N5Q7T9V0X1Z3B';
const URL = 'https://notify.example.co.jp/webhooks/karaden/karaden';
const account = { serviceId: 7 };

function result(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ID,
    object: 'message',
    service_id: 7,
    billing_address_id: 1,
    to: '09012345678',
    body: '本文',
    tags: ['campaign-5', `todoke:${ATTEMPT}`],
    result: 'done',
    status: 'done',
    sent_result: 'received',
    carrier: 'docomo',
    charged_count_per_sent: 2,
    sent_at: '2026-11-22T12:00:01+09:00',
    received_at: '2026-11-22T12:00:05+09:00',
    created_at: '2026-11-22T12:00:00+09:00',
    updated_at: '2026-11-22T12:00:06+09:00',
    ...fields,
  };
}

const post = (body: unknown, url = URL): WebhookRequest => ({
  url,
  headers: { 'content-type': 'application/json' },
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('Karaden result callbacks', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 3, 0, 0));

  it('reads a received result as a delivered receipt for the tagged attempt, with carrier and billed units', () => {
    expect(parseKaradenWebhook(account, post(result()), clock)).toEqual({
      ok: true,
      receipts: [
        {
          eventId: `${ID}:done:received`,
          attemptId: ATTEMPT,
          providerMessageId: ID,
          status: 'delivered',
          units: 2,
          carrier: 'docomo',
          occurredAt: Date.parse('2026-11-22T12:00:05+09:00'),
        },
      ],
    });
  });

  it.each([
    ['done', 'unconnected', 'undelivered', 'unconnected'],
    ['done', 'error', 'undelivered', 'error'],
    ['error', 'none', 'failed', 'error'],
    ['processing_error', 'none', 'failed', 'processing_error'],
    ['canceled', 'none', 'failed', 'canceled'],
    ['done', 'unknown', 'sent', undefined],
    ['done', 'none', 'sent', undefined],
  ] as const)('status %s with sent_result %s is a %s receipt', (status, sentResult, expected, errorCode) => {
    const parsed = parseKaradenWebhook(
      account,
      post(result({ status, sent_result: sentResult, charged_count_per_sent: 0, received_at: undefined })),
      clock,
    );
    expect(parsed).toMatchObject({ ok: true, receipts: [{ status: expected, attemptId: ATTEMPT }] });
    const receipt = parsed.ok ? parsed.receipts[0] : undefined;
    expect(receipt?.errorCode).toBe(errorCode);
    expect(receipt?.units).toBeUndefined();
    expect(receipt?.occurredAt).toBe(Date.parse('2026-11-22T12:00:06+09:00'));
  });

  it('gives no receipt for a message still waiting', () => {
    const parsed = parseKaradenWebhook(
      account,
      post(result({ status: 'waiting', sent_result: 'none' })),
      clock,
    );
    expect(parsed).toEqual({ ok: true, receipts: [] });
  });

  it('has no attempt when no tag is todoke’s, and the time it was read when no date is readable', () => {
    const parsed = parseKaradenWebhook(
      account,
      post(result({ tags: ['other'], received_at: 'soon', updated_at: undefined })),
      clock,
    );
    expect(parsed).toMatchObject({ ok: true, receipts: [{ occurredAt: clock.now() }] });
    expect(parsed.ok && parsed.receipts[0]?.attemptId).toBeUndefined();
  });

  it('refuses bodies that are not a Karaden Message', () => {
    for (const body of [
      'not json',
      '[]',
      'null',
      { ...result(), id: undefined },
      { ...result(), sent_result: 'ok' },
    ]) {
      expect(parseKaradenWebhook(account, post(body))).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a result of another service', () => {
    expect(parseKaradenWebhook(account, post(result({ service_id: 8 })))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  describe('with a callback token', () => {
    const guarded = { serviceId: 7, callbackToken: 'k4r4d3n-c4llb4ck-t0k3n' };

    it('accepts a callback to the URL carrying the token', () => {
      const parsed = parseKaradenWebhook(
        guarded,
        post(result(), `${URL}?token=k4r4d3n-c4llb4ck-t0k3n`),
        clock,
      );
      expect(parsed).toMatchObject({ ok: true, receipts: [{ status: 'delivered' }] });
    });

    it('refuses one without the token or with another', () => {
      expect(parseKaradenWebhook(guarded, post(result()))).toEqual({ ok: false, reason: 'bad_signature' });
      expect(parseKaradenWebhook(guarded, post(result(), `${URL}?token=guess`))).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
      expect(parseKaradenWebhook(guarded, post(result(), 'not a url'))).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    });
  });
});
