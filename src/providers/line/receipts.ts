import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Receipt, WebhookParseResult, WebhookRequest } from '../provider.js';

/** True when `x-line-signature` is base64(HMAC-SHA256(channel secret, raw body)). */
export function verifyLineSignature(
  channelSecret: string,
  rawBody: Buffer,
  signature: string | undefined,
): boolean {
  if (signature === undefined || signature === '') return false;
  const expected = Buffer.from(createHmac('sha256', channelSecret).update(rawBody).digest('base64'));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checks and reads one LINE webhook call. Delivery events (`type: "delivery"`, sent when a notification message
 * reached the person) become `delivered` receipts; every other event type is not about delivery and is skipped.
 */
export function parseLineWebhook(channelSecret: string, request: WebhookRequest): WebhookParseResult {
  // Node lowercases incoming header names.
  const header = request.headers['x-line-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (!verifyLineSignature(channelSecret, request.rawBody, signature))
    return { ok: false, reason: 'bad_signature' };

  let payload: unknown;
  try {
    payload = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed', detail: 'body is not JSON' };
  }
  const events = (payload as { events?: unknown } | null)?.events;
  // LINE may send `"events": []` to check the webhook URL: valid, no receipts.
  if (!Array.isArray(events)) return { ok: false, reason: 'malformed', detail: 'no events array' };

  const receipts: Receipt[] = [];
  for (const event of events as unknown[]) {
    if (event === null || typeof event !== 'object')
      return { ok: false, reason: 'malformed', detail: 'event is not an object' };
    const { type, webhookEventId, timestamp, delivery } = event as Record<string, unknown>;
    if (type !== 'delivery') continue;
    const tag = (delivery as { data?: unknown } | null | undefined)?.data;
    if (typeof webhookEventId !== 'string' || webhookEventId === '') {
      return { ok: false, reason: 'malformed', detail: 'delivery event without webhookEventId' };
    }
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
      return { ok: false, reason: 'malformed', detail: 'delivery event without timestamp' };
    }
    if (typeof tag !== 'string' || tag === '') {
      return { ok: false, reason: 'malformed', detail: 'delivery event without delivery.data' };
    }
    // delivery.data echoes X-Line-Delivery-Tag, which todoke sets to the attempt's ID.
    receipts.push({
      eventId: webhookEventId,
      attemptId: tag,
      status: 'delivered',
      units: 1,
      occurredAt: timestamp,
    });
  }
  return { ok: true, receipts };
}
