import { request } from 'undici';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPhoneForLine, lineProvider, type LineAccount } from '../../src/providers/line/index.js';
import type { SendRequest } from '../../src/providers/provider.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../../src/sandbox/test-receiver.js';
import { loadOpenApi, type OpenApiDocument } from './openapi.js';
import { jsonOf, startRecordingProxy, type Exchange, type RecordingProxy } from './recording-proxy.js';
import { LINE_MESSAGING_SPEC, LINE_WEBHOOK_SPEC, specFile } from './specs.js';

const TOKEN = 'conformance-line-token';
const SECRET = 'conformance-line-secret';
/** A second channel whose webhook receiver fails its first request, to see a redelivery. */
const FLAKY_TOKEN = 'conformance-line-flaky-token';

let api: OpenApiDocument;
let webhookSpec: OpenApiDocument;
let sandbox: Sandbox;
let receiver: Receiver;
let flakyReceiver: Receiver;
let proxy: RecordingProxy;

const account = (token = TOKEN): LineAccount => ({
  name: 'line-main',
  provider: 'line',
  baseUrl: proxy.url,
  rateLimit: 2000,
  concurrency: 2,
  timeoutMs: 5000,
  channelAccessToken: token,
  channelSecret: SECRET,
});

const sendRequest = (phone: string, text = 'ご予約は明日10時です。'): SendRequest => ({
  attemptId: ulid(),
  messageId: ulid(),
  channel: 'line_pnp',
  phone,
  lineUserId: null,
  email: null,
  text,
  callbackUrl: null,
});

/** Sends through todoke's client and returns the exchange the proxy recorded for it. */
async function send(phone: string, options: { text?: string; token?: string } = {}): Promise<Exchange> {
  const client = lineProvider.createClient(account(options.token));
  const before = proxy.exchanges.length;
  await client.send(sendRequest(phone, options.text));
  await client.close();
  expect(proxy.exchanges.length).toBe(before + 1);
  return proxy.exchanges.at(-1)!;
}

/** A request todoke's client would never make, through the proxy. */
async function raw(headers: Record<string, string>, body: string): Promise<Exchange> {
  const before = proxy.exchanges.length;
  const res = await request(`${proxy.url}/bot/pnp/push`, { method: 'POST', headers, body });
  await res.body.dump();
  expect(proxy.exchanges.length).toBe(before + 1);
  return proxy.exchanges.at(-1)!;
}

/** An error answer: against the spec where it documents the status, else against LINE's ErrorResponse schema. */
function expectLineError(exchange: Exchange, status: number): boolean {
  expect(exchange.response.status).toBe(status);
  expect(exchange.response.headers['x-line-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  const verdict = api.validateResponse(exchange.request, exchange.response);
  if (verdict.documented) expect(verdict.errors).toEqual([]);
  else expect(api.validateSchema('ErrorResponse', jsonOf(exchange.response.body)).errors).toEqual([]);
  return verdict.documented;
}

function validateWebhook(r: ReceivedRequest): string[] {
  return webhookSpec.validateRequest({
    method: 'POST',
    path: '/callback',
    headers: r.headers,
    body: r.rawBody,
  }).errors;
}

beforeAll(async () => {
  api = loadOpenApi(specFile(LINE_MESSAGING_SPEC));
  webhookSpec = loadOpenApi(specFile(LINE_WEBHOOK_SPEC));
  receiver = await startReceiver();
  flakyReceiver = await startReceiver({ status: (n) => (n === 0 ? 500 : 200) });
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureLineChannel({
    accessToken: TOKEN,
    channelSecret: SECRET,
    webhookUrl: `${receiver.url}/line`,
  });
  sandbox.configureLineChannel({
    accessToken: FLAKY_TOKEN,
    channelSecret: SECRET,
    webhookUrl: `${flakyReceiver.url}/line`,
  });
  proxy = await startRecordingProxy(sandbox.lineBaseUrl);
});

afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
  await receiver?.close();
  await flakyReceiver?.close();
});

describe('todoke → LINE: requests match POST /bot/pnp/push', () => {
  it('every notification-message request todoke sends is valid, whatever the text', async () => {
    sandbox.setNumber('+818011110001', { line: 'delivered', lineDelayMs: 0 });
    const texts = ['お知らせ', 'line\nbreak "quoted" \\ back', '絵文字 🎉 and tab\t', 'x'.repeat(5000)];
    for (const text of texts) {
      const { request: sent } = await send('+818011110001', { text });
      expect(api.validateRequest(sent).errors).toEqual([]);
      const body = jsonOf(sent.body) as { to: string; messages: { text: string }[] };
      // LINE: "a phone number normalized to E.164 and hashed with SHA256"; the hash is lowercase hex.
      expect(body.to).toBe(hashPhoneForLine('+818011110001'));
      expect(body.to).toMatch(/^[0-9a-f]{64}$/);
      expect(body.messages[0]!.text).toBe(text);
    }
  });

  it('a request todoke would never send is caught by the same check', async () => {
    const bad = await raw(
      {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'x-line-delivery-tag': 'short',
      },
      JSON.stringify({ to: hashPhoneForLine('+818011110001'), messages: [] }),
    );
    expect(api.validateRequest(bad.request).errors).toEqual([
      'header X-Line-Delivery-Tag: must NOT have fewer than 16 characters',
      'body/messages: must NOT have fewer than 1 items',
    ]);
  });
});

