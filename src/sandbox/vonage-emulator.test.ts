import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  jsonOf,
  startGatewayRehearsal,
  VONAGE_KEY,
  VONAGE_SECRET,
  type GatewayRehearsal,
} from './gateway-test-clients.js';
import type { ReceivedRequest } from './test-receiver.js';
import { vonageSandboxSignature } from './vonage-dlr.js';

let r: GatewayRehearsal;
let counter = 0;

beforeAll(async () => {
  r = await startGatewayRehearsal();
});

afterAll(async () => {
  await r.close();
});

afterEach(() => {
  r.sandbox.clearFaults();
});

/** A fresh mobile number with these settings, in E.164 and as Vonage wants it (digits only). */
function freshNumber(settings: Parameters<GatewayRehearsal['sandbox']['setNumber']>[1] = {}) {
  const digits = `8190${String(++counter).padStart(8, '0')}`;
  r.sandbox.setNumber(`+${digits}`, { smsDelayMs: 0, ...settings });
  return { e164: `+${digits}`, to: digits };
}

const dlrsOf = (messageId: unknown) => (req: ReceivedRequest) =>
  req.path === '/vonage' && jsonOf(req).messageId === messageId;
const dlrsTo = (to: string) => (req: ReceivedRequest) => req.path === '/vonage' && jsonOf(req).msisdn === to;

type Message = Record<string, string>;
const messagesOf = (body: Record<string, unknown>) => body.messages as Message[];

