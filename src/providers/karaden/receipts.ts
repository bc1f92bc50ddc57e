import { timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import { CARRIERS, type Carrier } from '../../core/text/carriers.js';
import type { Receipt, ReceiptStatus, WebhookParseResult, WebhookRequest } from '../provider.js';
import { KARADEN_ATTEMPT_TAG_PREFIX } from './client.js';

/** A receipt from Karaden also says which carrier the number belongs to (it decides the billed units). */
export interface KaradenReceipt extends Receipt {
  carrier?: Carrier;
}

export type KaradenParseResult =
  { ok: true; receipts: KaradenReceipt[] } | Extract<WebhookParseResult, { ok: false }>;

const STATUSES = ['done', 'waiting', 'error', 'canceled', 'processing_error'] as const;
const SENT_RESULTS = ['none', 'received', 'unconnected', 'error', 'unknown'] as const;
type KaradenStatus = (typeof STATUSES)[number];
type SentResult = (typeof SENT_RESULTS)[number];

/**
 * What a result callback means, first matching row wins:
 * - `status` error / processing_error (送信エラー) or canceled: the message never left → failed.
 * - `sent_result` received (着信済) → delivered.
 * - unconnected (圏外: off or out of range until the carrier gave up) or error (carrier error) → undelivered.
 * - unknown (the carrier gave no result) or none with status done: Karaden sent it, no more is known → sent;
 *   the attempt's receipt deadline decides.
 * - none while waiting: nothing happened yet → no receipt.
 */
export function karadenReceiptStatus(status: KaradenStatus, sentResult: SentResult): ReceiptStatus | null {
  if (status === 'error' || status === 'processing_error' || status === 'canceled') return 'failed';
  switch (sentResult) {
    case 'received':
      return 'delivered';
    case 'unconnected':
    case 'error':
      return 'undelivered';
    case 'unknown':
      return 'sent';
    case 'none':
      return status === 'done' ? 'sent' : null;
  }
}

interface SentMessage {
  id?: unknown;
  service_id?: unknown;
  status?: unknown;
  sent_result?: unknown;
  carrier?: unknown;
  charged_count_per_sent?: unknown;
  tags?: unknown;
  received_at?: unknown;
  updated_at?: unknown;
}

/**
 * Checks and reads one Karaden result callback (メッセージ送達結果通知: the Message as JSON, POSTed to the service's
 * endpoint). Karaden defines no signature for it (`security: []` in its OpenAPI file), so authenticity rests on
 * what todoke can check: the `token` query parameter when the account sets callbackToken, the account's
 * service_id, and a body of the documented shape. The attempt comes from the tag todoke sent with the message.
 */
export function parseKaradenWebhook(
  account: { serviceId: number; callbackToken?: string },
  request: WebhookRequest,
  clock: Clock = systemClock,
): KaradenParseResult {
  if (account.callbackToken !== undefined && !hasToken(request.url, account.callbackToken)) {
    return { ok: false, reason: 'bad_signature' };
  }
  let body: SentMessage;
  try {
    body = JSON.parse(request.rawBody.toString('utf8')) as SentMessage;
  } catch {
    return { ok: false, reason: 'malformed', detail: 'the body is not JSON' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, reason: 'malformed', detail: 'the body is not a Message object' };
  }
  const { id, status, sent_result: sentResult } = body;
  if (typeof id !== 'string' || id === '')
    return { ok: false, reason: 'malformed', detail: 'id is required' };
  if (!isOneOf(STATUSES, status) || !isOneOf(SENT_RESULTS, sentResult)) {
    return { ok: false, reason: 'malformed', detail: 'status and sent_result must be Karaden values' };
  }
  if (body.service_id !== undefined && Number(body.service_id) !== account.serviceId) {
    return {
      ok: false,
      reason: 'malformed',
      detail: `service_id ${String(body.service_id)} is not this account's`,
    };
  }
  const receiptStatus = karadenReceiptStatus(status, sentResult);
  if (receiptStatus === null) return { ok: true, receipts: [] };

  const receipt: KaradenReceipt = {
    // One callback per result: the pair is unique, and a repeated callback de-duplicates.
    eventId: `${id}:${status}:${sentResult}`,
    attemptId: attemptFromTags(body.tags),
    providerMessageId: id,
    status: receiptStatus,
    occurredAt: time(receiptStatus === 'delivered' ? body.received_at : undefined, body.updated_at, clock),
  };
  if (receiptStatus === 'failed') receipt.errorCode = status;
  else if (receiptStatus === 'undelivered') receipt.errorCode = sentResult;
  const units = body.charged_count_per_sent;
  if (typeof units === 'number' && Number.isInteger(units) && units > 0) receipt.units = units;
  if (isOneOf(CARRIERS, body.carrier)) receipt.carrier = body.carrier;
  return { ok: true, receipts: [receipt] };
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** The attempt ID from the first tag todoke put on the message. */
function attemptFromTags(tags: unknown): string | undefined {
  if (!Array.isArray(tags)) return undefined;
  for (const tag of tags) {
    if (typeof tag === 'string' && tag.startsWith(KARADEN_ATTEMPT_TAG_PREFIX)) {
      const id = tag.slice(KARADEN_ATTEMPT_TAG_PREFIX.length);
      if (id !== '') return id;
    }
  }
  return undefined;
}

/** The first readable ISO 8601 time among the candidates, else now. */
function time(first: unknown, second: unknown, clock: Clock): number {
  for (const value of [first, second]) {
    if (typeof value !== 'string') continue;
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return clock.now();
}

function hasToken(url: string, expected: string): boolean {
  let given: string | null;
  try {
    given = new URL(url).searchParams.get('token');
  } catch {
    return false;
  }
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