describe('todoke → LINE: push requests match POST /v2/bot/message/push', () => {
  it('a push to a linked user, and its resend with the same retry key, are valid; so are both answers', async () => {
    const client = lineProvider.createClient(account());
    const push: SendRequest = {
      ...sendRequest('+818011110009', 'ご予約は明日10時です。'),
      channel: 'line_push',
      lineUserId: 'U' + '0123456789abcdef'.repeat(2),
    };
    const before = proxy.exchanges.length;
    expect((await client.send(push)).kind).toBe('delivered');
    expect((await client.send(push)).kind).toBe('delivered'); // the same attempt again: LINE answers 409
    await client.close();
    const [first, again] = proxy.exchanges.slice(before);
    for (const exchange of [first!, again!]) {
      expect(api.validateRequest(exchange.request).errors).toEqual([]);
      expect(exchange.request.headers['x-line-retry-key']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    }
    expect(again!.request.headers['x-line-retry-key']).toBe(first!.request.headers['x-line-retry-key']);
    expect(first!.response.status).toBe(200);
    expect(api.validateResponse(first!.request, first!.response).errors).toEqual([]);
    expect(again!.response.status).toBe(409);
    expect(again!.response.headers['x-line-accepted-request-id']).toBe(
      first!.response.headers['x-line-request-id'],
    );
    expect(api.validateResponse(again!.request, again!.response).errors).toEqual([]);
  });
});

describe('sandbox → todoke: answers match the spec', () => {
  it('200 for a number that receives, and for one that blocked the account', async () => {
    sandbox.setNumber('+818011110002', { line: 'delivered', lineDelayMs: 60_000 });
    sandbox.setNumber('+818011110003', { line: 'blocked' });
    for (const phone of ['+818011110002', '+818011110003']) {
      const { request: sent, response } = await send(phone);
      expect(response.status).toBe(200);
      expect(api.validateResponse(sent, response)).toEqual({ ok: true, documented: true, errors: [] });
    }
  });

  it('422 ErrorResponse for a number with no LINE user', async () => {
    sandbox.setNumber('+818011110004', { line: 'not_found' });
    const exchange = await send('+818011110004');
    expect(expectLineError(exchange, 422)).toBe(true);
  });

  it('401 for a wrong or missing token, in the ErrorResponse shape', async () => {
    expectLineError(await send('+818011110001', { token: 'not-a-channel' }), 401);
    expectLineError(await raw({ 'content-type': 'application/json' }, '{}'), 401);
  });

  it('400 with details for a bad body or header, in the ErrorResponse shape', async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const missing = await raw(auth, JSON.stringify({ messages: [{ type: 'text', text: '' }] }));
    expectLineError(missing, 400);
    expect(jsonOf(missing.response.body)).toMatchObject({
      details: [{ property: 'to' }, { property: 'messages[0].text' }],
    });
    expectLineError(await raw({ ...auth, 'x-line-delivery-tag': 'short' }, '{}'), 400);
    expectLineError(await raw(auth, '{not json'), 400);
    expectLineError(await raw({ ...auth, 'content-type': 'text/plain' }, '{}'), 400);
  });

  it('429 and 500 under faults, in the ErrorResponse shape', async () => {
    for (const [kind, status] of [
      ['429', 429],
      ['monthly_limit', 429],
      ['5xx', 500],
    ] as const) {
      sandbox.addFault({ provider: 'line', kind, count: 1 });
      expectLineError(await send('+818011110001'), status);
    }
  });
});

describe('sandbox → todoke: delivery webhooks match line-webhook.yml', () => {
  it('the delivery event of a tagged request is a valid CallbackRequest carrying the tag', async () => {
    sandbox.setNumber('+818011110005', { line: 'delivered', lineDelayMs: 0 });
    const client = lineProvider.createClient(account());
    const sent = sendRequest('+818011110005');
    await client.send(sent);
    await client.close();
    const [hook] = await receiver.waitFor(1, (r) => r.rawBody.includes(sent.attemptId));
    expect(validateWebhook(hook!)).toEqual([]);
    expect(hook!.headers['x-line-signature']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const { events } = jsonOf(hook!.rawBody) as { events: { type: string; delivery: { data: string } }[] };
    expect(events).toMatchObject([{ type: 'delivery', delivery: { data: sent.attemptId } }]);
  });

  it('without a tag, delivery.data is the hashed number, and the body is still valid', async () => {
    sandbox.setNumber('+818011110006', { line: 'delivered', lineDelayMs: 0 });
    const hash = hashPhoneForLine('+818011110006');
    await raw(
      { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      JSON.stringify({ to: hash, messages: [{ type: 'text', text: 'no tag' }] }),
    );
    const [hook] = await receiver.waitFor(1, (r) => r.rawBody.includes(hash));
    expect(validateWebhook(hook!)).toEqual([]);
  });

  it('a redelivered event is valid too, and says isRedelivery', async () => {
    sandbox.setNumber('+818011110007', { line: 'delivered', lineDelayMs: 0 });
    await send('+818011110007', { token: FLAKY_TOKEN });
    const hooks = await flakyReceiver.waitFor(2);
    for (const hook of hooks) expect(validateWebhook(hook)).toEqual([]);
    const contexts = hooks.map(
      (h) => (jsonOf(h.rawBody) as { events: { deliveryContext: object }[] }).events[0],
    );
    expect(contexts.map((e) => e!.deliveryContext)).toEqual([
      { isRedelivery: false },
      { isRedelivery: true },
    ]);
  });

  it('a webhook body with an incomplete event is caught by the same check', () => {
    const bad = { destination: 'Uxyz', events: [{ type: 'delivery', timestamp: 'now', mode: 'active' }] };
    const errors = webhookSpec.validateRequest({
      method: 'POST',
      path: '/callback',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(bad),
    }).errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        'body/destination: must match pattern "^U[0-9a-f]{32}$"',
        "body/events/0: must have required property 'delivery'",
        'body/events/0/timestamp: must be integer',
      ]),
    );
  });
});
