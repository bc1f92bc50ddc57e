import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../core/outcome.js';
import type { SendRequest } from '../provider.js';
import { startScriptedServer, type ScriptedAnswer, type ScriptedServer } from '../scripted-server.js';
import { createLineClient, type LineAccount } from './client.js';
import { retryKeyFor } from './retry-key.js';

const TOKEN = 'line-token-7f3a9c';
const USER = 'U4af4980629a0c1e0b1d5e2f1a3b4c5d6';

function account(baseUrl: string, overrides: Partial<LineAccount> = {}): LineAccount {
  return {
    name: 'line-main',
    provider: 'line',
    baseUrl,
    rateLimit: 2000,
    concurrency: 4,
    timeoutMs: 2000,
    channelAccessToken: TOKEN,
    channelSecret: 'line-secret-2b81',
    ...overrides,
  };
}

function pushRequest(overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    attemptId: ulid(),
    messageId: ulid(),
    channel: 'line_push',
    phone: '+818000001234',
    lineUserId: USER,
    email: null,
    text: 'ご予約の前日になりました。',
    callbackUrl: null,
    ...overrides,
  };
}

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function sendWith(answer: (n: number) => ScriptedAnswer, request = pushRequest(), timeoutMs = 2000) {
  let n = 0;
  server = await startScriptedServer(() => answer(n++));
  const client = createLineClient(account(server.url, { timeoutMs }));
  const outcome = await client.send(request);
  await client.close();
  return outcome;
}

describe('LINE push request', () => {
  it('posts a text push to the user ID with a retry key derived from the attempt', async () => {
    const request = pushRequest({ text: 'Line 1\n"quoted"' });
    await sendWith(() => ({ status: 200, body: '{"sentMessages":[{"id":"1"}]}' }), request);
    const sent = server!.requests[0]!;
    expect(sent.url).toBe('/v2/bot/message/push');
    expect(sent.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers['x-line-retry-key']).toBe(retryKeyFor(request.attemptId));
    expect(sent.headers['x-line-delivery-tag']).toBeUndefined();
    expect(JSON.parse(sent.body)).toEqual({
      to: USER,
      messages: [{ type: 'text', text: 'Line 1\n"quoted"' }],
    });
  });

  it('never sends without a LINE user ID: the person is unreachable by push', async () => {
    const outcome = await sendWith(() => ({ status: 200 }), pushRequest({ lineUserId: null }));
    expect(outcome).toMatchObject({ kind: 'unreachable', code: 'line_no_user_id' });
    expect(server!.requests).toHaveLength(0);
  });

  it('resends an unanswered push once with the same key; 409 says LINE had the first', async () => {
    const request = pushRequest();
    const outcome = await sendWith(
      (n) =>
        n === 0
          ? 'hang'
          : {
              status: 409,
              body: '{"message":"The retry key is already accepted","sentMessages":[{"id":"1"}]}',
              headers: { 'x-line-accepted-request-id': 'req-first' },
            },
      request,
      150,
    );
    expect(outcome).toEqual({ kind: 'delivered', providerMessageId: 'req-first', units: 1 });
    const keys = server!.requests.map((r) => r.headers['x-line-retry-key']);
    expect(keys).toEqual([retryKeyFor(request.attemptId), retryKeyFor(request.attemptId)]);
  });

  it('stays unknown when the resend gets no definite answer either', async () => {
    const outcome = await sendWith(
      (n) => (n === 0 ? 'hang' : { status: 503, body: '{}' }),
      pushRequest(),
      150,
    );
    expect(outcome).toMatchObject({ kind: 'unknown', code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(server!.requests).toHaveLength(2);
  });

  it('does not resend a push LINE answered, whatever it said', async () => {
    await sendWith(() => ({ status: 500, body: '{"message":"An error occurred."}' }));
    expect(server!.requests).toHaveLength(1);
  });
});

describe('LINE push answer classification', () => {
  const rows: Array<[string, number, string, Record<string, string>, Partial<SendOutcome>]> = [
    [
      '200 is delivered: push has no delivery event, the request ID identifies it',
      200,
      '{"sentMessages":[{"id":"461230966842064897","quoteToken":"q"}]}',
      { 'x-line-request-id': 'req-200' },
      { kind: 'delivered', providerMessageId: 'req-200', units: 1 },
    ],
    [
      '409 with x-line-accepted-request-id is the earlier acceptance',
      409,
      '{"message":"The retry key is already accepted"}',
      { 'x-line-accepted-request-id': 'req-earlier', 'x-line-request-id': 'req-now' },
      { kind: 'delivered', providerMessageId: 'req-earlier' },
    ],
    [
      '400 "Failed to send messages" is an unknown user: unreachable by push',
      400,
      '{"message":"Failed to send messages"}',
      {},
      { kind: 'unreachable', code: 'line_invalid_user' },
    ],
    [
      '400 naming `to` is a malformed user ID: unreachable by push',
      400,
      '{"message":"The property, \'to\', in the request body is invalid (line: -, column: -)"}',
      {},
      { kind: 'unreachable', code: 'line_invalid_user' },
    ],
    [
      '400 with a detail on `to` is unreachable too',
      400,
      '{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"to"}]}',
      {},
      { kind: 'unreachable', code: 'line_invalid_user' },
    ],
    [
      '400 about the message is rejected',
      400,
      '{"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 0 and 5000","property":"messages[0].text"}]}',
      {},
      { kind: 'rejected', code: 'line_bad_request' },
    ],
    [
      '403 (plan cannot push) opens the circuit',
      403,
      '{"message":"Access to this API is not available for your account"}',
      {},
      { kind: 'circuit', code: 'line_auth_failed' },
    ],
    [
      '429 monthly limit opens the circuit until the month ends (JST), as for notification messages',
      429,
      '{"message":"You have reached your monthly limit."}',
      {},
      { kind: 'circuit', code: 'line_monthly_limit', reopenAt: 'month_end_jst' },
    ],
    [
      '429 rate limit is throttled',
      429,
      '{"message":"The API rate limit has been exceeded. Try again later."}',
      {},
      { kind: 'throttled', code: 'line_rate_limited' },
    ],
    ['500 is retryable', 500, '{"message":"An error occurred."}', {}, { kind: 'retryable' }],
  ];

  it.each(rows)('%s', async (_name, status, body, headers, expected) => {
    const outcome = await sendWith(() => ({ status, body, headers }));
    expect(outcome).toMatchObject(expected);
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});
