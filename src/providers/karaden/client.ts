import { Pool, type Dispatcher } from 'undici';
import type { SendOutcome } from '../../core/outcome.js';
import { noticing, withWriteNotice } from '../write-notice.js';
import { classifyNetworkError, retryAfterMs } from '../http-errors.js';
import type { AccountBase, ClientDeps, ProviderClient, SendRequest } from '../provider.js';
import { classifyKaradenAnswer, parseKaradenError } from './errors.js';

export interface KaradenAccount extends AccountBase {
  /** API token issued per project in the Karaden console (sent as a Bearer token). */
  token: string;
  /** Tenant ID (a UUID), shown on Karaden's tenant selection page. */
  tenantId: string;
  /** Service (サービス設定) the messages are sent under; its result callback URL is set in the console. */
  serviceId: number;
  /**
   * Karaden signs nothing: when set, a result callback counts only if its URL carries `?token=<callbackToken>`
   * (put it in the callback URL of the service in the Karaden console).
   */
  callbackToken?: string;
}

/** The API version todoke speaks, sent as `Karaden-Version`: the one of the OpenAPI file it was built from. */
export const KARADEN_API_VERSION = '2024-03-01';

/**
 * Tag todoke puts on each message: Karaden echoes `tags` in its result callback, and the callback URL is the
 * service's, not the message's, so the tag is how a callback finds its attempt.
 */
export const KARADEN_ATTEMPT_TAG_PREFIX = 'todoke:';

/** Japanese numbers Karaden can text: E.164 +81 plus 10 digits, sent as the 11-digit domestic form (090…). */
const JP_E164 = /^\+81([1-9]\d{9})$/;

/** The 11-digit domestic number Karaden wants for an E.164 number, or null when it is not one (landline, abroad). */
export function karadenNumber(e164: string): string | null {
  const match = JP_E164.exec(e164);
  return match === null ? null : `0${match[1]}`;
}

/**
 * Sends SMS with Karaden's メッセージ送信 (`POST /{tenant_id}/messages`, form body, Bearer token). Karaden sends
 * results to the callback URL of the service, not of the message: the attempt ID travels as a tag instead.
 */
export function createKaradenClient(account: KaradenAccount, deps: ClientDeps = {}): ProviderClient {
  const base = new URL(account.baseUrl);
  const origin = base.origin;
  // The API lives under /api on Karaden's host: the base URL carries that prefix.
  const path = `${base.pathname.replace(/\/+$/, '')}/${encodeURIComponent(account.tenantId)}/messages`;
  const ownPool = deps.dispatcher === undefined;
  const dispatcher: Dispatcher = withWriteNotice(
    deps.dispatcher ??
      new Pool(origin, {
        connections: account.concurrency,
        connect: { timeout: account.timeoutMs },
        headersTimeout: account.timeoutMs,
        bodyTimeout: account.timeoutMs,
      }),
  );
  const headers = [
    'authorization',
    `Bearer ${account.token}`,
    'content-type',
    'application/x-www-form-urlencoded',
    'accept',
    'application/json',
    'karaden-version',
    KARADEN_API_VERSION,
  ];
  const service = `service_id=${account.serviceId}`;
  const timeoutMs = account.timeoutMs;

  async function send(request: SendRequest): Promise<SendOutcome> {
    if (request.phone === null) {
      return { kind: 'unreachable', code: 'karaden_no_phone', detail: 'SMS needs a phone number' };
    }
    const to = karadenNumber(request.phone);
    if (to === null) {
      // Karaden texts Japanese numbers only; another gateway may reach a number abroad.
      return request.phone.startsWith('+81')
        ? { kind: 'unreachable', code: 'karaden_not_mobile', detail: 'not an 11-digit Japanese number' }
        : {
            kind: 'rejected',
            code: 'karaden_not_domestic',
            detail: 'Karaden sends to Japanese numbers only',
          };
    }
    const tag = encodeURIComponent(`${KARADEN_ATTEMPT_TAG_PREFIX}${request.attemptId}`);
    const body = `${service}&to=${to}&body=${encodeURIComponent(request.text)}&${encodeURIComponent('tags[]')}=${tag}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request(
        noticing(
          { origin, path, method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          request.onWritten,
        ),
      );
    } catch (error) {
      return classifyNetworkError(error);
    }
    const status = response.statusCode;
    // Karaden has answered: whatever happens to the body now, the status stands.
    const text = await response.body.text().catch(() => '');
    if (status >= 200 && status < 300) return accepted(text);
    return classifyKaradenAnswer({
      status,
      ...parseKaradenError(text),
      retryAfterMs: retryAfterMs(response.headers['retry-after']),
    });
  }

  return {
    send,
    async close() {
      // A dispatcher handed in belongs to the caller.
      if (ownPool) await dispatcher.close();
    },
  };
}

/** 200 body: the Message; `id` identifies it in the callback. Units are known once sent (usually 0 here). */
function accepted(body: string): SendOutcome {
  const outcome: Extract<SendOutcome, { kind: 'accepted' }> = { kind: 'accepted' };
  try {
    const message = JSON.parse(body) as { id?: unknown; charged_count_per_sent?: unknown };
    if (typeof message.id === 'string') outcome.providerMessageId = message.id;
    const units = message.charged_count_per_sent;
    if (typeof units === 'number' && Number.isInteger(units) && units > 0) outcome.units = units;
  } catch {
    // Taken without a readable body: still accepted; the callback carries the id and the tag.
  }
  return outcome;
}
