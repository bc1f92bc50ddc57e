import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpEmulator, type EmailLedgerItem, type SmtpEmulator } from '../../sandbox/smtp-emulator.js';
import { startReceiver, type Receiver } from '../../sandbox/test-receiver.js';
import type { ProviderClient, SendRequest } from '../provider.js';
import { unusedLoopbackUrl } from '../scripted-server.js';
import { createEmailClient, type EmailAccount } from './client.js';
import { emailProvider } from './index.js';

const USER = 'todoke-sandbox';
const PASSWORD = 'sandbox-smtp-password';
const TOKEN = 'bounce-webhook-token-1234567890';

let emulator: SmtpEmulator;
let receiver: Receiver;
const ledger: EmailLedgerItem[] = [];
let client: ProviderClient | undefined;

beforeAll(async () => {
  receiver = await startReceiver();
  emulator = await startSmtpEmulator({
    accounts: [
      {
        user: USER,
        password: PASSWORD,
        bounceUrl: `${receiver.url}/webhooks/email/email`,
        bounceToken: TOKEN,
      },
    ],
    onDelivered: (item) => ledger.push(item),
  });
});

afterEach(async () => {
  emulator.clearFaults();
  await client?.close();
  client = undefined;
});

afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

function account(overrides: Partial<EmailAccount> = {}): EmailAccount {
  return {
    name: 'email',
    provider: 'email',
    baseUrl: emulator.url,
    rateLimit: 50,
    concurrency: 2,
    timeoutMs: 3000,
    from: 'noreply@example.jp',
    fromName: '届け 通知センター',
    user: USER,
    password: PASSWORD,
    starttls: 'never',
    webhookToken: TOKEN,
    ...overrides,
  };
}

function request(email: string | null, overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    attemptId: ulid(),
    messageId: ulid(),
    channel: 'email',
    phone: null,
    lineUserId: null,
    email,
    subject: '【重要】ご予約の確認（明日 10:00〜）',
    text: '山田 太郎 様\n\nご予約は明日 10:00 からです。\n変更はマイページからお願いします。\n.\n以上',
    callbackUrl: null,
    ...overrides,
  };
}

const received = (attemptId: string) => ledger.filter((item) => item.attemptRef.includes(attemptId));

