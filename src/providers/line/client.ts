import { createHash } from 'node:crypto';
import { Pool, type Dispatcher } from 'undici';
import type { SendOutcome } from '../../core/outcome.js';
import { noticing, withWriteNotice } from '../write-notice.js';
import { classifyNetworkError } from '../http-errors.js';
import type { AccountBase, ClientDeps, ProviderClient, SendRequest } from '../provider.js';
import { classifyLineAnswer, readLineError, settleResend, type LineAnswer } from './errors.js';
import { flexibleBody, pushBody, templateBody, templateProblem } from './request-bodies.js';
import { retryKeyFor } from './retry-key.js';

export interface LineAccount extends AccountBase {
  channelAccessToken: string;
  channelSecret: string;
}

/** PNP addresses people by the lowercase hex SHA-256 of their E.164 number, `+` included. */
export function hashPhoneForLine(e164: string): string {
  return createHash('sha256').update(e164).digest('hex');
}

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * Sends through one LINE Messaging API channel:
 * - line_pnp, text: a notification message (flexible), `POST /bot/pnp/push`;
 * - line_pnp, template: a notification message (template), `POST /v2/bot/message/pnp/templated/push`;
 *   both with the attempt's ULID as X-Line-Delivery-Tag, so the delivery event finds the attempt even when this
 *   request timed out. Notification messages have no retry key: they are never resent here.
 * - line_push: a push message to the user ID, `POST /v2/bot/message/push`, with an X-Line-Retry-Key derived from
 *   the attempt's ULID. A push whose outcome is unknown (no answer) is resent once with the same key: LINE takes
 *   it at most once and answers 409 when it had the first.
 */
export function createLineClient(account: LineAccount, deps: ClientDeps = {}): ProviderClient {
  const base = new URL(account.baseUrl);
  const origin = base.origin;
  // A base URL may carry a path prefix (a gateway, the sandbox); the API paths go after it.
  const prefix = base.pathname.replace(/\/+$/, '');
  const paths = {
    flexible: `${prefix}/bot/pnp/push`,
    template: `${prefix}/v2/bot/message/pnp/templated/push`,
    push: `${prefix}/v2/bot/message/push`,
  };
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
  const common = [
    'authorization',
    `Bearer ${account.channelAccessToken}`,
    'content-type',
    'application/json',
  ];
  const timeoutMs = account.timeoutMs;

  /** One request and what its answer means; the status alone decides a 2xx, whatever the body does next. */
  async function post(
    api: LineAnswer['api'],
    path: string,
    headers: string[],
    body: string,
    onWritten: (() => void) | undefined,
  ): Promise<SendOutcome> {
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request(
        noticing(
          { origin, path, method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          onWritten,
        ),
      );
    } catch (error) {
      return classifyNetworkError(error);
    }
    const status = response.statusCode;
    const requestId = header(response.headers['x-line-request-id']);
    if (status >= 200 && status < 300) {
      await response.body.dump().catch(() => undefined);
      return classifyLineAnswer(
        api === 'push' ? { api, status, message: '', requestId } : { api, status, message: '' },
      );
    }
    const { message, properties } = readLineError(await response.body.text().catch(() => ''));
    const acceptedRequestId = header(response.headers['x-line-accepted-request-id']);
    return classifyLineAnswer({ api, status, message, properties, requestId, acceptedRequestId });
  }

  function sendNotification(request: SendRequest): Promise<SendOutcome> | SendOutcome {
    if (request.phone === null) {
      return {
        kind: 'unreachable',
        code: 'line_no_phone',
        detail: 'notification messages need a phone number',
      };
    }
    const headers = [...common, 'x-line-delivery-tag', request.attemptId];
    const to = hashPhoneForLine(request.phone);
    const template = request.pnpTemplate;
    if (template === undefined)
      return post('pnp', paths.flexible, headers, flexibleBody(to, request.text), request.onWritten);
    const problem = templateProblem(template);
    // LINE would answer 400: refuse here, without a request, and say which field.
    if (problem !== null) return { kind: 'rejected', code: 'line_template_invalid', detail: problem };
    return post('pnp', paths.template, headers, templateBody(to, template), request.onWritten);
  }

  async function sendPush(request: SendRequest): Promise<SendOutcome> {
    if (request.lineUserId === null) {
      return { kind: 'unreachable', code: 'line_no_user_id', detail: 'push messages need a LINE user ID' };
    }
    const headers = [...common, 'x-line-retry-key', retryKeyFor(request.attemptId)];
    const body = pushBody(request.lineUserId, request.text);
    const first = await post('push', paths.push, headers, body, request.onWritten);
    if (first.kind !== 'unknown') return first;
    return settleResend(first, await post('push', paths.push, headers, body, undefined));
  }

  return {
    async send(request) {
      return request.channel === 'line_push' ? sendPush(request) : sendNotification(request);
    },
    // A push carries a retry key made from the attempt id: LINE takes a resend of it at most once (24 h).
    resendsSafely: (channel) => channel === 'line_push',
    async close() {
      // A dispatcher handed in belongs to the caller.
      if (ownPool) await dispatcher.close();
    },
  };
}
