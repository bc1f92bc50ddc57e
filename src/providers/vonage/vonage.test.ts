import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../core/outcome.js';
import type { SendRequest } from '../provider.js';
import { startScriptedServer, unusedLoopbackUrl, type ScriptedServer } from '../scripted-server.js';
import { createVonageClient, type VonageAccount } from './client.js';
import { getProvider } from '../registry.js';
import { vonageProvider } from './index.js';

const KEY = 'abcd1234';
const SECRET = 'vonage-secret-77';

function account(baseUrl: string, overrides: Partial<VonageAccount> = {}): VonageAccount {
  return {
    name: 'vonage',
    provider: 'vonage',
    baseUrl,
    rateLimit: 30,
    concurrency: 4,
    timeoutMs: 2000,
    apiKey: KEY,
    apiSecret: SECRET,
    from: 'TODOKE',
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
    text: 'ご予約は明日 10:00 です',
    callbackUrl: 'https://notify.example.co.jp/webhooks/vonage/vonage',
    ...overrides,
  };
}

const sent = (parts: number): string =>
  JSON.stringify({
    'message-count': String(parts),
    messages: Array.from({ length: parts }, (_, i) => ({
      to: '819012345678',
      'message-id': `0A000000123ABCD${i}`,
      status: '0',
      'remaining-balance': '3.14159265',
      'message-price': '0.03330000',
      network: '44010',
    })),
  });

const refused = (status: string, text: string): string =>
  JSON.stringify({ 'message-count': '1', messages: [{ status, 'error-text': text }] });

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Vonage send request', () => {
  it('posts a form with credentials, the number without +, unicode text, the attempt as client-ref and the callback', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: sent(1) }));
    const client = createVonageClient(account(server.url));
    const request = sendRequest();

    await client.send(request);
    await client.close();

    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/sms/json');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      api_key: KEY,
      api_secret: SECRET,
      from: 'TODOKE',
      to: '819012345678',
      text: 'ご予約は明日 10:00 です',
      type: 'unicode',
      'client-ref': request.attemptId,
      callback: 'https://notify.example.co.jp/webhooks/vonage/vonage',
    });
  });

  it('sends GSM text as text, a numeric sender without +, and no callback when there is no URL', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: sent(1) }));
    const client = createVonageClient(account(server.url, { from: '+819099990000' }));
    await client.send(sendRequest({ text: 'Your code is 1234', callbackUrl: null }));
    await client.close();
    const form = new URLSearchParams(server.requests[0]!.body);
    expect(form.get('type')).toBe('text');
    expect(form.get('from')).toBe('819099990000');
    expect(form.has('callback')).toBe(false);
  });
});

