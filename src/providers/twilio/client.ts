import { Pool, type Dispatcher } from 'undici';
import type { SendOutcome } from '../../core/outcome.js';
import { noticing, withWriteNotice } from '../write-notice.js';
import { classifyNetworkError, retryAfterMs } from '../http-errors.js';
import type {
  AccountBase,
  ClientDeps,
  FetchedStatus,
  FoundSent,
  ProviderClient,
  SendRequest,
} from '../provider.js';
import { classifyTwilioAnswer, parseTwilioError } from './errors.js';
import { TWILIO_STATUS } from './receipts.js';

export interface TwilioAccount extends AccountBase {
  accountSid: string;
  authToken: string;
  /** E.164 number or alphanumeric sender ID; either this or messagingServiceSid. */
  from?: string;
  messagingServiceSid?: string;
}

/**
 * Sends SMS with Twilio's Create Message (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form body).
 * The status callback URL carries the attempt's ID, so a callback finds its attempt even when the send timed out.
 */
export function createTwilioClient(account: TwilioAccount, deps: ClientDeps = {}): ProviderClient {
  const base = new URL(account.baseUrl);
  const origin = base.origin;
  const path = `${base.pathname.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`;
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
    `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
    'content-type',
    'application/x-www-form-urlencoded',
    'accept',
    'application/json',
  ];
  // The sender is the same for every message of the account: encode it once.
  const sender =
    account.from !== undefined && account.from !== ''
      ? `&From=${encodeURIComponent(account.from)}`
      : `&MessagingServiceSid=${encodeURIComponent(account.messagingServiceSid ?? '')}`;
  const timeoutMs = account.timeoutMs;

  async function send(request: SendRequest): Promise<SendOutcome> {
    if (request.phone === null) {
      return { kind: 'unreachable', code: 'twilio_no_phone', detail: 'SMS needs a phone number' };
    }
    let body = `To=${encodeURIComponent(request.phone)}${sender}&Body=${encodeURIComponent(request.text)}`;
    if (request.callbackUrl !== null) {
      const join = request.callbackUrl.includes('?') ? '&' : '?';
      body += `&StatusCallback=${encodeURIComponent(`${request.callbackUrl}${join}attemptId=${encodeURIComponent(request.attemptId)}`)}`;
    }
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
    // Twilio has answered: whatever happens to the body now, the status stands.
    const text = await response.body.text().catch(() => '');
    if (status >= 200 && status < 300) return accepted(text);
    const { code, message } = parseTwilioError(text);
    return classifyTwilioAnswer({
      status,
      code,
      message,
      retryAfterMs: retryAfterMs(response.headers['retry-after']),
    });
  }

  /** Fetch Message (`GET …/Messages/{Sid}.json`): the status Twilio holds now. */
  async function fetchStatus(sid: string): Promise<FetchedStatus | null> {
    try {
      const response = await dispatcher.request({
        origin,
        path: path.replace(/\.json$/, `/${encodeURIComponent(sid)}.json`),
        method: 'GET',
        headers: [headers[0]!, headers[1]!, 'accept', 'application/json'],
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) return null;
      const message = JSON.parse(text) as { status?: unknown; error_code?: unknown; num_segments?: unknown };
      const status = typeof message.status === 'string' ? TWILIO_STATUS[message.status] : undefined;
      if (status === undefined) return null;
      const fetched: FetchedStatus = { status };
      if (message.error_code !== null && message.error_code !== undefined)
        fetched.errorCode = String(message.error_code);
      const segments = Number(message.num_segments);
      if (Number.isInteger(segments) && segments > 0) fetched.units = segments;
      return fetched;
    } catch {
      return null;
    }
  }

  /**
   * List Messages (`GET …/Messages.json?To=…&DateSent>=…`): a message to the number with the same body, created at
   * or after `since`, is the one the unknown request made. Twilio dates have whole seconds, hence the margin.
   */
  async function findSent(request: {
    phone: string;
    text: string;
    since: number;
  }): Promise<FoundSent | null> {
    const day = new Date(request.since).toISOString().slice(0, 10);
    const query = `?To=${encodeURIComponent(request.phone)}&${encodeURIComponent('DateSent>')}=${day}&PageSize=100`;
    try {
      const response = await dispatcher.request({
        origin,
        path: `${path}${query}`,
        method: 'GET',
        headers: [headers[0]!, headers[1]!, 'accept', 'application/json'],
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) return null;
      const page = JSON.parse(text) as {
        messages?: { sid?: string; body?: string; date_created?: string }[];
      };
      if (!Array.isArray(page.messages)) return null;
      const match = page.messages.find(
        (m) =>
          m.body === request.text &&
          typeof m.sid === 'string' &&
          Date.parse(m.date_created ?? '') >= Math.floor(request.since / 1000) * 1000 - 1000,
      );
      return match ? { found: true, providerMessageId: match.sid! } : { found: false };
    } catch {
      return null;
    }
  }

  return {
    send,
    fetchStatus,
    findSent,
    async close() {
      // A dispatcher handed in belongs to the caller.
      if (ownPool) await dispatcher.close();
    },
  };
}

/** 201 body: the Message resource; `sid` identifies it in callbacks, `num_segments` (a string) is what is billed. */
function accepted(body: string): SendOutcome {
  const outcome: Extract<SendOutcome, { kind: 'accepted' }> = { kind: 'accepted' };
  try {
    const message = JSON.parse(body) as { sid?: unknown; num_segments?: unknown };
    if (typeof message.sid === 'string') outcome.providerMessageId = message.sid;
    const segments = Number(message.num_segments);
    if (Number.isInteger(segments) && segments > 0) outcome.units = segments;
  } catch {
    // Taken without a readable body: still accepted; the status callback will carry the sid.
  }
  return outcome;
}
