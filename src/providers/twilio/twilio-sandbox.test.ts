import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startReceiver, type Receiver } from '../../sandbox/test-receiver.js';
import type { Receipt, SendRequest } from '../provider.js';
import { twilioProvider, type TwilioAccount } from './index.js';

const SID = 'AC00000000000000000000000000000001';
const TOKEN = 'twilio-sandbox-token';

let sandbox: Sandbox;
let receiver: Receiver;
let account: TwilioAccount;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureTwilioAccount({ accountSid: SID, authToken: TOKEN });
  account = {
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
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

const request = (phone: string): SendRequest => ({
  attemptId: ulid(),
  messageId: ulid(),
  channel: 'sms',
  phone,
  lineUserId: null,
  email: null,
  text: 'ご予約は明日10時です。',
  callbackUrl: `${receiver.url}/webhooks/twilio/twilio`,
});

describe('Twilio client against the sandbox emulator', () => {
  it('sends, then reads the signed status callbacks back as receipts for the same attempt', async () => {
    sandbox.setNumber('+819012345678', { sms: 'delivered', smsDelayMs: 50 });
    const client = twilioProvider.createClient(account);
    const sent = request('+819012345678');

    const outcome = await client.send(sent);
    await client.close();
    expect(outcome).toMatchObject({ kind: 'accepted', units: 1 });
    const sid = outcome.kind === 'accepted' ? outcome.providerMessageId : undefined;
    expect(sid).toMatch(/^SM/);

    const callbacks = await receiver.waitFor(2, (r) => r.path.includes(sent.attemptId));
    const receipts: Receipt[] = callbacks.flatMap((r) => {
      const result = twilioProvider.parseWebhook(account, {
        url: `${receiver.url}${r.path}`,
        headers: r.headers,
        rawBody: r.rawBody,
      });
      expect(result.ok).toBe(true);
      return result.ok ? result.receipts : [];
    });
    // Callbacks may arrive in either order; receipts are applied by state rules, not arrival.
    const seen = receipts.map((r) => [r.status, r.attemptId, r.providerMessageId]).sort();
    expect(seen).toEqual([
      ['delivered', sent.attemptId, sid],
      ['sent', sent.attemptId, sid],
    ]);
  });

  it('gets unreachable (21614) for a landline', async () => {
    sandbox.setNumber('+81312345678', { sms: 'landline' });
    const client = twilioProvider.createClient(account);
    expect(await client.send(request('+81312345678'))).toMatchObject({
      kind: 'unreachable',
      code: 'twilio_21614',
    });
    await client.close();
  });
});
