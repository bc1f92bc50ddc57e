import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../core/outcome.js';
import type { SendRequest } from '../provider.js';
import { startScriptedServer, unusedLoopbackUrl, type ScriptedServer } from '../scripted-server.js';
import { createTwilioClient, type TwilioAccount } from './client.js';
import { twilioProvider } from './index.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-5e1d';

function account(baseUrl: string, overrides: Partial<TwilioAccount> = {}): TwilioAccount {
  return {
    name: 'twilio',
    provider: 'twilio',
    baseUrl,
    rateLimit: 100,
    concurrency: 4,
    timeoutMs: 2000,
    accountSid: SID,
    authToken: TOKEN,
    from: '+15005550006',
    ...overrides,
  };
}

function sendRequest(overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    attemptId: ulid(),
    messageId: ulid(),
    channel: 'sms',
    phone: '+819012345678',
    lineUserId: null,
    email: null,
    text: 'ご予約は明日 10:00 です & お待ちしております',
    callbackUrl: 'https://notify.example.co.jp/webhooks/twilio/twilio',
    ...overrides,
  };
}

const CREATED = JSON.stringify({
  account_sid: SID,
  sid: 'SM0123456789abcdef0123456789abcdef',
  status: 'queued',
  num_segments: '2',
  to: '+819012345678',
  from: '+15005550006',
});

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Twilio send request', () => {
  it('posts a form with To, From, Body and a StatusCallback that names the attempt, with Basic auth', async () => {
    server = await startScriptedServer(() => ({ status: 201, body: CREATED }));
    const client = createTwilioClient(account(server.url));
    const request = sendRequest();

    await client.send(request);
    await client.close();

    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(sent.headers['authorization']).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(sent.body));
    expect(form).toEqual({
      To: '+819012345678',
      From: '+15005550006',
      Body: 'ご予約は明日 10:00 です & お待ちしております',
      StatusCallback: `https://notify.example.co.jp/webhooks/twilio/twilio?attemptId=${request.attemptId}`,
    });
  });

  it('sends through a Messaging Service when no From is configured, and no callback when there is no URL', async () => {
    server = await startScriptedServer(() => ({ status: 201, body: CREATED }));
    const client = createTwilioClient(
      account(server.url, { from: undefined, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' }),
    );
    await client.send(sendRequest({ callbackUrl: null }));
    await client.close();
    const form = Object.fromEntries(new URLSearchParams(server.requests[0]!.body));
    expect(form).toEqual({
      To: '+819012345678',
      MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      Body: 'ご予約は明日 10:00 です & お待ちしております',
    });
  });

  it('appends the attempt to a callback URL that already has a query', async () => {
    server = await startScriptedServer(() => ({ status: 201, body: CREATED }));
    const client = createTwilioClient(account(server.url));
    const request = sendRequest({ callbackUrl: 'https://hooks.example.jp/twilio?tenant=a' });
    await client.send(request);
    await client.close();
    const form = new URLSearchParams(server.requests[0]!.body);
    expect(form.get('StatusCallback')).toBe(
      `https://hooks.example.jp/twilio?tenant=a&attemptId=${request.attemptId}`,
    );
  });
});