describe('Vonage answer classification', () => {
  const rows: Array<[string, number, string, Partial<SendOutcome>, Record<string, string>?]> = [
    [
      'status 0 is accepted with the first part’s id and every part billed',
      200,
      sent(3),
      { kind: 'accepted', providerMessageId: '0A000000123ABCD0', units: 3 },
    ],
    [
      '200 with an unreadable body is unknown',
      200,
      '<html>',
      { kind: 'unknown', code: 'vonage_unreadable_answer' },
    ],
    [
      'status 1 Throttled is throttled',
      200,
      refused('1', 'Throttled'),
      { kind: 'throttled', code: 'vonage_1' },
    ],
    [
      'status 10 Too Many Binds is throttled',
      200,
      refused('10', 'Too Many Existing Binds'),
      { kind: 'throttled' },
    ],
    [
      'HTTP 429 is throttled',
      429,
      '',
      { kind: 'throttled', code: 'vonage_http_429', retryAfterMs: 1000 },
      { 'retry-after': '1' },
    ],
    [
      "status 3 about the 'to' address is unreachable",
      200,
      refused('3', "Invalid 'to' address"),
      { kind: 'unreachable', code: 'vonage_3', detail: "status 3: Invalid 'to' address" },
    ],
    [
      'status 6 with an unknown prefix is unreachable',
      200,
      refused('6', 'Unroutable number prefix'),
      { kind: 'unreachable' },
    ],
    [
      'status 7 Number Barred is unreachable',
      200,
      refused('7', 'Number Barred'),
      { kind: 'unreachable', code: 'vonage_7' },
    ],
    [
      'status 33 De-activated is unreachable',
      200,
      refused('33', 'Number De-activated'),
      { kind: 'unreachable' },
    ],
    [
      'status 3 about another parameter is rejected',
      200,
      refused('3', 'Invalid ttl'),
      { kind: 'rejected', code: 'vonage_3' },
    ],
    [
      'status 4 Invalid Credentials opens the circuit',
      200,
      refused('4', 'Bad Credentials'),
      { kind: 'circuit', code: 'vonage_4' },
    ],
    [
      'status 9 Quota Violation opens the circuit',
      200,
      refused('9', 'Partner Quota Violation'),
      { kind: 'circuit' },
    ],
    [
      'HTTP 401 opens the circuit',
      401,
      '{"type":"UNAUTHORIZED"}',
      { kind: 'circuit', code: 'vonage_http_401' },
    ],
    [
      'status 5 Internal Error is retryable',
      200,
      refused('5', 'Internal Error'),
      { kind: 'retryable', code: 'vonage_5' },
    ],
    ['HTTP 503 is retryable', 503, '<html>down</html>', { kind: 'retryable', code: 'vonage_http_503' }],
    [
      'status 2 Missing Parameters is rejected',
      200,
      refused('2', 'Missing to param'),
      { kind: 'rejected', code: 'vonage_2' },
    ],
    [
      'status 15 Invalid Sender is rejected',
      200,
      refused('15', 'Invalid Sender Address'),
      { kind: 'rejected' },
    ],
    ['HTTP 404 is rejected', 404, '', { kind: 'rejected', code: 'vonage_http_404' }],
  ];

  it.each(rows)('%s', async (_name, status, body, expected, headers) => {
    server = await startScriptedServer(() => ({ status, body, headers }));
    const client = createVonageClient(account(server.url));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject(expected);
    expect(JSON.stringify(outcome)).not.toContain(SECRET);
  });

  it('classifies a partly sent message by the part that failed', async () => {
    const body = JSON.stringify({
      'message-count': '2',
      messages: [
        { status: '0', 'message-id': 'A1', to: '819012345678' },
        { status: '1', 'error-text': 'Throttled' },
      ],
    });
    server = await startScriptedServer(() => ({ status: 200, body }));
    const client = createVonageClient(account(server.url));
    expect(await client.send(sendRequest())).toMatchObject({ kind: 'throttled' });
    await client.close();
  });
});

describe('Vonage network failures', () => {
  it('no answer within timeoutMs is unknown: the SMS may have been queued', async () => {
    server = await startScriptedServer(() => 'hang');
    const client = createVonageClient(account(server.url, { timeoutMs: 150 }));
    expect(await client.send(sendRequest())).toMatchObject({
      kind: 'unknown',
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
    await client.close();
  });

  it('a 200 whose body stalls is unknown: which parts went is not known', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: '{"message-count":', stallBody: true }));
    const client = createVonageClient(account(server.url, { timeoutMs: 150 }));
    expect(await client.send(sendRequest())).toMatchObject({ kind: 'unknown' });
    await client.close();
  });

  it('nothing listening is retryable: the request never left', async () => {
    const client = createVonageClient(account(await unusedLoopbackUrl()));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    expect(JSON.stringify(outcome)).not.toContain(SECRET);
  });
});

describe('Vonage provider definition', () => {
  it('is registered under its id', () => {
    expect(getProvider('vonage')).toBe(vonageProvider);
  });

  it('needs an 8-character key, a secret and a sender; the signature settings are optional', () => {
    const schema = vonageProvider.accountSchema;
    const ok = { apiKey: KEY, apiSecret: SECRET, from: 'TODOKE' };
    expect(schema.safeParse(ok).success).toBe(true);
    expect(schema.safeParse({ ...ok, from: '+819099990000' }).success).toBe(true);
    expect(schema.safeParse({ ...ok, signatureSecret: 's', signatureMethod: 'sha256' }).success).toBe(true);
    expect(schema.safeParse({ ...ok, signatureMethod: 'sha3' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, apiKey: 'short' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, from: '090-1234-5678' }).success).toBe(false);
    expect(schema.safeParse({ apiKey: KEY, apiSecret: SECRET }).success).toBe(false);
    expect(vonageProvider.secretFields).toEqual(['apiSecret', 'signatureSecret']);
  });
});
