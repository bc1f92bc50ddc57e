import { createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpEmulator, type EmailLedgerItem, type SmtpEmulator } from './smtp-emulator.js';
import { startReceiver, type Receiver } from './test-receiver.js';

const USER = 'sandbox-user';
const PASSWORD = 'sandbox-pass';
const TOKEN = 'sandbox-bounce-token-0123456789';
const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString('base64');

/** A line-by-line SMTP client: sends each command once the previous reply is complete, returns every reply. */
class Conversation {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiting: (() => void) | null = null;
  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      // A reply is complete at a line "NNN text" (a space after the code, not a hyphen).
      for (
        let m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
        m;
        m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer)
      ) {
        this.replies.push(m[0].trimEnd());
        this.buffer = this.buffer.slice(m[0].length);
      }
      this.waiting?.();
    });
    socket.on('close', () => this.waiting?.());
  }

  static async open(port: number): Promise<Conversation> {
    const socket = connect(port, '127.0.0.1');
    const conversation = new Conversation(socket);
    await conversation.next();
    return conversation;
  }

  /** The next reply, or 'closed'. */
  async next(): Promise<string> {
    while (this.replies.length === 0) {
      if (this.socket.destroyed || this.socket.readableEnded) return 'closed';
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    return this.replies.shift()!;
  }

  async say(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  async login(user = USER, pass = PASSWORD): Promise<string> {
    await this.say('EHLO client.example.jp');
    return this.say(`AUTH PLAIN ${plain(user, pass)}`);
  }

  close(): void {
    this.socket.destroy();
  }
}

let emulator: SmtpEmulator;
let receiver: Receiver;
const ledger: EmailLedgerItem[] = [];

beforeAll(async () => {
  // The first bounce for <bounce-me@…> is answered 503, to see it sent again.
  let refused = false;
  receiver = await startReceiver({
    status: (_n, request) => {
      if (refused || !request.rawBody.includes('bounce-me')) return 200;
      refused = true;
      return 503;
    },
  });
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

afterEach(() => emulator.clearFaults());

afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

async function sendRaw(
  conversation: Conversation,
  to: string,
  message: string,
  mailFrom = '<bounces@example.jp>',
) {
  expect(await conversation.say(`MAIL FROM:${mailFrom}`)).toMatch(/^250/);
  expect(await conversation.say(`RCPT TO:<${to}>`)).toMatch(/^250/);
  expect(await conversation.say('DATA')).toMatch(/^354/);
  return conversation.say(`${message.replace(/\n/g, '\r\n')}\r\n.`);
}

describe('SMTP emulator', () => {
  it('offers AUTH PLAIN and LOGIN and DSN, no STARTTLS, and wants AUTH before mail', async () => {
    const c = await Conversation.open(emulator.port);
    const ehlo = await c.say('EHLO client.example.jp');
    expect(ehlo).toMatch(/AUTH (PLAIN LOGIN|LOGIN PLAIN)/);
    expect(ehlo).toMatch(/DSN/);
    expect(ehlo).not.toMatch(/STARTTLS/);
    expect(await c.say('MAIL FROM:<bounces@example.jp>')).toMatch(/^530/);
    c.close();
  });

  it('refuses a wrong password with 535 5.7.8', async () => {
    const c = await Conversation.open(emulator.port);
    expect(await c.login(USER, 'wrong')).toMatch(/^535 5\.7\.8 /);
    c.close();
  });

  it('answers RCPT TO per address: 550 5.1.1, 452 4.2.2, or 250', async () => {
    emulator.setAddress('Nobody@Example.jp', { email: 'unknown_user' });
    emulator.setAddress('full@example.jp', { email: 'mailbox_full' });
    const c = await Conversation.open(emulator.port);
    expect(await c.login()).toMatch(/^235/);
    expect(await c.say('MAIL FROM:<bounces@example.jp>')).toMatch(/^250/);
    expect(await c.say('RCPT TO:<nobody@example.jp>')).toMatch(/^550 5\.1\.1 <nobody@example\.jp>: /);
    expect(await c.say('RCPT TO:<full@example.jp>')).toMatch(/^452 4\.2\.2 /);
    expect(await c.say('RCPT TO:<someone@example.jp>')).toMatch(/^250/);
    c.close();
  });

  it('puts delivered mail in the ledger, decoding ISO-2022-JP words and quoted-printable UTF-8', async () => {
    const c = await Conversation.open(emulator.port);
    await c.login();
    const subject = `=?ISO-2022-JP?B?${Buffer.from('\x1b$B$*CN$i$;\x1b(B', 'latin1').toString('base64')}?=`;
    const reply = await sendRaw(
      c,
      'jiro@example.jp',
      [
        'From: shop@example.jp',
        'To: jiro@example.jp',
        `Subject: ${subject}`,
        'Message-ID: <qp-test@example.jp>',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '=E7=99=BA=E9=80=81=E3=81=97=E3=81=BE=E3=81=97=E3=81=9F=',
        '=E3=80=82',
      ].join('\n'),
    );
    expect(reply).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-F]+/);
    expect(ledger.find((item) => item.attemptRef === '<qp-test@example.jp>')).toMatchObject({
      channel: 'email',
      provider: 'email',
      to: 'jiro@example.jp',
      subject: 'お知らせ',
      text: '発送しました。',
    });
    c.close();
  });

  it('accepts mail to a bounce_later address, then posts a signed DSN until the webhook takes it', async () => {
    emulator.setAddress('gone@example.jp', { email: 'bounce_later', emailDelayMs: 10 });
    const c = await Conversation.open(emulator.port);
    await c.login();
    expect(await c.say('MAIL FROM:<bounces@example.jp> RET=HDRS ENVID=01JD3M7Q8N5V2K4X6Z9B0C1D2E')).toMatch(
      /^250/,
    );
    expect(await c.say('RCPT TO:<gone@example.jp> NOTIFY=FAILURE ORCPT=rfc822;gone@example.jp')).toMatch(
      /^250/,
    );
    expect(await c.say('DATA')).toMatch(/^354/);
    const original =
      'From: noreply@example.jp\r\nMessage-ID: <bounce-me@example.jp>\r\nSubject: hi\r\n\r\nbody text';
    expect(await c.say(`${original}\r\n.`)).toMatch(/^250/);
    c.close();
    expect(ledger.some((item) => item.attemptRef === '<bounce-me@example.jp>')).toBe(false);

    // The first call gets 503; the emulator tries again.
    const calls = await receiver.waitFor(2, (r) => r.rawBody.includes('bounce-me'));
    const body = calls[1]!.rawBody;
    expect(calls[1]!.headers['content-type']).toBe('message/rfc822');
    expect(calls[1]!.headers['x-todoke-signature']).toBe(
      `sha256=${createHmac('sha256', TOKEN).update(body).digest('hex')}`,
    );
    const text = body.toString('utf8');
    expect(text).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
    expect(text).toContain('Original-Envelope-Id: 01JD3M7Q8N5V2K4X6Z9B0C1D2E');
    expect(text).toContain('Original-Recipient: rfc822;gone@example.jp');
    expect(text).toMatch(/Action: failed\r\nStatus: 5\.1\.1/);
    expect(text).toContain('Content-Type: text/rfc822-headers');
    expect(text).toContain('Message-ID: <bounce-me@example.jp>');
    expect(text).not.toContain('body text');
    expect(text).toMatch(/^To: bounces@example\.jp$/m);
  });

  it('returns the whole original in the bounce when asked with RET=FULL', async () => {
    emulator.setAddress('gone-full@example.jp', { email: 'bounce_later', emailDelayMs: 0 });
    const c = await Conversation.open(emulator.port);
    await c.login();
    expect(await c.say('MAIL FROM:<bounces@example.jp> RET=FULL')).toMatch(/^250/);
    expect(await c.say('RCPT TO:<gone-full@example.jp>')).toMatch(/^250/);
    expect(await c.say('DATA')).toMatch(/^354/);
    expect(await c.say('Message-ID: <full-return@example.jp>\r\n\r\nthe whole body\r\n.')).toMatch(/^250/);
    c.close();
    const [call] = await receiver.waitFor(1, (r) => r.rawBody.includes('full-return'));
    const text = call!.rawBody.toString('utf8');
    expect(text).toContain('Content-Type: message/rfc822');
    expect(text).toContain('the whole body');
    expect(text).not.toContain('Original-Envelope-Id');
  });

  it('applies faults to their count of transactions only: 421 at MAIL FROM closes the connection', async () => {
    emulator.addFault({ kind: '421' });
    const first = await Conversation.open(emulator.port);
    await first.login();
    expect(await first.say('MAIL FROM:<bounces@example.jp>')).toMatch(/^421 4\.7\.0 /);
    expect(await first.next()).toBe('closed');
    const second = await Conversation.open(emulator.port);
    await second.login();
    expect(await second.say('MAIL FROM:<bounces@example.jp>')).toMatch(/^250/);
    second.close();
  });

  it('refuses a message as spam with 554 5.7.1 under that fault, and keeps it out of the ledger', async () => {
    emulator.addFault({ kind: 'spam_rejected' });
    const c = await Conversation.open(emulator.port);
    await c.login();
    const reply = await sendRaw(c, 'jiro@example.jp', 'Message-ID: <spam@example.jp>\n\nbuy now');
    expect(reply).toMatch(/^554 5\.7\.1 /);
    expect(ledger.some((item) => item.attemptRef === '<spam@example.jp>')).toBe(false);
    c.close();
  });

  it('refuses an unknown fault kind or key, and uses a fault up after its count', async () => {
    expect(() => emulator.addFault({ kind: 'timeout' } as never)).toThrow();
    expect(() => emulator.addFault({ kind: '421', rate: 0.5 } as never)).toThrow();
    emulator.addFault({ kind: 'spam_rejected', count: 2 });
    const c = await Conversation.open(emulator.port);
    await c.login();
    expect(await sendRaw(c, 'jiro@example.jp', 'Message-ID: <n1@example.jp>\n\nx')).toMatch(/^554/);
    expect(await sendRaw(c, 'jiro@example.jp', 'Message-ID: <n2@example.jp>\n\nx')).toMatch(/^554/);
    expect(await sendRaw(c, 'jiro@example.jp', 'Message-ID: <n3@example.jp>\n\nx')).toMatch(/^250/);
    c.close();
  });

  it('refuses a setting for something that is not an address, or an unknown setting', () => {
    expect(() => emulator.setAddress('not-an-address', { email: 'delivered' })).toThrow(
      /not an e-mail address/,
    );
    expect(() => emulator.setAddress('a@example.jp', { email: 'lost' } as never)).toThrow();
    expect(() => emulator.setAddress('a@example.jp', { delay: 5 } as never)).toThrow();
    expect(emulator.setAddress('a@example.jp', { emailDelayMs: 5 })).toEqual({
      email: 'delivered',
      emailDelayMs: 5,
    });
    expect(emulator.getAddress('A@EXAMPLE.JP')).toEqual({ email: 'delivered', emailDelayMs: 5 });
  });

  it('cuts connections clients keep open when it closes', async () => {
    const own = await startSmtpEmulator({ accounts: [{ user: USER, password: PASSWORD }] });
    const c = await Conversation.open(own.port);
    await c.login();
    await own.close();
    expect(await c.next()).toBe('closed');
  });
});
