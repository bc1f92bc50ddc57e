import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import type { ReceiptStatus, WebhookParseResult, WebhookRequest } from '../provider.js';

/** Twilio MessageStatus → todoke receipt status. Statuses not listed (scheduled, canceled, read, …) are skipped. */
export const TWILIO_STATUS: Readonly<Record<string, ReceiptStatus>> = {
  queued: 'sent',
  accepted: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
};

/** The string Twilio signs: the full URL, then each POST parameter as name + value, sorted by name. */
export function twilioSignedPayload(url: string, params: URLSearchParams): string {
  // Sort by name, then value, in code-unit order (Twilio: "Unix-style case-sensitive sorting").
  const pairs = [...params].sort(([a, av], [b, bv]) =>
    a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  );
  let payload = url;
  for (const [name, value] of pairs) payload += name + value;
  return payload;
}

/** True when `X-Twilio-Signature` is base64(HMAC-SHA1(auth token, signed payload)). */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: URLSearchParams,
  signature: string | undefined,
): boolean {
  if (signature === undefined || signature === '') return false;
  const given = Buffer.from(signature);
  // Proxies may add or drop the default port on the way; Twilio's own helpers accept both forms.
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(
      createHmac('sha1', authToken).update(twilioSignedPayload(candidate, params)).digest('base64'),
    );
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return false;
}

/**
 * Checks and reads one Twilio status callback (form-encoded). The attempt comes from the `attemptId` query
 * parameter todoke put in the StatusCallback URL. Twilio sends no event time, so the receipt carries the time
 * it was read.
 */
export function parseTwilioWebhook(
  authToken: string,
  request: WebhookRequest,
  clock: Clock = systemClock,
): WebhookParseResult {
  const params = new URLSearchParams(request.rawBody.toString('utf8'));
  const header = request.headers['x-twilio-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (!verifyTwilioSignature(authToken, request.url, params, signature))
    return { ok: false, reason: 'bad_signature' };

  const messageSid = params.get('MessageSid') ?? params.get('SmsSid');
  const messageStatus = params.get('MessageStatus') ?? params.get('SmsStatus');
  if (!messageSid || !messageStatus) {
    return { ok: false, reason: 'malformed', detail: 'MessageSid and MessageStatus are required' };
  }
  const status = TWILIO_STATUS[messageStatus];
  if (status === undefined) return { ok: true, receipts: [] };

  let attemptId: string | undefined;
  try {
    attemptId = new URL(request.url).searchParams.get('attemptId') ?? undefined;
  } catch {
    return { ok: false, reason: 'malformed', detail: 'webhook URL is not absolute' };
  }
  const errorCode = params.get('ErrorCode');
  const segments = Number(params.get('NumSegments') ?? Number.NaN);
  return {
    ok: true,
    receipts: [
      {
        // One callback per status change: the pair is unique, and a repeated callback de-duplicates.
        eventId: `${messageSid}:${messageStatus}`,
        attemptId,
        providerMessageId: messageSid,
        status,
        errorCode: errorCode !== null && errorCode !== '' ? errorCode : undefined,
        units: Number.isInteger(segments) && segments > 0 ? segments : undefined,
        occurredAt: clock.now(),
      },
    ],
  };
}

/** The URL exactly as given, plus the same URL with its default port added or removed. */
function urlVariants(url: string): string[] {
  // Work on the string itself: the signature covers the URL byte for byte, so no re-serialisation.
  const match = /^(https?):\/\/([^/?#]+)(.*)$/is.exec(url);
  if (match === null) return [url];
  const [, scheme = '', authority = '', rest = ''] = match;
  const port = scheme.toLowerCase() === 'https' ? ':443' : ':80';
  if (authority.endsWith(port)) return [url, `${scheme}://${authority.slice(0, -port.length)}${rest}`];
  if (/:\d+$/.test(authority)) return [url];
  return [url, `${scheme}://${authority}${port}${rest}`];
}
