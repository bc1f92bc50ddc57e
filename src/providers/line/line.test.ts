import { Agent } from 'undici';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../core/outcome.js';
import type { SendRequest } from '../provider.js';
import { startScriptedServer, unusedLoopbackUrl, type ScriptedServer } from '../scripted-server.js';
import { createLineClient, hashPhoneForLine, type LineAccount } from './client.js';
import { lineProvider } from './index.js';

const TOKEN = 'line-token-7f3a9c';

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

function sendRequest(overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    attemptId: ulid(),
    messageId: ulid(),
    channel: 'line_pnp',
    phone: '+818000001234',
    lineUserId: null,
    email: null,
    text: 'ご注文の商品を発送しました。',
    callbackUrl: null,
    ...overrides,
  };
}

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LINE phone hash', () => {
  it('matches the example in LINE’s notification-message docs', () => {
    // developers.line.biz/en/docs/partner-docs/line-notification-messages/technical-specs (phone number hashing)
    expect(hashPhoneForLine('+818000001234')).toBe(
      'd41e0ad70dddfeb68f149ad6fc61574b9c5780ab7bcb2fba5517771ffbb2409c',
    );
  });
});

describe('LINE send request', () => {
  it('posts a flexible notification message with bearer token, delivery tag and hashed number', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: '{}' }));
    const client = createLineClient(account(server.url));
    const request = sendRequest({ text: 'Line 1\n"quoted" 発送' });

    await client.send(request);
    await client.close();

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/bot/pnp/push');
    expect(sent.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-line-delivery-tag']).toBe(request.attemptId);
    expect(request.attemptId).toHaveLength(26);
    expect(JSON.parse(sent.body)).toEqual({
      to: 'd41e0ad70dddfeb68f149ad6fc61574b9c5780ab7bcb2fba5517771ffbb2409c',
      messages: [{ type: 'text', text: 'Line 1\n"quoted" 発送' }],
    });
  });

  it('keeps a path prefix of the base URL', async () => {
    server = await startScriptedServer();
    const client = createLineClient(account(`${server.url}/line/`));
    await client.send(sendRequest());
    await client.close();
    expect(server.requests[0]?.url).toBe('/line/bot/pnp/push');
  });

  it('never sends without a phone number: the person is unreachable on this channel', async () => {
    server = await startScriptedServer();
    const client = createLineClient(account(server.url));
    const outcome = await client.send(sendRequest({ phone: null }));
    await client.close();
    expect(outcome).toMatchObject({ kind: 'unreachable', code: 'line_no_phone' });
    expect(server.requests).toHaveLength(0);
  });

  it('holds at most `concurrency` requests in flight on its own pool', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: '{}', delayMs: 40 }));
    const client = createLineClient(account(server.url, { concurrency: 2 }));
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => client.send(sendRequest())));
    await client.close();
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(server.maxInFlight).toBe(2);
  });

  it('uses a dispatcher handed in and leaves it open on close', async () => {
    server = await startScriptedServer();
    const agent = new Agent();
    const client = createLineClient(account(server.url), { dispatcher: agent });
    expect(await client.send(sendRequest())).toEqual({ kind: 'accepted' });
    await client.close();
    const again = await agent.request({ origin: server.url, path: '/ping', method: 'GET' });
    await again.body.dump();
    expect(again.statusCode).toBe(200);
    await agent.close();
  });
});

describe('LINE answer classification', () => {
  const rows: Array<[string, number, string, Partial<SendOutcome>]> = [
    ['200 {} is accepted, not delivered', 200, '{}', { kind: 'accepted' }],
    ['202 {} is accepted', 202, '{}', { kind: 'accepted' }],
    [
      '422 is unreachable: fall back at once',
      422,
      '{"message":"Failed to send messages"}',
      { kind: 'unreachable', code: 'line_unreachable', detail: 'HTTP 422: Failed to send messages' },
    ],
    [
      '429 monthly limit opens the circuit until the month ends (JST)',
      429,
      '{"message":"You have reached your monthly limit."}',
      { kind: 'circuit', code: 'line_monthly_limit', reopenAt: 'month_end_jst' },
    ],
    [
      '429 rate limit is throttled',
      429,
      '{"message":"The API rate limit has been exceeded. Try again later."}',
      { kind: 'throttled', code: 'line_rate_limited' },
    ],
    [
      '401 bad token opens the circuit',
      401,
      '{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}',
      { kind: 'circuit', code: 'line_auth_failed' },
    ],
    [
      '403 not allowed opens the circuit',
      403,
      '{"message":"Access to this API is not available for your account"}',
      { kind: 'circuit', code: 'line_auth_failed' },
    ],
    [
      '400 is rejected, with the offending property',
      400,
      '{"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 0 and 5000","property":"messages[0].text"}]}',
      {
        kind: 'rejected',
        code: 'line_bad_request',
        detail:
          'HTTP 400: The request body has 1 error(s) (messages[0].text: Length must be between 0 and 5000)',
      },
    ],
    [
      '500 is retryable',
      500,
      '{"message":"An error occurred."}',
      { kind: 'retryable', code: 'line_server_error' },
    ],
    [
      '503 with an HTML page is retryable',
      503,
      '<html>busy</html>',
      { kind: 'retryable', code: 'line_server_error' },
    ],
    [
      '504 from a gateway is an unknown outcome: never resent blindly',
      504,
      '<html>Gateway Timeout</html>',
      { kind: 'unknown', code: 'line_gateway_error' },
    ],
    [
      '409 from a notification message endpoint (no retry key there) is rejected',
      409,
      '{"message":"Conflict"}',
      { kind: 'rejected', code: 'line_http_409' },
    ],
    [
      '404 (wrong base URL) is rejected',
      404,
      '{"message":"Not found"}',
      { kind: 'rejected', code: 'line_http_404' },
    ],
  ];

  it.each(rows)('%s', async (_name, status, body, expected) => {
    server = await startScriptedServer(() => ({ status, body }));
    const client = createLineClient(account(server.url));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject(expected);
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });

  it('a 200 whose body stalls is still accepted: the status already said so', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: '{', stallBody: true }));
    const client = createLineClient(account(server.url, { timeoutMs: 150 }));
    expect(await client.send(sendRequest())).toEqual({ kind: 'accepted' });
    await client.close();
  });
});

describe('LINE network failures', () => {
  it('no answer within timeoutMs is unknown: the message may have been taken', async () => {
    server = await startScriptedServer(() => 'hang');
    const client = createLineClient(account(server.url, { timeoutMs: 150 }));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject({ kind: 'unknown', code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(server.requests).toHaveLength(1);
  });

  it('a connection dropped after the request was sent is unknown', async () => {
    server = await startScriptedServer(() => 'drop');
    const client = createLineClient(account(server.url));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject({ kind: 'unknown', code: 'UND_ERR_SOCKET' });
  });

  it('nothing listening is retryable: the request never left', async () => {
    const client = createLineClient(account(await unusedLoopbackUrl()));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});

describe('LINE provider definition', () => {
  it('validates credentials and names both as secrets', () => {
    expect(
      lineProvider.accountSchema.safeParse({ channelAccessToken: 't', channelSecret: 's' }).success,
    ).toBe(true);
    expect(lineProvider.accountSchema.safeParse({ channelAccessToken: 't' }).success).toBe(false);
    expect(lineProvider.secretFields).toEqual(['channelAccessToken', 'channelSecret']);
    // One channel access token serves notification messages and push alike.
    expect(lineProvider.channels).toEqual(['line_pnp', 'line_push']);
  });
});
