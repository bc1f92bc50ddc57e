import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startReceiver, type Receiver } from '../../sandbox/test-receiver.js';
import type { SendRequest } from '../provider.js';
import { lineProvider, type LineAccount } from './index.js';

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
  await sandbox.close();
  await receiver.close();
});

const request = (phone: string): SendRequest => ({
  attemptId: ulid(),
  messageId: ulid(),
  channel: 'line_pnp',
  phone,
  lineUserId: null,
  email: null,
  text: 'お支払い期限が近づいています。',
  callbackUrl: null,
});

describe('LINE client against the sandbox emulator', () => {
  it('sends, then reads the signed delivery event back as a receipt for the same attempt', async () => {
    sandbox.setNumber('+818000001234', { line: 'delivered', lineDelayMs: 0 });
    const client = lineProvider.createClient(account);
    const sent = request('+818000001234');

    expect(await client.send(sent)).toEqual({ kind: 'accepted' });
    await client.close();

    const [webhook] = await receiver.waitFor(1, (r) => r.rawBody.includes(sent.attemptId));
    const result = lineProvider.parseWebhook(account, {
      url: `${receiver.url}${webhook!.path}`,
      headers: webhook!.headers,
      rawBody: webhook!.rawBody,
    });
    expect(result).toMatchObject({
      ok: true,
      receipts: [{ attemptId: sent.attemptId, status: 'delivered' }],
    });
  });

  it('gets unreachable for a number with no LINE user', async () => {
    sandbox.setNumber('+818000009999', { line: 'not_found' });
    const client = lineProvider.createClient(account);
    expect(await client.send(request('+818000009999'))).toMatchObject({
      kind: 'unreachable',
      code: 'line_unreachable',
    });
    await client.close();
  });
});
