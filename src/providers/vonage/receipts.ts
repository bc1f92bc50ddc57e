import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import type { ReceiptStatus, WebhookParseResult, WebhookRequest } from '../provider.js';

/** How Vonage signs webhooks, as chosen in the dashboard: MD5 hash, or an HMAC with MD5/SHA-1/SHA-256/SHA-512. */
export const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
export type VonageSignatureMethod = (typeof VONAGE_SIGNATURE_METHODS)[number];

/**
 * Delivery receipt `status` → todoke receipt status. accepted/buffered are intermediate (the carrier has it);
 * unknown is Vonage not knowing, which says no more than that. expired (held by the carrier until the SMS's
 * lifetime ran out) and failed (the carrier could not deliver) reached the carrier; rejected was refused up
 * front, so it never left.
 */
export const VONAGE_DLR_STATUS: Readonly<Record<string, ReceiptStatus>> = {
  accepted: 'sent',
  buffered: 'sent',
  unknown: 'sent',
  delivered: 'delivered',
  expired: 'undelivered',
  failed: 'undelivered',
  rejected: 'failed',
};

/**
 * Vonage's request signature: every parameter but `sig`, sorted by name, as `&name=value` with `&` and `=` in
 * values replaced by `_`; then MD5 of that plus the secret (md5hash) or an HMAC of it keyed with the secret.
 * Upper-case hex.
 */
export function vonageSignature(
  secret: string,
  params: Readonly<Record<string, string>>,
  method: VonageSignatureMethod = 'md5hash',
): string {
  let payload = '';
  for (const name of Object.keys(params).sort()) {
    if (name === 'sig') continue;
    payload += `&${name}=${params[name]!.replace(/[&=]/g, '_')}`;
  }
  const digest =
    method === 'md5hash'
      ? createHash('md5')
          .update(payload + secret, 'utf8')
          .digest('hex')
      : createHmac(method, secret).update(payload, 'utf8').digest('hex');
  return digest.toUpperCase();
}

/** True when `params.sig` is the signature of the other parameters. */
export function verifyVonageSignature(
  secret: string,
  params: Readonly<Record<string, string>>,
  method: VonageSignatureMethod = 'md5hash',
): boolean {
  const sig = params.sig;
  if (sig === undefined || sig === '') return false;
  const given = Buffer.from(sig.toUpperCase());
  const expected = Buffer.from(vonageSignature(secret, params, method));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface VonageReceiptAccount {
  apiKey: string;
  signatureSecret?: string;
  signatureMethod?: VonageSignatureMethod;
}

/**
 * Checks and reads one delivery receipt. Vonage sends one per message part, as JSON (POST-JSON, the spec's
 * shape) or form fields (POST), or in the query string (GET): all are read. With a signature secret configured
 * only correctly signed receipts count; without one Vonage signs nothing, so a receipt must at least name this
 * account's API key. A replayed receipt repeats its event ID and de-duplicates. The attempt is the `client-ref`
 * todoke sent.
 */
export function parseVonageWebhook(
  account: VonageReceiptAccount,
  request: WebhookRequest,
  clock: Clock = systemClock,
): WebhookParseResult {
  const params = readParams(request);
  if (params === null)
    return { ok: false, reason: 'malformed', detail: 'the body is neither JSON nor a form' };
  if (account.signatureSecret !== undefined) {
    if (!verifyVonageSignature(account.signatureSecret, params, account.signatureMethod)) {
      return { ok: false, reason: 'bad_signature' };
    }
  }
  // A receipt must not name another account; an unsigned one must name this one.
  const apiKey = params['api-key'];
  const ours = apiKey === undefined ? account.signatureSecret !== undefined : apiKey === account.apiKey;
  if (!ours) return { ok: false, reason: 'bad_signature' };
  const messageId = params.messageId;
  const dlrStatus = params.status?.toLowerCase();
  if (!messageId || !dlrStatus) {
    return { ok: false, reason: 'malformed', detail: 'messageId and status are required' };
  }
  const status = VONAGE_DLR_STATUS[dlrStatus];
  if (status === undefined) return { ok: true, receipts: [] };
  const errorCode = params['err-code'];
  const clientRef = params['client-ref'];
  return {
    ok: true,
    receipts: [
      {
        // One receipt per part and status: a redelivered receipt de-duplicates.
        eventId: `${messageId}:${dlrStatus}`,
        attemptId: clientRef !== undefined && clientRef !== '' ? clientRef : undefined,
        providerMessageId: messageId,
        status,
        errorCode: status !== 'delivered' && errorCode && errorCode !== '0' ? errorCode : undefined,
        occurredAt: vonageTime(params['message-timestamp']) ?? clock.now(),
      },
    ],
  };
}

/** The receipt's parameters as strings, from a JSON or form body, else from the URL's query. */
function readParams(request: WebhookRequest): Record<string, string> | null {
  const text = request.rawBody.toString('utf8').trim();
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as unknown;
      if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(json)) {
        if (value !== null && typeof value !== 'object') params[name] = String(value);
      }
      return params;
    } catch {
      return null;
    }
  }
  if (text !== '') return Object.fromEntries(new URLSearchParams(text));
  try {
    return Object.fromEntries(new URL(request.url).searchParams);
  } catch {
    return null;
  }
}

/** `message-timestamp` (`2020-01-01 12:00:00`, UTC) in ms, or undefined when absent or unreadable. */
function vonageTime(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
