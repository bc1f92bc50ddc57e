import { createHmac } from 'node:crypto';
import { HTTPFetchError, messagingApi, validateSignature } from '@line/bot-sdk';
import twilio from 'twilio';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPhoneForLine, lineProvider, type LineAccount } from '../../src/providers/line/index.js';
import { parseLineWebhook } from '../../src/providers/line/receipts.js';
import type { ProviderClient, SendRequest } from '../../src/providers/provider.js';
import { twilioProvider, type TwilioAccount } from '../../src/providers/twilio/index.js';
import { parseTwilioWebhook } from '../../src/providers/twilio/receipts.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../../src/sandbox/test-receiver.js';
import { decodeForm, loadOpenApi, type OpenApiDocument } from './openapi.js';
import { jsonOf, startRecordingProxy, type Exchange, type RecordingProxy } from './recording-proxy.js';
import { LINE_MESSAGING_SPEC, specFile, TWILIO_SPEC } from './specs.js';
import { RFC2822_FORMAT } from './twilio-documented.js';

const SID = 'AC' + '13579bdf02468ace'.repeat(2);
const TOKEN = 'oracle-twilio-token';
const LINE_TOKEN = 'oracle-line-token';
const LINE_SECRET = 'oracle-line-secret';
const FROM = '+15005550006';

/**
 * The official Twilio helper library, sent to the sandbox: its HTTP client is Twilio's own RequestClient, with
 * the `https://api.twilio.com` of each request's URI replaced by the sandbox (through the recording proxy).
 */
class SandboxRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }
  override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    const uri = opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.base);
    return super.request<TData>({ ...opts, uri } as typeof opts & { data?: TData });
  }
}

let sandbox: Sandbox;
let receiver: Receiver;
let twilioProxy: RecordingProxy;
let lineProxy: RecordingProxy;
let twilioSpec: OpenApiDocument;
let lineSpec: OpenApiDocument;

beforeAll(async () => {
  twilioSpec = loadOpenApi(specFile(TWILIO_SPEC), { formats: { 'date-time-rfc-2822': RFC2822_FORMAT } });
  lineSpec = loadOpenApi(specFile(LINE_MESSAGING_SPEC));
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureTwilioAccount({ accountSid: SID, authToken: TOKEN });
  sandbox.configureLineChannel({
    accessToken: LINE_TOKEN,
    channelSecret: LINE_SECRET,
    webhookUrl: `${receiver.url}/line`,
  });
  twilioProxy = await startRecordingProxy(sandbox.twilioBaseUrl);
  lineProxy = await startRecordingProxy(sandbox.lineBaseUrl);
});

afterAll(async () => {
  await twilioProxy?.close();
  await lineProxy?.close();
  await sandbox?.close();
  await receiver?.close();
});

const sdk = (token = TOKEN) => twilio(SID, token, { httpClient: new SandboxRequestClient(twilioProxy.url) });
/** todoke's own clients, through the same recording proxies as the SDKs. */
function todokeTwilio(): ProviderClient {
  const account: TwilioAccount = {
    ...{
      name: 'twilio',
      provider: 'twilio',
      baseUrl: twilioProxy.url,
      rateLimit: 10,
      concurrency: 1,
      timeoutMs: 5000,
    },
    ...{ accountSid: SID, authToken: TOKEN, from: FROM },
  };
  return twilioProvider.createClient(account);
}

function todokeLine(): ProviderClient {
  const account: LineAccount = {
    ...{
      name: 'line',
      provider: 'line',
      baseUrl: lineProxy.url,
      rateLimit: 10,
      concurrency: 1,
      timeoutMs: 5000,
    },
    ...{ channelAccessToken: LINE_TOKEN, channelSecret: LINE_SECRET },
  };
  return lineProvider.createClient(account);
}

const params = (r: ReceivedRequest) => Object.fromEntries(new URLSearchParams(r.rawBody.toString('utf8')));

function sendRequest(
  channel: 'sms' | 'line_pnp',
  phone: string,
  text: string,
  callbackUrl: string | null,
): SendRequest {
  return {
    attemptId: ulid(),
    messageId: ulid(),
    channel,
    phone,
    lineUserId: null,
    email: null,
    text,
    callbackUrl,
  };
}

/** What the proxy recorded while `call` ran. */
async function during(proxy: RecordingProxy, call: () => Promise<unknown>): Promise<Exchange[]> {
  const before = proxy.exchanges.length;
  await call();
  return proxy.exchanges.slice(before);
}

