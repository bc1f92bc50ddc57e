import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../core/outcome.js';
import type { SendRequest } from '../provider.js';
import { startScriptedServer, unusedLoopbackUrl, type ScriptedServer } from '../scripted-server.js';
import { createKaradenClient, karadenNumber, type KaradenAccount } from './client.js';
import { getProvider } from '../registry.js';
import { karadenProvider } from './index.js';

const TENANT = '82bdf9de-a532-4bf5-86bc-c9a1366e5f4a';
const TOKEN = 'karaden-token-3f9a';

function account(baseUrl: string, overrides: Partial<KaradenAccount> = {}): KaradenAccount {
  return {
    name: 'karaden',
    provider: 'karaden',
    baseUrl: `${baseUrl}/api`,
    rateLimit: 100,
    concurrency: 4,
    timeoutMs: 2000,
    token: TOKEN,
    tenantId: TENANT,
    serviceId: 7,
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
    text: 'お支払期限は 5/31 です & ご確認ください',
    callbackUrl: 'https://notify.example.co.jp/webhooks/karaden/karaden',
    ...overrides,
  };
}

const MESSAGE = JSON.stringify({
  id: '0d6b3c1e-4a8f-4a51-9d0a-2c7a4f1b9e11',
  object: 'message',
  service_id: 7,
  to: '09012345678',
  body: 'x',
  status: 'waiting',
  charged_count_per_sent: 0,
});

const error = (code: string, message: string, errors: Record<string, string[]> | null = null): string =>
  JSON.stringify({ object: 'error', code, message, errors });

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Karaden send request', () => {
  it('posts a form with service_id, the domestic number, the body and a tag naming the attempt', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: MESSAGE }));
    const client = createKaradenClient(account(server.url));
    const request = sendRequest();

    await client.send(request);
    await client.close();

    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`/api/${TENANT}/messages`);
    expect(sent.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.headers['karaden-version']).toBe('2024-03-01');
    const form = new URLSearchParams(sent.body);
    expect([...form.keys()]).toEqual(['service_id', 'to', 'body', 'tags[]']);
    expect(form.get('service_id')).toBe('7');
    expect(form.get('to')).toBe('09012345678');
    expect(form.get('body')).toBe('お支払期限は 5/31 です & ご確認ください');
    expect(form.getAll('tags[]')).toEqual([`todoke:${request.attemptId}`]);
  });

  it('turns E.164 into the 11-digit domestic form, and nothing else', () => {
    expect(karadenNumber('+819012345678')).toBe('09012345678');
    expect(karadenNumber('+817012345678')).toBe('07012345678');
    expect(karadenNumber('+81312345678')).toBeNull();
    expect(karadenNumber('+15005550006')).toBeNull();
  });

  it('sends nothing for a Japanese landline (unreachable) or a number abroad (rejected: another gateway may)', async () => {
    server = await startScriptedServer(() => ({ status: 200, body: MESSAGE }));
    const client = createKaradenClient(account(server.url));
    expect(await client.send(sendRequest({ phone: '+81312345678' }))).toMatchObject({
      kind: 'unreachable',
      code: 'karaden_not_mobile',
    });
    expect(await client.send(sendRequest({ phone: '+15005550006' }))).toMatchObject({
      kind: 'rejected',
      code: 'karaden_not_domestic',
    });
    expect(await client.send(sendRequest({ phone: null }))).toMatchObject({ kind: 'unreachable' });
    await client.close();
    expect(server.requests).toHaveLength(0);
  });
});

