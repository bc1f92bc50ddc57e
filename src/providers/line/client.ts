import { createHash } from 'node:crypto';
import { Pool, type Dispatcher } from 'undici';
import type { SendOutcome } from '../../core/outcome.js';
import { classifyNetworkError } from '../http-errors.js';
import type { AccountBase, ClientDeps, ProviderClient, SendRequest } from '../provider.js';
import { classifyLineAnswer, lineErrorMessage } from './errors.js';

export interface LineAccount extends AccountBase {
  channelAccessToken: string;
  channelSecret: string;
}

/** PNP addresses people by the lowercase hex SHA-256 of their E.164 number, `+` included. */
export function hashPhoneForLine(e164: string): string {
  return createHash('sha256').update(e164).digest('hex');
}

/**
 * Sends LINE notification messages (flexible): `POST /bot/pnp/push` with the attempt's ULID as
 * X-Line-Delivery-Tag, so the delivery event finds the attempt even when this request timed out.
 */
export function createLineClient(account: LineAccount, deps: ClientDeps = {}): ProviderClient {
  const base = new URL(account.baseUrl);
  const origin = base.origin;
  // A base URL may carry a path prefix (a gateway, the sandbox); the API path goes after it.
  const path = `${base.pathname.replace(/\/+$/, '')}/bot/pnp/push`;
  const ownPool = deps.dispatcher === undefined;
  const dispatcher: Dispatcher =
    deps.dispatcher ??
    new Pool(origin, {
      connections: account.concurrency,
      connect: { timeout: account.timeoutMs },
      headersTimeout: account.timeoutMs,
      bodyTimeout: account.timeoutMs,
    });
  const authorization = `Bearer ${account.channelAccessToken}`;
  const timeoutMs = account.timeoutMs;

  async function send(request: SendRequest): Promise<SendOutcome> {
    if (request.phone === null) {
      return {
        kind: 'unreachable',
        code: 'line_no_phone',
        detail: 'notification messages need a phone number',
      };
    }
    // Only the two strings vary; JSON.stringify escapes the text.
    const body = `{"to":"${hashPhoneForLine(request.phone)}","messages":[{"type":"text","text":${JSON.stringify(request.text)}}]}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin,
        path,
        method: 'POST',
        headers: [
          'authorization',
          authorization,
          'content-type',
          'application/json',
          'x-line-delivery-tag',
          request.attemptId,
        ],
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      return classifyNetworkError(error);
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      // The status alone decides; a body that breaks off afterwards changes nothing.
      await response.body.dump().catch(() => undefined);
      return classifyLineAnswer({ status, message: '' });
    }
    const text = await response.body.text().catch(() => '');
    return classifyLineAnswer({ status, message: lineErrorMessage(text) });
  }

  return {
    send,
    async close() {
      // A dispatcher handed in belongs to the caller.
      if (ownPool) await dispatcher.close();
    },
  };
}
