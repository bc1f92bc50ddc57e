import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../provider.js';
import { parseLineWebhook } from './receipts.js';

const SECRET = 'line-secret-2b81';

function signed(body: string, secret = SECRET): WebhookRequest {
  const rawBody = Buffer.from(body, 'utf8');
  return {
    url: 'https://notify.example.co.jp/webhooks/line/line-main',
    headers: { 'x-line-signature': createHmac('sha256', secret).update(rawBody).digest('base64') },
    rawBody,
  };
}

const deliveryEvent = (tag: string, eventId = '01HZX3Q8W1V4D0KJ0M9E2R7T6B') => ({
  type: 'delivery',
  delivery: { data: tag },
  webhookEventId: eventId,
  deliveryContext: { isRedelivery: false },
  timestamp: 1764043200000,
  mode: 'active',
});

describe('LINE webhook receipts', () => {
  it('turns a delivery event into a delivered receipt for the attempt named by the tag', () => {
    const body = JSON.stringify({
      destination: 'U0123456789abcdef0123456789abcdef',
      events: [deliveryEvent('01JD8W6R8Y4C2N5Q7T9V0X1Z3B')],
    });
    expect(parseLineWebhook(SECRET, signed(body))).toEqual({
      ok: true,
      receipts: [
        {
          eventId: '01HZX3Q8W1V4D0KJ0M9E2R7T6B',
          attemptId: '01JD8W6R8Y4C2N5Q7T9V0X1Z3B',
          status: 'delivered',
          units: 1,
          occurredAt: 1764043200000,
        },
      ],
    });
  });

  it('skips other event types and accepts the empty events list LINE uses to check the URL', () => {
    const follow = {
      type: 'follow',
      webhookEventId: 'E1',
      timestamp: 1,
      mode: 'active',
      source: { type: 'user' },
    };
    const body = JSON.stringify({
      destination: 'U1',
      events: [follow, deliveryEvent('TAG-0123456789AB', 'E2')],
    });
    const result = parseLineWebhook(SECRET, signed(body));
    expect(result.ok && result.receipts.map((r) => r.eventId)).toEqual(['E2']);
    expect(parseLineWebhook(SECRET, signed('{"destination":"U1","events":[]}'))).toEqual({
      ok: true,
      receipts: [],
    });
  });

  it('rejects a signature made with another secret', () => {
    const body = JSON.stringify({ destination: 'U1', events: [deliveryEvent('T')] });
    expect(parseLineWebhook(SECRET, signed(body, 'someone-else'))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a body altered after signing', () => {
    const request = signed(
      JSON.stringify({ destination: 'U1', events: [deliveryEvent('01JD8W6R8Y4C2N5Q7T9V0X1Z3B')] }),
    );
    const altered = { ...request, rawBody: Buffer.from(request.rawBody.toString().replace('3B', '3C')) };
    expect(parseLineWebhook(SECRET, altered)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a missing signature', () => {
    const request = signed('{"events":[]}');
    expect(parseLineWebhook(SECRET, { ...request, headers: {} })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('reports a correctly signed body that is not a LINE webhook as malformed', () => {
    for (const body of ['not json', '{"destination":"U1"}', '{"events":[42]}', 'null']) {
      expect(parseLineWebhook(SECRET, signed(body))).toMatchObject({ ok: false, reason: 'malformed' });
    }
    const noTag = { ...deliveryEvent('x'), delivery: {} };
    expect(parseLineWebhook(SECRET, signed(JSON.stringify({ events: [noTag] })))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});

const USER = 'U4af4980629a0c1e0b1d5e2f1a3b4c5d6';
const followEvent = (type: 'follow' | 'unfollow', eventId: string, timestamp: number) => ({
  type,
  mode: 'active',
  timestamp,
  source: { type: 'user', userId: USER },
  webhookEventId: eventId,
  deliveryContext: { isRedelivery: false },
  ...(type === 'follow' ? { replyToken: 'r', follow: { isUnblocked: true } } : {}),
});

describe('LINE follow and unfollow events', () => {
  it('turn into contact events about the user on line_push, next to delivery receipts', () => {
    const body = JSON.stringify({
      destination: 'U1',
      events: [
        followEvent('unfollow', 'E-UNFOLLOW', 1764043200000),
        deliveryEvent('01JD8W6R8Y4C2N5Q7T9V0X1Z3B', 'E-DELIVERY'),
        followEvent('follow', 'E-FOLLOW', 1764043260000),
      ],
    });
    const result = parseLineWebhook(SECRET, signed(body));
    expect(result).toEqual({
      ok: true,
      receipts: [expect.objectContaining({ eventId: 'E-DELIVERY' })],
      contactEvents: [
        {
          eventId: 'E-UNFOLLOW',
          channel: 'line_push',
          address: USER,
          change: 'opted_out',
          reason: 'line_unfollow',
          occurredAt: 1764043200000,
        },
        {
          eventId: 'E-FOLLOW',
          channel: 'line_push',
          address: USER,
          change: 'opted_in',
          reason: 'line_follow',
          occurredAt: 1764043260000,
        },
      ],
    });
  });

  it('skips a follow without a user (none to apply it to), and refuses one without an event ID', () => {
    const noUser = { ...followEvent('follow', 'E1', 1), source: { type: 'group', groupId: 'C1' } };
    expect(parseLineWebhook(SECRET, signed(JSON.stringify({ events: [noUser] })))).toEqual({
      ok: true,
      receipts: [],
    });
    const noId = { ...followEvent('unfollow', 'E2', 1), webhookEventId: undefined };
    expect(parseLineWebhook(SECRET, signed(JSON.stringify({ events: [noId] })))).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: 'unfollow event without webhookEventId',
    });
  });

  it('refuses an unfollow signed with another secret', () => {
    const body = JSON.stringify({ events: [followEvent('unfollow', 'E3', 1)] });
    expect(parseLineWebhook(SECRET, signed(body, 'forged'))).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
