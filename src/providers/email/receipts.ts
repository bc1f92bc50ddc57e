import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Receipt, ReceiptStatus, WebhookParseResult, WebhookRequest } from '../provider.js';
import { parseDeliveryStatus } from './delivery-status.js';
import { contentType, decodedBody, header, multipartParts, parseEntity, type MimeEntity } from './mime.js';

/**
 * Asynchronous bounces. SMTP has no callback: a server that took a message and later fails to deliver it mails a
 * delivery status notification (RFC 3464) to the envelope sender. An inbound-mail relay that receives mail for
 * that address (the account's `returnPath`) posts each message, as raw RFC 5322 bytes, to
 * `POST {publicUrl}/webhooks/email/{account}` with one of:
 * - `X-Todoke-Signature: sha256=<hex HMAC-SHA256(webhookToken, raw body)>` (preferred: the body cannot be altered
 *   and the token never travels), or
 * - `Authorization: Bearer <webhookToken>`, for relays that can only add a fixed header.
 * Any Content-Type works (`message/rfc822` is the natural one). Mail that is not a DSN (an auto-reply, a person
 * answering) is taken with no receipts, so the relay does not retry it.
 */

export const SIGNATURE_HEADER = 'x-todoke-signature';

/** The X-Todoke-Signature value for a body: what a relay computes. */
export function bounceSignature(token: string, rawBody: Buffer): string {
  return `sha256=${createHmac('sha256', token).update(rawBody).digest('hex')}`;
}

/** True when the call carries a valid signature of its body, or the token itself as a bearer token. */
export function verifyBounceAuth(token: string | undefined, request: WebhookRequest): boolean {
  if (token === undefined || token === '') return false;
  const signature = first(request.headers[SIGNATURE_HEADER]);
  if (signature !== undefined)
    return sameSecret(signature.trim().toLowerCase(), bounceSignature(token, request.rawBody));
  const authorization = first(request.headers['authorization']);
  const bearer = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return bearer !== null && sameSecret(bearer[1]!, token);
}

/** Checks and reads one relayed message. */
export function parseEmailWebhook(
  token: string | undefined,
  request: WebhookRequest,
  clock: Clock = systemClock,
): WebhookParseResult {
  if (!verifyBounceAuth(token, request)) return { ok: false, reason: 'bad_signature' };
  const message = parseEntity(request.rawBody);
  if (message.headers.size === 0) {
    return { ok: false, reason: 'malformed', detail: 'body is not an RFC 5322 message' };
  }
  return { ok: true, receipts: readBounce(request.rawBody, clock) };
}

/** What a DSN's Action means for the attempt; `delayed` says nothing final and gives no receipt. */
const ACTION_STATUS: Readonly<Record<string, ReceiptStatus>> = {
  failed: 'undelivered',
  delivered: 'delivered',
  relayed: 'sent',
  expanded: 'sent',
};

const STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_TYPES = new Set([
  'message/rfc822',
  'text/rfc822-headers',
  'message/global',
  'message/global-headers',
]);
/** Attempt IDs are ULIDs. */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/**
 * The receipts in a DSN, one per recipient block with a final action. The attempt comes from the envelope ID
 * (ENVID, which todoke sets to the attempt ID) or from the local part of the original Message-ID
 * (`<attemptId@domain>`), found in the returned headers. Action `failed` is final whatever the status class:
 * a 4.x.x there means the server gave up after retrying.
 */
export function readBounce(raw: Buffer, clock: Clock = systemClock): Receipt[] {
  const message = parseEntity(raw);
  const parts = findReport(message, 0);
  if (parts === null) return [];
  const statusPart = parts.find((p) => STATUS_TYPES.has(contentType(p).type))!;
  const report = parseDeliveryStatus(decodedBody(statusPart).toString('utf8'));
  const originalPart = parts.find((p) => ORIGINAL_TYPES.has(contentType(p).type));
  const original = originalPart === undefined ? undefined : parseEntity(decodedBody(originalPart));
  const messageId = normalizeMessageId(
    (original && header(original, 'message-id')) ?? report.originalMessageId ?? undefined,
  );
  const attemptId = attemptOf(report.originalEnvelopeId, messageId);
  if (attemptId === undefined && messageId === undefined) return [];

  const bounceRef =
    normalizeMessageId(header(message, 'message-id')) ??
    `sha256:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
  const receipts: Receipt[] = [];
  report.recipients.forEach((recipient, index) => {
    const status = ACTION_STATUS[recipient.action];
    if (status === undefined) return;
    const receipt: Receipt = {
      eventId: `${bounceRef}:${recipient.finalRecipient ?? index}:${recipient.action}`,
      status,
      occurredAt: dateOr(
        [recipient.lastAttemptDate, report.arrivalDate, header(message, 'date') ?? null],
        clock,
      ),
    };
    if (attemptId !== undefined) receipt.attemptId = attemptId;
    if (messageId !== undefined) receipt.providerMessageId = messageId;
    if (recipient.status !== null) receipt.errorCode = recipient.status;
    receipts.push(receipt);
  });
  return receipts;
}

/** The parts of the multipart/report holding a delivery-status part, looking inside forwarded messages too. */
function findReport(entity: MimeEntity, depth: number): MimeEntity[] | null {
  if (depth > 4) return null;
  const type = contentType(entity).type;
  if (type.startsWith('multipart/')) {
    const parts = multipartParts(entity);
    if (parts.some((p) => STATUS_TYPES.has(contentType(p).type))) return parts;
    for (const part of parts) {
      const found = findReport(part, depth + 1);
      if (found !== null) return found;
    }
  } else if (type === 'message/rfc822' || type === 'message/global') {
    // A relay that forwards the bounce as an attachment.
    return findReport(parseEntity(decodedBody(entity)), depth + 1);
  }
  return null;
}

function attemptOf(envelopeId: string | null, messageId: string | undefined): string | undefined {
  if (envelopeId !== null && ULID.test(envelopeId)) return envelopeId.toUpperCase();
  const local = messageId === undefined ? undefined : /^<([^@<>\s]+)@/.exec(messageId)?.[1];
  return local !== undefined && ULID.test(local) ? local.toUpperCase() : undefined;
}

/** `<id@host>` with surrounding space and comments dropped; undefined when there is none. */
function normalizeMessageId(value: string | undefined): string | undefined {
  const match = value === undefined ? null : /<?([^<>\s]+@[^<>\s]+)>?/.exec(value);
  return match === null ? undefined : `<${match[1]}>`;
}

function dateOr(candidates: readonly (string | null)[], clock: Clock): number {
  for (const candidate of candidates) {
    if (candidate === null) continue;
    const at = Date.parse(candidate);
    if (!Number.isNaN(at)) return at;
  }
  return clock.now();
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
