import { describe, expect, it } from 'vitest';
import { readReceivedMail } from '../../sandbox/smtp-received-mail.js';
import { composeMail, messageIdFor } from './compose.js';

const ATTEMPT = '01JD3M7Q8N5V2K4X6Z9B0C1D2E';
const parts = {
  attemptId: ATTEMPT,
  from: 'noreply@Example.JP',
  fromName: '届け 通知センター',
  to: 'taro..yamada.@docomo.ne.jp',
  subject: '【重要】お支払い期限のお知らせ（11月25日まで）',
  text: 'いつもご利用ありがとうございます。\nお支払い期限は 11月25日 です。\n'.repeat(20),
};

const headerBlock = (raw: Buffer) => raw.toString('latin1').split('\r\n\r\n')[0]!;

describe('composing an e-mail', () => {
  it('is 7-bit clean: Japanese headers as encoded words, the body transfer-encoded, lines short', async () => {
    const { raw } = await composeMail(parts);
    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    expect(headerBlock(raw)).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/m);
    expect(headerBlock(raw)).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(headerBlock(raw)).toMatch(/^Content-Transfer-Encoding: (base64|quoted-printable)$/m);
    for (const line of raw.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('reads back equal with an independent reader', async () => {
    const mail = readReceivedMail((await composeMail(parts)).raw);
    expect(mail.subject).toBe(parts.subject);
    expect(mail.text).toBe(parts.text.replace(/\n$/, ''));
  });

  it('names the attempt in the Message-ID, on the sender domain', async () => {
    const { raw, messageId } = await composeMail(parts);
    expect(messageId).toBe(`<${ATTEMPT}@example.jp>`);
    expect(messageIdFor(ATTEMPT, 'a@b.example.co.jp')).toBe(`<${ATTEMPT}@b.example.co.jp>`);
    expect(headerBlock(raw)).toContain(`Message-ID: <${ATTEMPT}@example.jp>`);
  });

  it('marks the mail automatic, sets From with its name, Reply-To, and the envelope sender', async () => {
    const { raw, envelope } = await composeMail({
      ...parts,
      replyTo: 'support@example.jp',
      returnPath: 'bounces@bounce.example.jp',
    });
    const headers = headerBlock(raw);
    expect(headers).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(headers).toMatch(/^From: =\?UTF-8\?[BQ]\?.+\?= <noreply@example\.jp>$/m);
    expect(headers).toMatch(/^Reply-To: support@example\.jp$/m);
    expect(headers).toMatch(/^To: taro\.\.yamada\.@docomo\.ne\.jp$/m);
    expect(envelope).toEqual({ from: 'bounces@bounce.example.jp', to: ['taro..yamada.@docomo.ne.jp'] });
  });

  it('cannot be made to carry extra headers through the subject', async () => {
    const { raw } = await composeMail({ ...parts, subject: 'お知らせ\r\nBcc: victim@example.jp' });
    expect(headerBlock(raw)).not.toMatch(/^Bcc:/im);
    expect(readReceivedMail(raw).subject).toBe('お知らせ Bcc: victim@example.jp');
  });

  it('leaves ASCII text readable as it is', async () => {
    const { raw } = await composeMail({
      ...parts,
      subject: 'Your order has shipped',
      text: 'Tracking: 1234',
    });
    expect(headerBlock(raw)).toMatch(/^Subject: Your order has shipped$/m);
    expect(raw.toString('latin1')).toContain('Tracking: 1234');
  });
});
