import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ContactEvent, Receipt, WebhookParseResult, WebhookRequest } from '../provider.js';

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

type Malformed = Extract<WebhookParseResult, { ok: false }>;
const malformed = (detail: string): Malformed => ({ ok: false, reason: 'malformed', detail });

/** The fields every event we read must have; a Malformed when one is missing. */
function eventHead(event: Record<string, unknown>): { id: string; at: number } | Malformed {
  const { type, webhookEventId, timestamp } = event;
  if (typeof webhookEventId !== 'string' || webhookEventId === '') {
    return malformed(`${String(type)} event without webhookEventId`);
  }
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    return malformed(`${String(type)} event without timestamp`);
  }
  return { id: webhookEventId, at: timestamp };
}

/**
 * Checks and reads one LINE webhook call:
 * - delivery events (`type: "delivery"`, a notification message reached the person) become `delivered` receipts
 *   for the attempt named by the delivery tag;
 * - follow events (added as a friend, or unblocked) and unfollow events (blocked) of a user become contact events
 *   about that user ID on line_push: after an unfollow LINE still answers 200 to a push, and nothing arrives;
 * - every other event type (messages, postbacks, joins, …) is not about delivery and is skipped.
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
    return malformed('body is not JSON');
  }
  const events = (payload as { events?: unknown } | null)?.events;
  // LINE may send `"events": []` to check the webhook URL: valid, no receipts.
  if (!Array.isArray(events)) return malformed('no events array');

  const receipts: Receipt[] = [];
  const contactEvents: ContactEvent[] = [];
  for (const event of events as unknown[]) {
    if (event === null || typeof event !== 'object') return malformed('event is not an object');
    const fields = event as Record<string, unknown>;
    const { type } = fields;
    if (type === 'delivery') {
      const head = eventHead(fields);
      if ('ok' in head) return head;
      const tag = (fields.delivery as { data?: unknown } | null | undefined)?.data;
      if (typeof tag !== 'string' || tag === '') return malformed('delivery event without delivery.data');
      // delivery.data echoes X-Line-Delivery-Tag, which todoke sets to the attempt's ID.
      receipts.push({ eventId: head.id, attemptId: tag, status: 'delivered', units: 1, occurredAt: head.at });
    } else if (type === 'follow' || type === 'unfollow') {
      const source = fields.source as { type?: unknown; userId?: unknown } | null | undefined;
      // Only a user can follow; without a user ID there is nobody to apply it to.
      if (source?.type !== 'user' || typeof source.userId !== 'string' || source.userId === '') continue;
      const head = eventHead(fields);
      if ('ok' in head) return head;
      contactEvents.push({
        eventId: head.id,
        channel: 'line_push',
        address: source.userId,
        change: type === 'follow' ? 'opted_in' : 'opted_out',
        reason: type === 'follow' ? 'line_follow' : 'line_unfollow',
        occurredAt: head.at,
      });
    }
  }
  return contactEvents.length > 0 ? { ok: true, receipts, contactEvents } : { ok: true, receipts };
}