describe('Twilio helper library against the sandbox', () => {
  it('creates a message and fetches it as it goes from queued to delivered', async () => {
    sandbox.setNumber('+819022220001', { sms: 'delivered', smsDelayMs: 0 });
    const client = sdk();
    const callback = `${receiver.url}/sdk/status`;
    const created = await client.messages.create({
      to: '+819022220001',
      from: FROM,
      body: '予約確認 🎉',
      statusCallback: callback,
    });
    expect(created).toMatchObject({
      accountSid: SID,
      to: '+819022220001',
      from: FROM,
      status: 'queued',
      numSegments: '1',
    });
    expect(created.sid).toMatch(/^SM[0-9a-f]{32}$/);
    // The library parses Twilio's RFC 2822 dates: an unparsable one would be an Invalid Date.
    expect(Number.isNaN(created.dateCreated.getTime())).toBe(false);

    await receiver.waitFor(
      1,
      (r) => params(r).MessageSid === created.sid && params(r).MessageStatus === 'delivered',
    );
    const fetched = await client.messages(created.sid).fetch();
    expect(fetched).toMatchObject({
      sid: created.sid,
      status: 'delivered',
      errorCode: null,
      body: '予約確認 🎉',
    });
    expect(Number.isNaN(fetched.dateSent.getTime())).toBe(false);
  });

  it('reads the sandbox errors as RestExceptions with Twilio codes', async () => {
    sandbox.setNumber('+81322220002', { sms: 'landline' });
    await expect(sdk().messages.create({ to: '+81322220002', from: FROM, body: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 21614,
      moreInfo: 'https://www.twilio.com/docs/errors/21614',
    });
    await expect(
      sdk('wrong-token').messages.create({ to: '+819022220001', from: FROM, body: 'x' }),
    ).rejects.toMatchObject({ status: 401, code: 20003 });
    await expect(
      sdk()
        .messages('SM' + '0'.repeat(32))
        .fetch(),
    ).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it("sends the same Create and Fetch requests as todoke's client, and both match the spec", async () => {
    sandbox.setNumber('+819022220003', { sms: 'delivered', smsDelayMs: 60_000 });
    const callback = `${receiver.url}/webhooks/twilio/twilio?attemptId=01J00000000000000000000000`;
    const text = 'a&b=c+d 予約 🎉';
    const [ours] = await during(twilioProxy, async () => {
      const client = todokeTwilio();
      // todoke adds its attemptId to the callback URL itself; hand it the URL without, so both send the same.
      const request = sendRequest('sms', '+819022220003', text, `${receiver.url}/webhooks/twilio/twilio`);
      request.attemptId = '01J00000000000000000000000';
      await client.send(request);
      await client.close();
    });
    const [theirs] = await during(twilioProxy, () =>
      sdk().messages.create({ to: '+819022220003', from: FROM, body: text, statusCallback: callback }),
    );
    for (const e of [ours!, theirs!]) expect(twilioSpec.validateRequest(e.request).errors).toEqual([]);
    expect(ours!.request.path).toBe(theirs!.request.path);
    expect(ours!.request.headers.authorization).toBe(theirs!.request.headers.authorization);
    expect(decodeForm(ours!.request.body.toString())).toEqual(decodeForm(theirs!.request.body.toString()));

    const sid = (jsonOf(theirs!.response.body) as { sid: string }).sid;
    const [ourFetch] = await during(twilioProxy, async () => {
      const client = todokeTwilio();
      await client.fetchStatus!(sid);
      await client.close();
    });
    const [theirFetch] = await during(twilioProxy, () => sdk().messages(sid).fetch());
    expect(ourFetch!.request.path).toBe(theirFetch!.request.path);
    expect(twilioSpec.validateRequest(theirFetch!.request).errors).toEqual([]);
  });

  it('validateRequest accepts every status callback the sandbox signs, and not with another token', async () => {
    sandbox.setNumber('+819022220004', { sms: 'undelivered', smsDelayMs: 0 });
    const created = await sdk().messages.create({
      to: '+819022220004',
      from: FROM,
      body: 'x',
      statusCallback: `${receiver.url}/sdk/status?tenant=a&x=%E4%BA%88`,
    });
    const callbacks = await receiver.waitFor(2, (r) => params(r).MessageSid === created.sid);
    for (const r of callbacks) {
      const signature = String(r.headers['x-twilio-signature']);
      const url = `${receiver.url}${r.path}`;
      expect(twilio.validateRequest(TOKEN, signature, url, params(r))).toBe(true);
      expect(twilio.validateRequest('another-token', signature, url, params(r))).toBe(false);
    }
  });

  it("todoke's parser accepts callbacks signed with the library's getExpectedTwilioSignature", () => {
    const url = 'https://todoke.example.jp/webhooks/twilio/twilio?attemptId=01J00000000000000000000000';
    const callback = {
      MessageSid: 'SM' + 'a'.repeat(32),
      SmsSid: 'SM' + 'a'.repeat(32),
      AccountSid: SID,
      From: FROM,
      To: '+819022220005',
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      ApiVersion: '2010-04-01',
      RawDlrDoneDate: '2601021530',
    };
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, callback);
    const rawBody = Buffer.from(new URLSearchParams(callback).toString());
    const parsed = parseTwilioWebhook(TOKEN, { url, headers: { 'x-twilio-signature': signature }, rawBody });
    expect(parsed).toMatchObject({
      ok: true,
      receipts: [{ status: 'delivered', attemptId: '01J00000000000000000000000' }],
    });
    const tampered = Buffer.from(new URLSearchParams({ ...callback, MessageStatus: 'failed' }).toString());
    expect(
      parseTwilioWebhook(TOKEN, { url, headers: { 'x-twilio-signature': signature }, rawBody: tampered }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});

describe('LINE Messaging API SDK against the sandbox', () => {
  const line = () =>
    new messagingApi.MessagingApiClient({ channelAccessToken: LINE_TOKEN, baseURL: lineProxy.url });

  it("pushes a notification message with the same request as todoke's client, and both match the spec", async () => {
    sandbox.setNumber('+818022220001', { line: 'delivered', lineDelayMs: 60_000 });
    const tag = '01J00000000000000000000001';
    const text = 'お支払い期限が近づいています。"quoted" 🎉';
    const [theirs] = await during(lineProxy, () =>
      line().pushMessagesByPhone(
        { to: hashPhoneForLine('+818022220001'), messages: [{ type: 'text', text }] },
        tag,
      ),
    );
    const [ours] = await during(lineProxy, async () => {
      const client = todokeLine();
      await client.send({ ...sendRequest('line_pnp', '+818022220001', text, null), attemptId: tag });
      await client.close();
    });
    for (const e of [ours!, theirs!]) {
      expect(e.response.status).toBe(200);
      expect(lineSpec.validateRequest(e.request).errors).toEqual([]);
    }
    expect(ours!.request.path).toBe(theirs!.request.path);
    expect(ours!.request.headers.authorization).toBe(theirs!.request.headers.authorization);
    expect(ours!.request.headers['x-line-delivery-tag']).toBe(theirs!.request.headers['x-line-delivery-tag']);
    expect(jsonOf(ours!.request.body)).toEqual(jsonOf(theirs!.request.body));
  });

  it('reads a 422 as an HTTPFetchError carrying LINE’s error body', async () => {
    sandbox.setNumber('+818022220002', { line: 'not_found' });
    const error = await line()
      .pushMessagesByPhone({ to: hashPhoneForLine('+818022220002'), messages: [{ type: 'text', text: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPFetchError);
    expect((error as HTTPFetchError).status).toBe(422);
    expect(JSON.parse((error as HTTPFetchError).body)).toEqual({ message: 'Failed to send messages' });
  });

  it('validateSignature accepts the delivery webhooks the sandbox signs, and not with another secret', async () => {
    sandbox.setNumber('+818022220003', { line: 'delivered', lineDelayMs: 0 });
    const tag = '01J00000000000000000000002';
    await line().pushMessagesByPhone(
      { to: hashPhoneForLine('+818022220003'), messages: [{ type: 'text', text: 'x' }] },
      tag,
    );
    const [hook] = await receiver.waitFor(1, (r) => r.rawBody.includes(tag));
    const signature = String(hook!.headers['x-line-signature']);
    expect(validateSignature(hook!.rawBody, LINE_SECRET, signature)).toBe(true);
    expect(validateSignature(hook!.rawBody, 'another-secret', signature)).toBe(false);
  });

  it("todoke's parser accepts a webhook signed as LINE documents it, which the SDK accepts too", () => {
    const body = JSON.stringify({
      destination: 'U' + '0'.repeat(32),
      events: [
        {
          type: 'delivery',
          delivery: { data: '01J00000000000000000000003' },
          webhookEventId: '01J00000000000000000000004',
          deliveryContext: { isRedelivery: false },
          timestamp: 1767225600000,
          mode: 'active',
        },
      ],
    });
    // LINE: the signature is the Base64 of the HMAC-SHA256 digest of the request body, keyed with the channel secret.
    const signature = createHmac('sha256', LINE_SECRET).update(body).digest('base64');
    expect(validateSignature(body, LINE_SECRET, signature)).toBe(true);
    const rawBody = Buffer.from(body);
    const parsed = parseLineWebhook(LINE_SECRET, {
      url: 'https://todoke.example.jp/webhooks/line/line',
      headers: { 'x-line-signature': signature },
      rawBody,
    });
    expect(parsed).toMatchObject({
      ok: true,
      receipts: [{ attemptId: '01J00000000000000000000003', status: 'delivered' }],
    });
    const tampered = Buffer.from(body.replace('"isRedelivery":false', '"isRedelivery":true'));
    expect(validateSignature(tampered, LINE_SECRET, signature)).toBe(false);
    expect(
      parseLineWebhook(LINE_SECRET, {
        url: '',
        headers: { 'x-line-signature': signature },
        rawBody: tampered,
      }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});