describe('Twilio answer classification', () => {
  const error = (status: number, code: number, message: string): string =>
    JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const rows: Array<[string, number, string, Partial<SendOutcome>, Record<string, string>?]> = [
    [
      '201 is accepted with the sid and the billed segments',
      201,
      CREATED,
      { kind: 'accepted', providerMessageId: 'SM0123456789abcdef0123456789abcdef', units: 2 },
    ],
    ['201 with an unreadable body is still accepted', 201, 'oops', { kind: 'accepted' }],
    [
      '21211 invalid number is unreachable',
      400,
      error(400, 21211, "The 'To' number 123 is not a valid phone number."),
      { kind: 'unreachable', code: 'twilio_21211' },
    ],
    [
      '21614 not a mobile number is unreachable',
      400,
      error(400, 21614, "'To' number is not a valid mobile number"),
      { kind: 'unreachable', code: 'twilio_21614' },
    ],
    [
      '21610 unsubscribed (STOP) is unreachable',
      400,
      error(400, 21610, 'Attempt to send to unsubscribed recipient'),
      { kind: 'unreachable', code: 'twilio_21610' },
    ],
    [
      '21612 cannot route is unreachable',
      400,
      error(400, 21612, "The 'To' phone number is not currently reachable via SMS"),
      { kind: 'unreachable', code: 'twilio_21612' },
    ],
    [
      '21408 region not enabled is unreachable',
      400,
      error(
        400,
        21408,
        'Permission to send an SMS has not been enabled for the region indicated by the To number',
      ),
      { kind: 'unreachable', code: 'twilio_21408' },
    ],
    [
      '429 is throttled, with Retry-After when given',
      429,
      error(429, 20429, 'Too Many Requests'),
      { kind: 'throttled', code: 'twilio_20429', retryAfterMs: 3000 },
      { 'retry-after': '3' },
    ],
    ['429 without a body is throttled', 429, '', { kind: 'throttled', code: 'twilio_http_429' }],
    [
      '401 / 20003 bad credentials opens the circuit',
      401,
      error(401, 20003, 'Authenticate'),
      { kind: 'circuit', code: 'twilio_20003', detail: 'HTTP 401: Authenticate' },
    ],
    [
      '403 suspended account opens the circuit',
      403,
      error(403, 20403, 'Forbidden'),
      { kind: 'circuit', code: 'twilio_20403' },
    ],
    [
      'other 400 (bad From) is rejected',
      400,
      error(
        400,
        21606,
        "The 'From' phone number provided is not a valid message-capable Twilio phone number",
      ),
      { kind: 'rejected', code: 'twilio_21606' },
    ],
    [
      '404 is rejected',
      404,
      error(404, 20404, 'The requested resource was not found'),
      { kind: 'rejected', code: 'twilio_20404' },
    ],
    [
      '500 is retryable',
      500,
      error(500, 20500, 'Internal Server Error'),
      { kind: 'retryable', code: 'twilio_20500' },
    ],
    [
      '503 with an HTML page is retryable',
      503,
      '<html>down</html>',
      { kind: 'retryable', code: 'twilio_http_503' },
    ],
  ];

  it.each(rows)('%s', async (_name, status, body, expected, headers) => {
    server = await startScriptedServer(() => ({ status, body, headers }));
    const client = createTwilioClient(account(server.url));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject(expected);
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});

describe('Twilio network failures', () => {
  it('no answer within timeoutMs is unknown: the SMS may have been queued', async () => {
    server = await startScriptedServer(() => 'hang');
    const client = createTwilioClient(account(server.url, { timeoutMs: 150 }));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject({ kind: 'unknown', code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('a 201 whose body stalls is accepted without a sid', async () => {
    server = await startScriptedServer(() => ({ status: 201, body: '{"sid":', stallBody: true }));
    const client = createTwilioClient(account(server.url, { timeoutMs: 150 }));
    expect(await client.send(sendRequest())).toEqual({ kind: 'accepted' });
    await client.close();
  });

  it('a connection dropped after the request was sent is unknown', async () => {
    server = await startScriptedServer(() => 'drop');
    const client = createTwilioClient(account(server.url));
    expect(await client.send(sendRequest())).toMatchObject({ kind: 'unknown', code: 'UND_ERR_SOCKET' });
    await client.close();
  });

  it('nothing listening is retryable: the request never left', async () => {
    const client = createTwilioClient(account(await unusedLoopbackUrl()));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});

describe('Twilio provider definition', () => {
  it('needs a sender: From (E.164 or alphanumeric) or a Messaging Service', () => {
    const schema = twilioProvider.accountSchema;
    expect(schema.safeParse({ accountSid: SID, authToken: 't', from: '+15005550006' }).success).toBe(true);
    expect(schema.safeParse({ accountSid: SID, authToken: 't', from: 'TODOKE' }).success).toBe(true);
    const service = 'MG' + '0123456789abcdef'.repeat(2);
    expect(schema.safeParse({ accountSid: SID, authToken: 't', messagingServiceSid: service }).success).toBe(
      true,
    );
    // Twilio answers a malformed one with 21705 on every send: refused when the config is read instead.
    expect(schema.safeParse({ accountSid: SID, authToken: 't', messagingServiceSid: 'MG1' }).success).toBe(
      false,
    );
    expect(schema.safeParse({ accountSid: SID, authToken: 't' }).success).toBe(false);
    expect(schema.safeParse({ accountSid: SID, authToken: 't', from: '090-1234-5678' }).success).toBe(false);
    expect(twilioProvider.secretFields).toEqual(['authToken']);
  });
});
