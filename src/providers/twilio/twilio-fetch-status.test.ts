import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import type { FetchedStatus, ProviderClient } from '../provider.js';
import { createTwilioClient, type TwilioAccount } from './client.js';

const SID = 'AC00000000000000000000000000000002';
const TOKEN = 'twilio-fetch-status-token';

let sandbox: Sandbox;
let client: ProviderClient;

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureTwilioAccount({ accountSid: SID, authToken: TOKEN });
  const account: TwilioAccount = {
    name: 'twilio',
    provider: 'twilio',
    baseUrl: sandbox.twilioBaseUrl,
    rateLimit: 100,
    concurrency: 4,
    timeoutMs: 5000,
    accountSid: SID,
    authToken: TOKEN,
    from: '+15005550006',
  };
  client = createTwilioClient(account);
});

afterAll(async () => {
  await client.close();
  await sandbox.close();
});

/** Sends one SMS without a status callback (as if the receipt never came) and returns Twilio's message SID. */
async function send(phone: string): Promise<string> {
  const outcome = await client.send({
    attemptId: ulid(),
    messageId: ulid(),
    channel: 'sms',
    phone,
    lineUserId: null,
    email: null,
    text: 'ご予約は明日10時です。',
    callbackUrl: null,
  });
  if (outcome.kind !== 'accepted' || outcome.providerMessageId === undefined) throw new Error('not accepted');
  return outcome.providerMessageId;
}

/** Asks Twilio until the message has left the `sent` stage (queued and sent both read as `sent`). */
async function finalStatus(sid: string): Promise<FetchedStatus | null> {
  for (const started = Date.now(); Date.now() - started < 5_000;) {
    const fetched = await client.fetchStatus!(sid);
    if (fetched?.status !== 'sent') return fetched;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${sid} stayed sent`);
}

describe('Twilio fetchStatus against the sandbox emulator', () => {
  it('reads a missed delivery back: delivered, with the segments billed', async () => {
    sandbox.setNumber('+819077770001', { sms: 'delivered', smsDelayMs: 300 });
    const sid = await send('+819077770001');
    expect(await client.fetchStatus!(sid)).toEqual({ status: 'sent', units: 1 });
    expect(await finalStatus(sid)).toEqual({ status: 'delivered', units: 1 });
  });

  it('reads a missed failure back: undelivered with error 30003', async () => {
    sandbox.setNumber('+819077770002', { sms: 'undelivered', smsDelayMs: 50 });
    const sid = await send('+819077770002');
    expect(await finalStatus(sid)).toEqual({ status: 'undelivered', errorCode: '30003', units: 1 });
  });

  it('knows nothing of a message Twilio does not have', async () => {
    expect(await client.fetchStatus!('SM' + 'f'.repeat(32))).toBeNull();
  });
});

describe('findSent against the Twilio emulator (List Messages)', () => {
  it('finds a message the emulator took, by number and body, and only since the request', async () => {
    const since = Date.now();
    const sid = await send('+819044440001');
    expect(await client.findSent!({ phone: '+819044440001', text: 'ご予約は明日10時です。', since })).toEqual(
      {
        found: true,
        providerMessageId: sid,
      },
    );
    expect(await client.findSent!({ phone: '+819044440001', text: '別の本文', since })).toEqual({
      found: false,
    });
    expect(await client.findSent!({ phone: '+819044440002', text: 'ご予約は明日10時です。', since })).toEqual(
      {
        found: false,
      },
    );
    expect(
      await client.findSent!({
        phone: '+819044440001',
        text: 'ご予約は明日10時です。',
        since: since + 5_000,
      }),
    ).toEqual({
      found: false,
    });
  });
});