describe('Karaden answer classification', () => {
  const rows: Array<[string, number, string, Partial<SendOutcome>, Record<string, string>?]> = [
    [
      '200 is accepted with the message id',
      200,
      MESSAGE,
      { kind: 'accepted', providerMessageId: '0d6b3c1e-4a8f-4a51-9d0a-2c7a4f1b9e11' },
    ],
    [
      '200 with billed units keeps them',
      200,
      JSON.stringify({ id: 'a', charged_count_per_sent: 2 }),
      { kind: 'accepted', units: 2 },
    ],
    ['200 with an unreadable body is still accepted', 200, 'oops', { kind: 'accepted' }],
    [
      '422 naming `to` is unreachable',
      422,
      error('validation_error', 'バリデーションエラーが発生しました', {
        to: ['携帯電話番号を指定してください。'],
      }),
      { kind: 'unreachable', code: 'karaden_invalid_to' },
    ],
    [
      '422 naming service_id opens the circuit',
      422,
      error('validation_error', 'バリデーションエラーが発生しました', { service_id: ['存在しません。'] }),
      { kind: 'circuit', code: 'karaden_invalid_service' },
    ],
    [
      '422 naming the body is rejected',
      422,
      error('validation_error', 'バリデーションエラーが発生しました', { body: ['660文字以内'] }),
      {
        kind: 'rejected',
        code: 'karaden_validation_error',
        detail: 'HTTP 422: バリデーションエラーが発生しました (body: 660文字以内)',
      },
    ],
    [
      '429 is throttled, with Retry-After when given',
      429,
      error('unknown', 'too many'),
      { kind: 'throttled', retryAfterMs: 2000 },
      { 'retry-after': '2' },
    ],
    [
      '401 unauthentication opens the circuit',
      401,
      error('unauthentication', '認証に失敗しました'),
      { kind: 'circuit', code: 'karaden_unauthentication' },
    ],
    ['403 opens the circuit', 403, '', { kind: 'circuit', code: 'karaden_http_403' }],
    [
      '400 invalid_tenant opens the circuit',
      400,
      error('invalid_tenant', '不正なテナントIDが指定されています'),
      { kind: 'circuit', code: 'karaden_invalid_tenant' },
    ],
    [
      '404 model_not_found opens the circuit',
      404,
      error('model_not_found', '対象となるモデルが見つかりませんでした'),
      { kind: 'circuit', code: 'karaden_model_not_found' },
    ],
    [
      '400 invalid_version is rejected',
      400,
      error('invalid_version', '不正なバージョンが指定されています'),
      { kind: 'rejected', code: 'karaden_invalid_version' },
    ],
    [
      '500 unknown is retryable',
      500,
      error('unknown', '不明なエラーが発生しました'),
      { kind: 'retryable', code: 'karaden_unknown' },
    ],
    [
      '503 with an HTML page is retryable',
      503,
      '<html>down</html>',
      { kind: 'retryable', code: 'karaden_http_503' },
    ],
  ];

  it.each(rows)('%s', async (_name, status, body, expected, headers) => {
    server = await startScriptedServer(() => ({ status, body, headers }));
    const client = createKaradenClient(account(server.url));
    const outcome = await client.send(sendRequest());
    await client.close();
    expect(outcome).toMatchObject(expected);
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});

describe('Karaden network failures', () => {
  it('no answer within timeoutMs is unknown: the SMS may have been taken', async () => {
    server = await startScriptedServer(() => 'hang');
    const client = createKaradenClient(account(server.url, { timeoutMs: 150 }));
    expect(await client.send(sendRequest())).toMatchObject({
      kind: 'unknown',
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
    await client.close();
  });

  it('a connection dropped after the request was sent is unknown', async () => {
    server = await startScriptedServer(() => 'drop');
    const client = createKaradenClient(account(server.url));
    expect(await client.send(sendRequest())).toMatchObject({ kind: 'unknown', code: 'UND_ERR_SOCKET' });
    await client.close();
  });

  it('nothing listening is retryable: the request never left', async () => {
    const client = createKaradenClient(account(await unusedLoopbackUrl()));
    expect(await client.send(sendRequest())).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    await client.close();
  });
});

describe('Karaden provider definition', () => {
  it('is registered under its id', () => {
    expect(getProvider('karaden')).toBe(karadenProvider);
  });

  it('needs a token, the tenant UUID and a service; the callback token is optional but long', () => {
    const schema = karadenProvider.accountSchema;
    const ok = { token: 't', tenantId: TENANT, serviceId: 1 };
    expect(schema.safeParse(ok).success).toBe(true);
    expect(schema.safeParse({ ...ok, callbackToken: 'c'.repeat(16) }).success).toBe(true);
    expect(schema.safeParse({ ...ok, callbackToken: 'short' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, tenantId: 'tenant-1' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, serviceId: '12' })).toMatchObject({
      success: true,
      data: { serviceId: 12 },
    });
    expect(schema.safeParse({ ...ok, serviceId: 'one' }).success).toBe(false);
    expect(schema.safeParse({ token: 't', tenantId: TENANT }).success).toBe(false);
    expect(karadenProvider.secretFields).toEqual(['token', 'callbackToken']);
    expect(karadenProvider.channels).toEqual(['sms']);
  });
});