describe('e-mail client against the sandbox SMTP server', () => {
  it('sends a Japanese subject and body that decode back equal, under a Message-ID naming the attempt', async () => {
    client = createEmailClient(account());
    const sent = request('hanako@example.jp');
    const outcome = await client.send(sent);
    expect(outcome).toEqual({
      kind: 'accepted',
      providerMessageId: `<${sent.attemptId}@example.jp>`,
      units: 1,
    });
    expect(received(sent.attemptId)).toEqual([
      expect.objectContaining({
        to: 'hanako@example.jp',
        subject: sent.subject,
        text: sent.text,
        attemptRef: `<${sent.attemptId}@example.jp>`,
      }),
    ]);
  });

  it('keeps connections open between messages, never more than concurrency at once', async () => {
    const isolated = await startSmtpEmulator({ accounts: [{ user: USER, password: PASSWORD }] });
    client = createEmailClient(account({ baseUrl: isolated.url, concurrency: 2 }));
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client!.send(request(`user${i}@example.jp`))),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(Array(8).fill('accepted'));
    expect(isolated.peakConnections()).toBeLessThanOrEqual(2);
    await client.close();
    client = undefined;
    await isolated.close();
  });

  it('gets unreachable for an unknown user (550 5.1.1 at RCPT TO), and the next message still goes', async () => {
    emulator.setAddress('nobody@example.jp', { email: 'unknown_user' });
    client = createEmailClient(account());
    const refused = request('nobody@example.jp');
    expect(await client.send(refused)).toMatchObject({ kind: 'unreachable', code: 'smtp_550_5.1.1' });
    expect(received(refused.attemptId)).toEqual([]);
    expect(await client.send(request('hanako@example.jp'))).toMatchObject({ kind: 'accepted' });
  });

  it('gets retryable for a full mailbox (452 4.2.2)', async () => {
    emulator.setAddress('full@example.jp', { email: 'mailbox_full' });
    client = createEmailClient(account());
    expect(await client.send(request('full@example.jp'))).toMatchObject({
      kind: 'retryable',
      code: 'smtp_452_4.2.2',
    });
  });

  it('opens the circuit on a wrong password (535 5.7.8), and never shows the password', async () => {
    client = createEmailClient(account({ password: 'wrong-password-x' }));
    const outcome = await client.send(request('hanako@example.jp'));
    expect(outcome).toMatchObject({ kind: 'circuit', code: 'smtp_535_5.7.8' });
    expect(JSON.stringify(outcome)).not.toContain('wrong-password-x');
  });

  it('opens the circuit when STARTTLS is required (the default with a password) and the server has none', async () => {
    client = createEmailClient(account({ starttls: undefined }));
    expect(await client.send(request('hanako@example.jp'))).toMatchObject({ kind: 'circuit' });
  });

  it('gets unknown when the connection is cut after the whole message was sent — and the mail did arrive', async () => {
    client = createEmailClient(account());
    emulator.addFault({ kind: 'drop_after_data' });
    const sent = request('hanako@example.jp');
    expect(await client.send(sent)).toMatchObject({ kind: 'unknown', code: 'ECONNECTION' });
    expect(received(sent.attemptId)).toHaveLength(1);
  });

  it('gets unknown when the final reply does not come within timeoutMs', async () => {
    client = createEmailClient(account({ timeoutMs: 300 }));
    emulator.addFault({ kind: 'slow', delayMs: 5000 });
    expect(await client.send(request('hanako@example.jp'))).toMatchObject({
      kind: 'unknown',
      code: 'ETIMEDOUT',
    });
  });

  it('gets rejected when the message is refused after its end (554 5.7.1)', async () => {
    client = createEmailClient(account());
    emulator.addFault({ kind: 'spam_rejected' });
    const sent = request('hanako@example.jp');
    expect(await client.send(sent)).toMatchObject({ kind: 'rejected', code: 'smtp_554_5.7.1' });
    expect(received(sent.attemptId)).toEqual([]);
  });

  it('gets retryable for 421 at MAIL FROM, and the next message goes on a fresh connection', async () => {
    client = createEmailClient(account());
    emulator.addFault({ kind: '421' });
    expect(await client.send(request('hanako@example.jp'))).toMatchObject({
      kind: 'retryable',
      code: 'smtp_421_4.7.0',
    });
    expect(await client.send(request('hanako@example.jp'))).toMatchObject({ kind: 'accepted' });
  });

  it('sends once more on a fresh connection when a kept one is cut before the message', async () => {
    client = createEmailClient(account({ concurrency: 1 }));
    expect(await client.send(request('hanako@example.jp'))).toMatchObject({ kind: 'accepted' });
    emulator.addFault({ kind: 'reset' });
    const sent = request('hanako@example.jp');
    expect(await client.send(sent)).toMatchObject({ kind: 'accepted' });
    expect(received(sent.attemptId)).toHaveLength(1);
  });

  it('gets retryable when a fresh connection is cut before the message too', async () => {
    client = createEmailClient(account({ concurrency: 1 }));
    expect(await client.send(request('hanako@example.jp'))).toMatchObject({ kind: 'accepted' });
    emulator.addFault({ kind: 'reset', count: 2 });
    const sent = request('hanako@example.jp');
    expect(await client.send(sent)).toMatchObject({ kind: 'retryable', code: 'ECONNRESET' });
    expect(received(sent.attemptId)).toEqual([]);
  });

  it('gets retryable when nothing listens (connection refused)', async () => {
    const port = new URL(await unusedLoopbackUrl()).port;
    client = createEmailClient(account({ baseUrl: `smtp://127.0.0.1:${port}` }));
    const outcome = await client.send(request('hanako@example.jp'));
    expect(outcome).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
  });

  it('gets unreachable without connecting when there is no address or no valid one', async () => {
    client = createEmailClient(account({ baseUrl: 'smtp://127.0.0.1:1' }));
    expect(await client.send(request(null))).toMatchObject({ kind: 'unreachable', code: 'email_no_address' });
    expect(await client.send(request('taro@'))).toMatchObject({
      kind: 'unreachable',
      code: 'email_invalid_address',
    });
    expect(await client.send(request('a@b.jp>\r\nRCPT TO:<x@y.jp'))).toMatchObject({
      kind: 'unreachable',
      code: 'email_invalid_address',
    });
  });

  it('accepts a bounce_later address, then reads the signed DSN as undelivered for the same attempt', async () => {
    emulator.setAddress('gone@example.jp', { email: 'bounce_later', emailDelayMs: 20 });
    client = createEmailClient(account());
    const sent = request('gone@example.jp');
    expect(await client.send(sent)).toMatchObject({ kind: 'accepted' });
    expect(received(sent.attemptId)).toEqual([]);

    const [call] = await receiver.waitFor(1, (r) => r.rawBody.includes(sent.attemptId));
    const result = emailProvider.parseWebhook(account(), {
      url: `${receiver.url}${call!.path}`,
      headers: call!.headers,
      rawBody: call!.rawBody,
    });
    expect(result).toMatchObject({
      ok: true,
      receipts: [
        {
          attemptId: sent.attemptId,
          providerMessageId: `<${sent.attemptId}@example.jp>`,
          status: 'undelivered',
          errorCode: '5.1.1',
        },
      ],
    });
  });

  it('fails senders after close with retryable: nothing was sent', async () => {
    const closing = createEmailClient(account());
    expect(await closing.send(request('hanako@example.jp'))).toMatchObject({ kind: 'accepted' });
    await closing.close();
    expect(await closing.send(request('hanako@example.jp'))).toMatchObject({ kind: 'retryable' });
  });
});

describe('e-mail provider definition', () => {
  const schema = emailProvider.accountSchema;

  it('needs a from address, and user and password together', () => {
    expect(schema.safeParse({ from: 'noreply@example.jp' }).success).toBe(true);
    expect(
      schema.safeParse({ from: 'noreply@example.jp', user: 'u', password: 'p', starttls: 'required' })
        .success,
    ).toBe(true);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ from: 'not an address' }).success).toBe(false);
    expect(schema.safeParse({ from: 'noreply@example.jp', user: 'u' }).success).toBe(false);
    expect(schema.safeParse({ from: 'noreply@example.jp', starttls: 'sometimes' }).success).toBe(false);
    expect(schema.safeParse({ from: 'noreply@example.jp', webhookToken: 'short' }).success).toBe(false);
    expect(emailProvider.secretFields).toEqual(['password', 'webhookToken']);
  });

  it('takes the server from baseUrl, and refuses other schemes or credentials in it', () => {
    expect(() => createEmailClient(account({ baseUrl: 'https://smtp.example.jp' }))).toThrow(/smtp:\/\//);
    expect(() => createEmailClient(account({ baseUrl: 'smtp://u:p@smtp.example.jp:587' }))).toThrow(
      /password/,
    );
  });
});
