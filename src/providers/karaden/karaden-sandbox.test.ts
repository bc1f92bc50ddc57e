import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { carrierUnits, CARRIER_RULES } from '../../core/text/carriers.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../../sandbox/test-receiver.js';
import type { SendRequest } from '../provider.js';
import { karadenProvider, type KaradenAccount, type KaradenReceipt } from './index.js';

const TENANT = '6f1d2c3b-4a59-4e7f-8a1b-2c3d4e5f6a7b';
const TOKEN = 'karaden-sandbox-token';
const CALLBACK_TOKEN = 'sandbox-callback-token-0123';

let sandbox: Sandbox;
let receiver: Receiver;
let account: KaradenAccount;
let counter = 0;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureKaradenAccount({
    tenantId: TENANT,
    token: TOKEN,
    serviceId: 4,
    callbackUrl: `${receiver.url}/webhooks/karaden/karaden?token=${CALLBACK_TOKEN}`,
  });
  account = {
    name: 'karaden',
    provider: 'karaden',
    baseUrl: sandbox.karadenBaseUrl,
    rateLimit: 100,
    concurrency: 4,
    timeoutMs: 5000,
    token: TOKEN,
    tenantId: TENANT,
    serviceId: 4,
    callbackToken: CALLBACK_TOKEN,
  };
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

afterEach(() => sandbox.clearFaults());

function freshPhone(settings: Parameters<Sandbox['setNumber']>[1] = {}): string {
  const phone = `+8170${String(++counter).padStart(8, '0')}`;
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
  callbackUrl: `${receiver.url}/webhooks/karaden/karaden`,
});

const taggedWith = (attemptId: string) => (r: ReceivedRequest) =>
  r.rawBody.toString('utf8').includes(`todoke:${attemptId}`);

/** Reads a received callback as todoke's webhook route would, under the URL it was sent to. */
function parse(r: ReceivedRequest, acc: KaradenAccount = account) {
  return karadenProvider.parseWebhook(acc, {
    url: `${receiver.url}${r.path}`,
    headers: r.headers,
    rawBody: r.rawBody,
  });
}

describe('Karaden client against the sandbox emulator', () => {
  it('sends, then reads the result callback as a delivered receipt for the same attempt, with units and carrier', async () => {
    const phone = freshPhone({ sms: 'delivered' });
    const text = 'お'.repeat(140);
    const client = karadenProvider.createClient(account);
    const sent = request(phone, text);
    const outcome = await client.send(sent);
    await client.close();
    expect(outcome).toMatchObject({ kind: 'accepted', providerMessageId: expect.any(String) });

    const [callback] = await receiver.waitFor(1, taggedWith(sent.attemptId));
    const result = parse(callback!);
    expect(result.ok).toBe(true);
    const receipt = (result.ok ? result.receipts[0] : undefined) as KaradenReceipt;
    expect(receipt).toMatchObject({
      attemptId: sent.attemptId,
      providerMessageId: outcome.kind === 'accepted' ? outcome.providerMessageId : 'none',
      status: 'delivered',
    });
    expect(receipt.carrier).toBeDefined();
    expect(receipt.units).toBe(carrierUnits(140, CARRIER_RULES[receipt.carrier!]));
    expect(sandbox.ledger(phone)).toHaveLength(1);
  });

  it('reads an undelivered result as undelivered (unconnected)', async () => {
    const client = karadenProvider.createClient(account);
    const sent = request(freshPhone({ sms: 'undelivered' }));
    expect(await client.send(sent)).toMatchObject({ kind: 'accepted' });
    await client.close();
    const [callback] = await receiver.waitFor(1, taggedWith(sent.attemptId));
    expect(parse(callback!)).toMatchObject({
      ok: true,
      receipts: [{ attemptId: sent.attemptId, status: 'undelivered', errorCode: 'unconnected' }],
    });
  });

  it('gets unreachable for a landline', async () => {
    const client = karadenProvider.createClient(account);
    expect(await client.send(request(freshPhone({ sms: 'landline' })))).toMatchObject({
      kind: 'unreachable',
      code: 'karaden_invalid_to',
    });
    await client.close();
  });

  it('maps request faults: 5xx retryable, 429 throttled, timeout unknown (the result still finds the attempt)', async () => {
    const client = karadenProvider.createClient({ ...account, timeoutMs: 300 });
    sandbox.addFault({ provider: 'karaden', kind: '5xx' });
    expect(await client.send(request(freshPhone()))).toMatchObject({
      kind: 'retryable',
      code: 'karaden_unknown',
    });
    sandbox.addFault({ provider: 'karaden', kind: '429' });
    expect(await client.send(request(freshPhone()))).toMatchObject({ kind: 'throttled' });
    sandbox.addFault({ provider: 'karaden', kind: 'reset' });
    expect(await client.send(request(freshPhone()))).toMatchObject({ kind: 'unknown', code: 'ECONNRESET' });
    sandbox.addFault({ provider: 'karaden', kind: 'timeout' });
    const timedOut = request(freshPhone({ sms: 'delivered' }));
    expect(await client.send(timedOut)).toMatchObject({ kind: 'unknown', code: 'UND_ERR_HEADERS_TIMEOUT' });
    await client.close();
    const [callback] = await receiver.waitFor(1, taggedWith(timedOut.attemptId));
    expect(parse(callback!)).toMatchObject({
      ok: true,
      receipts: [{ attemptId: timedOut.attemptId, status: 'delivered' }],
    });
  });

  it('opens the circuit for a wrong token, another tenant or another service', async () => {
    for (const wrong of [
      { token: 'not-the-token' },
      { tenantId: '00000000-0000-4000-8000-000000000000' },
      { serviceId: 5 },
    ]) {
      const client = karadenProvider.createClient({ ...account, ...wrong });
      expect(await client.send(request(freshPhone())), JSON.stringify(wrong)).toMatchObject({
        kind: 'circuit',
      });
      await client.close();
    }
  });

  it('refuses a forged callback: without the callback token, or altered to another service', async () => {
    const client = karadenProvider.createClient(account);
    const sent = request(freshPhone({ sms: 'delivered' }));
    await client.send(sent);
    await client.close();
    const [callback] = await receiver.waitFor(1, taggedWith(sent.attemptId));
    const forged = { ...callback!, path: '/webhooks/karaden/karaden' };
    expect(parse(forged)).toEqual({ ok: false, reason: 'bad_signature' });
    const otherService = {
      ...callback!,
      rawBody: Buffer.from(callback!.rawBody.toString().replace('"service_id":4', '"service_id":5')),
    };
    expect(parse(otherService)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parse({ ...callback!, rawBody: Buffer.from('{"id":') })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});
