import { Pool, type Dispatcher } from 'undici';
import type { SendOutcome } from '../../core/outcome.js';
import { countSmsParts } from '../../core/text/sms-parts.js';
import { noticing, withWriteNotice } from '../write-notice.js';
import { classifyNetworkError, retryAfterMs } from '../http-errors.js';
import type { AccountBase, ClientDeps, ProviderClient, SendRequest } from '../provider.js';
import { classifyVonageAnswer, readVonageAnswer } from './errors.js';
import type { VonageSignatureMethod } from './receipts.js';

export interface VonageAccount extends AccountBase {
  /** 8 characters, from the Vonage dashboard. */
  apiKey: string;
  apiSecret: string;
  /** Sender: an E.164 number (with or without +) or an alphanumeric sender ID. */
  from: string;
  /** When set, delivery receipts must be signed with it (Vonage "signed webhooks"); unsigned ones are refused. */
  signatureSecret?: string;
  /** How Vonage signs, as chosen in the dashboard; default md5hash. */
  signatureMethod?: VonageSignatureMethod;
}

/** Vonage wants numbers as digits only: E.164 without the plus. */
export function vonageNumber(e164: string): string {
  return e164.replace(/^\+/, '');
}

/**
 * Sends SMS with Vonage's SMS API (`POST /sms/json`, form body with api_key/api_secret). The attempt ID goes as
 * `client-ref`, which Vonage echoes in each delivery receipt, so a receipt finds its attempt even when the send
 * timed out; the account's callback URL goes as `callback`, overriding the dashboard's.
 */
export function createVonageClient(account: VonageAccount, deps: ClientDeps = {}): ProviderClient {
  const base = new URL(account.baseUrl);
  const origin = base.origin;
  const path = `${base.pathname.replace(/\/+$/, '')}/sms/json`;
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
  const headers = ['content-type', 'application/x-www-form-urlencoded', 'accept', 'application/json'];
  // The credentials and the sender are the same for every message of the account: encode them once.
  const fixed =
    `api_key=${encodeURIComponent(account.apiKey)}&api_secret=${encodeURIComponent(account.apiSecret)}` +
    `&from=${encodeURIComponent(vonageNumber(account.from))}`;
  const timeoutMs = account.timeoutMs;

  async function send(request: SendRequest): Promise<SendOutcome> {
    if (request.phone === null) {
      return { kind: 'unreachable', code: 'vonage_no_phone', detail: 'SMS needs a phone number' };
    }
    // Text outside the GSM alphabet (Japanese) must be sent as unicode, or the handset shows garbage.
    const type = countSmsParts(request.text).encoding === 'UCS-2' ? 'unicode' : 'text';
    let body =
      `${fixed}&to=${vonageNumber(request.phone)}&text=${encodeURIComponent(request.text)}&type=${type}` +
      `&client-ref=${encodeURIComponent(request.attemptId)}`;
    if (request.callbackUrl !== null) body += `&callback=${encodeURIComponent(request.callbackUrl)}`;
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
    // Vonage has answered; a 200 body that breaks off is unreadable, and readVonageAnswer says so.
    const text = await response.body.text().catch(() => '');
    return classifyVonageAnswer({
      ...readVonageAnswer(response.statusCode, text),
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
