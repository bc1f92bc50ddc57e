import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startReceiver, type Receiver } from '../../sandbox/test-receiver.js';
import type { SendRequest } from '../provider.js';
import { lineProvider, retryKeyFor, type LineAccount } from './index.js';

const TOKEN = 'line-sandbox-token';
const SECRET = 'line-sandbox-secret';

let sandbox: Sandbox;
let receiver: Receiver;
let account: LineAccount;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureLineChannel({
    accessToken: TOKEN,
    channelSecret: SECRET,
    webhookUrl: `${receiver.url}/webhooks/line/line-main`,
  });
  account = {
    name: 'line-main',
    provider: 'line',
    baseUrl: sandbox.lineBaseUrl,
    rateLimit: 2000,
    concurrency: 4,
    timeoutMs: 5000,
    channelAccessToken: TOKEN,
    channelSecret: SECRET,
  };
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

/** The user's ledger once it has `count` entries: an entry is written a moment after the 200 that stored it. */
async function ledgerOnce(user: string, count: number) {
  for (let waited = 0; sandbox.ledger(user).length < count; waited += 5) {
    if (waited > 5_000) throw new Error(`ledger of ${user}: ${sandbox.ledger(user).length}, not ${count}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return sandbox.ledger(user);
}

const push = (lineUserId: string): SendRequest => ({
  attemptId: ulid(),
  messageId: ulid(),
  channel: 'line_push',
  phone: null,
  lineUserId,
  email: null,
  text: 'ご予約は明日10時です。',
  callbackUrl: null,
});

describe('LINE push through the sandbox emulator', () => {
  it('is delivered once: one ledger entry under the user ID, referenced by the retry key', async () => {
    const user = 'U00000000000000000000000000000a01';
    const client = lineProvider.createClient(account);
    const request = push(user);
    expect(await client.send(request)).toMatchObject({ kind: 'delivered', units: 1 });
    await client.close();
    expect(await ledgerOnce(user, 1)).toEqual([
      expect.objectContaining({
        channel: 'line_push',
        to: user,
        text: request.text,
        attemptRef: retryKeyFor(request.attemptId),
      }),
    ]);
  });

  it('after a timeout, resends with the same key: LINE answers 409, and the user got it once', async () => {
    const user = 'U00000000000000000000000000000a02';
    sandbox.addFault({ provider: 'line', kind: 'timeout', count: 1 });
    const client = lineProvider.createClient({ ...account, timeoutMs: 300 });
    const request = push(user);
    const outcome = await client.send(request);
    await client.close();
    expect(outcome).toMatchObject({ kind: 'delivered', providerMessageId: expect.any(String) });

    // The same attempt sent again later (another process after a crash) is still the same message.
    const again = lineProvider.createClient(account);
    expect(await again.send(request)).toEqual(outcome);
    // A second attempt is a second message: it arrives after the first, and nothing came in between.
    const next = push(user);
    expect(await again.send(next)).toMatchObject({ kind: 'delivered' });
    await again.close();
    expect((await ledgerOnce(user, 2)).map((e) => e.attemptRef)).toEqual([
      retryKeyFor(request.attemptId),
      retryKeyFor(next.attemptId),
    ]);
  });
});

describe('LINE notification message (template) through the sandbox emulator', () => {
  it('is accepted (202), then delivered: the delivery event names the attempt', async () => {
    const phone = '+818000007001';
    sandbox.setNumber(phone, { line: 'delivered', lineDelayMs: 0 });
    const client = lineProvider.createClient(account);
    const request: SendRequest = {
      attemptId: ulid(),
      messageId: ulid(),
      channel: 'line_pnp',
      phone,
      lineUserId: null,
      email: null,
      text: '',
      pnpTemplate: {
        templateKey: 'payment_reminder_ja',
        body: {
          emphasizedItem: { itemKey: 'price_001_ja', content: '12,000円' },
          items: [{ itemKey: 'date_001_ja', content: '2025年12月1日' }],
        },
      },
      callbackUrl: null,
    };
    expect(await client.send(request)).toEqual({ kind: 'accepted' });
    await client.close();

    const [webhook] = await receiver.waitFor(1, (r) => r.rawBody.includes(request.attemptId));
    const parsed = lineProvider.parseWebhook(account, {
      url: `${receiver.url}${webhook!.path}`,
      headers: webhook!.headers,
      rawBody: webhook!.rawBody,
    });
    expect(parsed).toMatchObject({
      ok: true,
      receipts: [{ attemptId: request.attemptId, status: 'delivered' }],
    });
    expect(sandbox.ledger(phone)).toEqual([
      expect.objectContaining({
        channel: 'line_pnp',
        attemptRef: request.attemptId,
        text: 'payment_reminder_ja\nprice_001_ja: 12,000円\ndate_001_ja: 2025年12月1日',
      }),
    ]);
  });
});