describe('Vonage emulator: Send an SMS', () => {
  it('queues a message: one part per 67 characters, each with its receipts; the ledger has the message once', async () => {
    const { e164, to } = freshNumber({ sms: 'delivered', smsDelayMs: 30 });
    const text = 'あ'.repeat(100);
    const answer = await r.vonage({ to, text, 'client-ref': 'attempt-1' });
    expect(answer.status).toBe(200);
    expect(answer.body['message-count']).toBe('2');
    const parts = messagesOf(answer.body);
    expect(parts).toHaveLength(2);
    for (const part of parts) {
      expect(part).toMatchObject({
        to,
        status: '0',
        'client-ref': 'attempt-1',
        network: expect.stringMatching(/^440/),
      });
      expect(part['message-id']).toMatch(/^[0-9A-F]{16}$/);
    }
    const first = await r.receiver.waitFor(2, dlrsOf(parts[0]!['message-id']));
    const statuses = first.map((q) => jsonOf(q).status).sort();
    expect(statuses).toEqual(['accepted', 'delivered']);
    expect(jsonOf(first.find((q) => jsonOf(q).status === 'delivered')!)).toMatchObject({
      msisdn: to,
      to: 'TODOKE',
      'err-code': '0',
      'api-key': VONAGE_KEY,
      'client-ref': 'attempt-1',
      'message-timestamp': expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    await r.receiver.waitFor(2, dlrsOf(parts[1]!['message-id']));
    expect(r.sandbox.ledger(e164)).toEqual([
      expect.objectContaining({ provider: 'vonage', text, attemptRef: parts[0]!['message-id'] }),
    ]);
  });

  it.each([
    ['undelivered', ['accepted', 'expired'], '2'],
    ['failed', ['rejected'], '1'],
  ] as const)(
    'reports a %s number with %j, err-code %s, and no ledger entry',
    async (sms, statuses, errCode) => {
      const { e164, to } = freshNumber({ sms });
      const answer = await r.vonage({ to });
      const id = messagesOf(answer.body)[0]!['message-id'];
      const dlrs = await r.receiver.waitFor(statuses.length, dlrsOf(id));
      expect(dlrs.map((q) => jsonOf(q).status).sort()).toEqual([...statuses].sort());
      expect(jsonOf(dlrs.find((q) => jsonOf(q).status === statuses.at(-1))!)['err-code']).toBe(errCode);
      expect(r.sandbox.ledger(e164)).toEqual([]);
    },
  );

  it('refuses a landline at once with status 3 about the `to` address, and keeps nothing', async () => {
    const { e164, to } = freshNumber({ sms: 'landline' });
    expect(await r.vonage({ to })).toEqual({
      status: 200,
      body: { 'message-count': '1', messages: [{ status: '3', 'error-text': "Invalid 'to' address" }] },
    });
    expect(r.sandbox.ledger(e164)).toEqual([]);
  });

  it('answers refusals inside a 200, by status', async () => {
    const { to } = freshNumber();
    const status = async (fields: Record<string, string>) =>
      messagesOf((await r.vonage(fields)).body)[0]!.status;
    expect(await status({ to, api_secret: 'wrong-secret' })).toBe('4');
    expect(await status({ to, api_key: 'zzzz9999' })).toBe('4');
    expect(await status({ to, api_key: '' })).toBe('2');
    expect(await status({ to, from: '' })).toBe('2');
    expect(await status({ to: '' })).toBe('2');
    expect(await status({ to, text: '' })).toBe('2');
    expect(await status({ to: '12ab' })).toBe('3');
    expect(await status({ to, 'client-ref': 'x'.repeat(41) })).toBe('3');
    expect(await status({ to, callback: 'not a url' })).toBe('23');
  });

  it('signs receipts when the account has a signature secret', async () => {
    r.sandbox.configureVonageAccount({
      apiKey: VONAGE_KEY,
      apiSecret: VONAGE_SECRET,
      signatureSecret: 'sig-secret',
      signatureMethod: 'sha256',
      callbackUrl: `${r.receiver.url}/vonage`,
    });
    try {
      const { to } = freshNumber({ sms: 'failed' });
      const answer = await r.vonage({ to });
      const [dlr] = await r.receiver.waitFor(1, dlrsOf(messagesOf(answer.body)[0]!['message-id']));
      const params = jsonOf(dlr!);
      expect(params.timestamp).toMatch(/^\d+$/);
      expect(params.nonce).toEqual(expect.any(String));
      expect(params.sig).toBe(vonageSandboxSignature('sig-secret', params, 'sha256'));
    } finally {
      r.sandbox.configureVonageAccount({
        apiKey: VONAGE_KEY,
        apiSecret: VONAGE_SECRET,
        callbackUrl: `${r.receiver.url}/vonage`,
      });
    }
  });

  it('sends receipts to the request’s callback rather than the account’s', async () => {
    const { to } = freshNumber({ sms: 'failed' });
    await r.vonage({ to, callback: `${r.receiver.url}/elsewhere` });
    const [dlr] = await r.receiver.waitFor(1, (q) => q.path === '/elsewhere');
    expect(jsonOf(dlr!).msisdn).toBe(to);
  });
});

describe('Vonage emulator: faults', () => {
  it('5xx is an HTTP 500; 429 is status 1 Throttled; neither sends', async () => {
    const { e164, to } = freshNumber();
    r.sandbox.addFault({ provider: 'vonage', kind: '5xx' });
    expect(await r.vonage({ to })).toMatchObject({ status: 500, body: { messages: [{ status: '5' }] } });
    r.sandbox.addFault({ provider: 'vonage', kind: '429' });
    expect(await r.vonage({ to })).toEqual({
      status: 200,
      body: { 'message-count': '1', messages: [{ status: '1', 'error-text': 'Throttled' }] },
    });
    expect(r.sandbox.ledger(e164)).toEqual([]);
  });

  it('timeout sends the message but never answers: its receipts still come, with the client-ref', async () => {
    const { e164, to } = freshNumber({ sms: 'delivered' });
    r.sandbox.addFault({ provider: 'vonage', kind: 'timeout' });
    await expect(r.vonage({ to, 'client-ref': 'timed-out' }, { timeoutMs: 200 })).rejects.toThrow();
    const dlrs = await r.receiver.waitFor(2, dlrsTo(to));
    expect(dlrs.map((q) => jsonOf(q)['client-ref'])).toEqual(['timed-out', 'timed-out']);
    await eventually(() => (r.sandbox.ledger(e164).length === 1 ? true : undefined));
  });

  it('reorder_receipts sends the final receipt of each part before its `accepted`', async () => {
    const { to } = freshNumber({ smsDelayMs: 50 });
    r.sandbox.addFault({ provider: 'vonage', kind: 'reorder_receipts' });
    await r.vonage({ to });
    const dlrs = await r.receiver.waitFor(2, dlrsTo(to));
    expect(dlrs.map((q) => jsonOf(q).status)).toEqual(['delivered', 'accepted']);
  });

  it('duplicate_receipts sends every receipt twice', async () => {
    const { to } = freshNumber({ sms: 'failed' });
    r.sandbox.addFault({ provider: 'vonage', kind: 'duplicate_receipts' });
    await r.vonage({ to });
    const [a, b] = await r.receiver.waitFor(2, dlrsTo(to));
    expect(jsonOf(b!)).toEqual(jsonOf(a!));
  });

  it('faults of another provider leave Vonage alone', async () => {
    const { to } = freshNumber();
    r.sandbox.addFault({ provider: 'karaden', kind: '5xx' });
    expect(messagesOf((await r.vonage({ to })).body)[0]!.status).toBe('0');
  });
});

describe('Vonage emulator: accounts through the control API', () => {
  it('configures an API key, and the standalone sandbox lists the emulator', async () => {
    const put = await r.control('PUT', '/__sandbox/vonage/accounts', {
      apiKey: 'b2c3d4e5',
      apiSecret: 'second-secret',
      signatureSecret: null,
      callbackUrl: `${r.receiver.url}/vonage`,
    });
    expect(put).toEqual({ status: 200, body: { apiKey: 'b2c3d4e5' } });
    const { to } = freshNumber();
    const answer = await r.vonage({ to, api_key: 'b2c3d4e5', api_secret: 'second-secret' });
    expect(messagesOf(answer.body)[0]!.status).toBe('0');
    const bad = await r.control('PUT', '/__sandbox/vonage/accounts', { apiKey: 'short', apiSecret: 's' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_account' } });
    const root = await r.control('GET', '/');
    expect(root.body).toMatchObject({ karaden: r.sandbox.karadenBaseUrl, vonage: r.sandbox.vonageBaseUrl });
    expect(r.sandbox.karadenBaseUrl).toMatch(/\/api$/);
  });
});
