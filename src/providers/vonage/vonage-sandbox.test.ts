import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../../sandbox/test-receiver.js';
import type { Receipt, SendRequest } from '../provider.js';
import { vonageProvider, type VonageAccount } from './index.js';

const KEY = 'f00dfeed';
const SECRET = 'vonage-sandbox-secret';
const SIGNATURE_SECRET = 'vonage-signature-secret';

let sandbox: Sandbox;
let receiver: Receiver;
let account: VonageAccount;
let counter = 0;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureVonageAccount({
    apiKey: KEY,
    apiSecret: SECRET,
    signatureSecret: SIGNATURE_SECRET,
    signatureMethod: 'sha256',
  });
  account = {
    name: 'vonage',
    provider: 'vonage',
    baseUrl: sandbox.vonageBaseUrl,
    rateLimit: 30,
    concurrency: 4,
    timeoutMs: 5000,
    apiKey: KEY,
    apiSecret: SECRET,
    from: 'TODOKE',
    signatureSecret: SIGNATURE_SECRET,
    signatureMethod: 'sha256',
  };
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

afterEach(() => sandbox.clearFaults());

function freshPhone(settings: Parameters<Sandbox['setNumber']>[1] = {}): string {
  const phone = `+8180${String(++counter).padStart(8, '0')}`;
  sandbox.setNumber(phone, { smsDelayMs: 20, ...settings });
  return phone;
}

const request = (phone: string, text = 'ご予約は明日10時です。'): SendRequest => ({
  attemptId: ulid(),
  messageId: ulid(),
  channel: 'sms',
  phone,
  lineUserId: null,
  email: null,
  text,
  callbackUrl: `${receiver.url}/webhooks/vonage/vonage`,
});

const referencing = (attemptId: string) => (r: ReceivedRequest) =>
  r.rawBody.toString('utf8').includes(attemptId);

function receiptsOf(requests: ReceivedRequest[], acc: VonageAccount = account): Receipt[] {
  return requests.flatMap((r) => {
    const result = vonageProvider.parseWebhook(acc, {
      url: `${receiver.url}${r.path}`,
      headers: r.headers,
      rawBody: r.rawBody,
    });
    expect(result.ok).toBe(true);
    return result.ok ? result.receipts : [];
  });
}

describe('Vonage client against the sandbox emulator', () => {
  it('sends a two-part message, then reads the signed receipts of both parts for the same attempt', async () => {
    const client = vonageProvider.createClient(account);
    const sent = request(freshPhone({ sms: 'delivered' }), 'お'.repeat(100));
    const outcome = await client.send(sent);
    await client.close();
    expect(outcome).toMatchObject({
      kind: 'accepted',
      units: 2,
      providerMessageId: expect.stringMatching(/^[0-9A-F]{16}$/),
    });

    const receipts = receiptsOf(await receiver.waitFor(4, referencing(sent.attemptId)));
    expect(new Set(receipts.map((r) => r.attemptId))).toEqual(new Set([sent.attemptId]));
    expect(receipts.map((r) => r.status).sort()).toEqual(['delivered', 'delivered', 'sent', 'sent']);
    const firstPart = outcome.kind === 'accepted' ? outcome.providerMessageId : undefined;
    expect(receipts.filter((r) => r.providerMessageId === firstPart)).toHaveLength(2);
  });

  it('reads an undelivered number as undelivered (expired, err-code 2)', async () => {
    const client = vonageProvider.createClient(account);
    const sent = request(freshPhone({ sms: 'undelivered' }));
    expect(await client.send(sent)).toMatchObject({ kind: 'accepted', units: 1 });
    await client.close();
    const receipts = receiptsOf(await receiver.waitFor(2, referencing(sent.attemptId)));
    expect(receipts.find((r) => r.status !== 'sent')).toMatchObject({
      status: 'undelivered',
      errorCode: '2',
    });
  });

  it('gets unreachable for a landline', async () => {
    const client = vonageProvider.createClient(account);
    expect(await client.send(request(freshPhone({ sms: 'landline' })))).toMatchObject({
      kind: 'unreachable',
      code: 'vonage_3',
    });
    await client.close();
  });

  it('maps request faults: 5xx retryable, 429 throttled, timeout unknown (receipts still find the attempt)', async () => {
    const client = vonageProvider.createClient({ ...account, timeoutMs: 300 });
    sandbox.addFault({ provider: 'vonage', kind: '5xx' });
    expect(await client.send(request(freshPhone()))).toMatchObject({ kind: 'retryable', code: 'vonage_5' });
    sandbox.addFault({ provider: 'vonage', kind: '429' });
    expect(await client.send(request(freshPhone()))).toMatchObject({ kind: 'throttled', code: 'vonage_1' });
    sandbox.addFault({ provider: 'vonage', kind: 'timeout' });
    const timedOut = request(freshPhone({ sms: 'delivered' }));
    expect(await client.send(timedOut)).toMatchObject({ kind: 'unknown', code: 'UND_ERR_HEADERS_TIMEOUT' });
    await client.close();
    const receipts = receiptsOf(await receiver.waitFor(2, referencing(timedOut.attemptId)));
    expect(receipts.map((r) => r.status).sort()).toEqual(['delivered', 'sent']);
  });

  it('opens the circuit for bad credentials', async () => {
    const client = vonageProvider.createClient({ ...account, apiSecret: 'wrong-secret' });
    expect(await client.send(request(freshPhone()))).toMatchObject({ kind: 'circuit', code: 'vonage_4' });
    await client.close();
  });

  it('refuses a receipt whose signature does not match: altered, or checked with another secret', async () => {
    const client = vonageProvider.createClient(account);
    const sent = request(freshPhone({ sms: 'failed' }));
    await client.send(sent);
    await client.close();
    const [dlr] = await receiver.waitFor(1, referencing(sent.attemptId));
    const parse = (r: ReceivedRequest, acc = account) =>
      vonageProvider.parseWebhook(acc, {
        url: `${receiver.url}${r.path}`,
        headers: r.headers,
        rawBody: r.rawBody,
      });
    expect(parse(dlr!)).toMatchObject({ ok: true, receipts: [{ status: 'failed' }] });
    const altered = {
      ...dlr!,
      rawBody: Buffer.from(dlr!.rawBody.toString().replace('"rejected"', '"delivered"')),
    };
    expect(parse(altered)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(parse(dlr!, { ...account, signatureSecret: 'another-secret' })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(parse({ ...dlr!, rawBody: Buffer.from('{"status":') })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});
