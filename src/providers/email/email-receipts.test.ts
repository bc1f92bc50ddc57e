import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { WebhookRequest } from '../provider.js';
import { bounceSignature, parseEmailWebhook, readBounce } from './receipts.js';

const TOKEN = 'relay-shared-secret-0123456789';
const ATTEMPT = '01JD3M7Q8N5V2K4X6Z9B0C1D2E';
const MESSAGE_ID = `<${ATTEMPT}@example.jp>`;
const clock = new ManualClock(Date.UTC(2026, 10, 23, 0, 0, 0));

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

const ORIGINAL_HEADERS = [
  'Auto-Submitted: auto-generated',
  'From: =?UTF-8?B?5bGK44GR?= <noreply@example.jp>',
  'To: nobody@example.net',
  'Subject: =?UTF-8?B?44GK55+l44KJ44Gb?=',
  `Message-ID: ${MESSAGE_ID}`,
  'Date: Mon, 23 Nov 2026 09:00:00 +0900',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: base64',
];

/** Postfix, after the remote server refused the recipient; the envelope ID came with MAIL FROM. */
const POSTFIX = crlf(
  'Return-Path: <>',
  'Date: Mon, 23 Nov 2026 09:00:05 +0900 (JST)',
  'From: MAILER-DAEMON@mail.example.jp (Mail Delivery System)',
  'To: bounces@example.jp',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-Id: <20261123000005.4B1C2E3F@mail.example.jp>',
  'Auto-Submitted: auto-replied',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="4B1C2E3F.1795478405/mail.example.jp"',
  '',
  'This is a MIME-encapsulated message.',
  '',
  '--4B1C2E3F.1795478405/mail.example.jp',
  'Content-Description: Notification',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'This is the mail system at host mail.example.jp.',
  '',
  '<nobody@example.net>: host mx.example.net[203.0.113.5] said: 550 5.1.1',
  '    <nobody@example.net>: Recipient address rejected: User unknown',
  '',
  '--4B1C2E3F.1795478405/mail.example.jp',
  'Content-Description: Delivery report',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mail.example.jp',
  'X-Postfix-Queue-ID: 4B1C2E3F',
  'X-Postfix-Sender: rfc822; bounces@example.jp',
  `Original-Envelope-Id: ${ATTEMPT}`,
  'Arrival-Date: Mon, 23 Nov 2026 09:00:01 +0900 (JST)',
  '',
  'Final-Recipient: rfc822; nobody@example.net',
  'Original-Recipient: rfc822;nobody@example.net',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; mx.example.net',
  'Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address',
  '    rejected: User unknown',
  '',
  '--4B1C2E3F.1795478405/mail.example.jp',
  'Content-Description: Undelivered Message Headers',
  'Content-Type: text/rfc822-headers',
  '',
  ...ORIGINAL_HEADERS,
  '',
  '--4B1C2E3F.1795478405/mail.example.jp--',
  '',
);

/** Shaped like Gmail's: nested multipart notification, X-Original-Message-ID, the whole original, no ENVID. */
const GMAIL = crlf(
  'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
  'To: bounces@example.jp',
  'Subject: Delivery Status Notification (Failure)',
  'Message-ID: <67a1b2c3.050a0220.1f2e3d.0000.GMR@mx.google.com>',
  'Date: Sun, 22 Nov 2026 16:00:02 -0800 (PST)',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; boundary="000000000000a1b2c3"; report-type=delivery-status',
  '',
  '--000000000000a1b2c3',
  'Content-Type: multipart/related; boundary="000000000000d4e5f6"',
  '',
  '--000000000000d4e5f6',
  'Content-Type: text/plain; charset="UTF-8"',
  '',
  "Address not found: Your message wasn't delivered to nobody@gmail.com because the address couldn't be found.",
  '--000000000000d4e5f6--',
  '',
  '--000000000000a1b2c3',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; googlemail.com',
  'Received-From-MTA: dns; mail.example.jp',
  'Arrival-Date: Sun, 22 Nov 2026 16:00:01 -0800 (PST)',
  `X-Original-Message-ID: ${MESSAGE_ID}`,
  '',
  'Final-Recipient: rfc822; nobody@gmail.com',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; gmail-smtp-in.l.google.com. (2a00:1450:400c:c0b::1b, the server for the domain gmail.com.)',
  'Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.',
  'Last-Attempt-Date: Sun, 22 Nov 2026 16:00:02 -0800 (PST)',
  '',
  '--000000000000a1b2c3',
  'Content-Type: message/rfc822',
  '',
  ...ORIGINAL_HEADERS,
  '',
  '5bGK44GR44G+44GX44Gf',
  '--000000000000a1b2c3--',
);

/** Shaped like Microsoft 365's: the report base64-encoded, 5.4.1, the original's headers quoted-printable. */
const EXCHANGE = crlf(
  'From: postmaster@outlook.com',
  'To: bounces@example.jp',
  'Subject: Undeliverable: =?utf-8?B?44GK55+l44KJ44Gb?=',
  'Content-Type: multipart/report; report-type="delivery-status";',
  ' boundary="_000_PN2P287MB0001_"',
  'Message-ID: <0a1b2c3d-4e5f-6789-abcd-ef0123456789@PN2P287MB0001.INDP287.PROD.OUTLOOK.COM>',
  'Date: Mon, 23 Nov 2026 00:00:03 +0000',
  'MIME-Version: 1.0',
  '',
  '--_000_PN2P287MB0001_',
  'Content-Type: text/plain; charset="utf-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Delivery has failed to these recipients or groups:=0D=0A',
  '--_000_PN2P287MB0001_',
  'Content-Type: message/delivery-status',
  'Content-Transfer-Encoding: base64',
  '',
  ...Buffer.from(
    [
      'Reporting-MTA: dns;PN2P287MB0001.INDP287.PROD.OUTLOOK.COM',
      'Received-From-MTA: dns;mail.example.jp',
      'Arrival-Date: Mon, 23 Nov 2026 00:00:01 +0000',
      '',
      'Final-Recipient: rfc822;Hanako@Contoso.onmicrosoft.com',
      'Action: failed',
      'Status: 5.4.1',
      'Diagnostic-Code: smtp;550 5.4.1 Recipient address rejected: Access denied.',
      '',
    ].join('\r\n'),
  )
    .toString('base64')
    .match(/.{1,76}/g)!,
  '',
  '--_000_PN2P287MB0001_',
  'Content-Type: text/rfc822-headers',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'From: noreply@example.jp',
  `Message-ID: =3C${ATTEMPT}@example.jp=3E`,
  'Subject: =3D?UTF-8?B?44GK55+l44KJ44Gb?=3D',
  '',
  '--_000_PN2P287MB0001_--',
);

function dsn(options: {
  action: string;
  status: string;
  recipients?: string[];
  messageId?: string | null;
  envid?: string | null;
}) {
  const recipients = options.recipients ?? ['nobody@example.net'];
  return crlf(
    'From: MAILER-DAEMON@mail.example.jp',
    'Message-ID: <dsn-1@mail.example.jp>',
    'Content-Type: multipart/report; report-type=delivery-status; boundary=B',
    '',
    '--B',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.example.jp',
    ...(options.envid ? [`Original-Envelope-Id: ${options.envid}`] : []),
    '',
    ...recipients.flatMap((r) => [
      `Final-Recipient: rfc822; ${r}`,
      `Action: ${options.action}`,
      `Status: ${options.status}`,
      '',
    ]),
    '--B',
    'Content-Type: text/rfc822-headers',
    '',
    ...(options.messageId === null ? ['Subject: x'] : [`Message-ID: ${options.messageId ?? MESSAGE_ID}`]),
    '',
    '--B--',
  );
}

describe('reading bounces (RFC 3464 delivery status notifications)', () => {
  it('reads a Postfix bounce: undelivered for the attempt named by the envelope ID', () => {
    expect(readBounce(POSTFIX, clock)).toEqual([
      {
        eventId: '<20261123000005.4B1C2E3F@mail.example.jp>:nobody@example.net:failed',
        attemptId: ATTEMPT,
        providerMessageId: MESSAGE_ID,
        status: 'undelivered',
        errorCode: '5.1.1',
        occurredAt: Date.parse('Mon, 23 Nov 2026 09:00:01 +0900'),
      },
    ]);
  });

  it('reads a Gmail bounce: the attempt from the returned Message-ID, the time of the last attempt', () => {
    expect(readBounce(GMAIL, clock)).toEqual([
      expect.objectContaining({
        attemptId: ATTEMPT,
        providerMessageId: MESSAGE_ID,
        status: 'undelivered',
        errorCode: '5.1.1',
        occurredAt: Date.parse('Sun, 22 Nov 2026 16:00:02 -0800'),
      }),
    ]);
  });

  it('reads a Microsoft 365 bounce with a base64 report and quoted-printable headers', () => {
    expect(readBounce(EXCHANGE, clock)).toEqual([
      expect.objectContaining({
        eventId: expect.stringContaining(':hanako@contoso.onmicrosoft.com:failed'),
        attemptId: ATTEMPT,
        status: 'undelivered',
        errorCode: '5.4.1',
      }),
    ]);
  });

  it('reads a bounce whose line ends a relay turned into LF', () => {
    const lf = Buffer.from(POSTFIX.toString('utf8').replace(/\r\n/g, '\n'));
    expect(readBounce(lf, clock)).toMatchObject([{ attemptId: ATTEMPT, status: 'undelivered' }]);
  });

  it('finds a bounce the relay forwarded as an attachment', () => {
    const forwarded = Buffer.concat([
      crlf(
        'From: relay@example.jp',
        'Subject: Fwd: Undelivered Mail Returned to Sender',
        'Content-Type: multipart/mixed; boundary="fwd"',
        '',
        '--fwd',
        'Content-Type: text/plain',
        '',
        'Forwarded bounce.',
        '--fwd',
        'Content-Type: message/rfc822',
        '',
        '',
      ),
      POSTFIX,
      crlf('', '--fwd--', ''),
    ]);
    expect(readBounce(forwarded, clock)).toMatchObject([{ attemptId: ATTEMPT, status: 'undelivered' }]);
  });

  it('reads a report with no closing delimiter (truncated by the relay)', () => {
    const cut = Buffer.from(POSTFIX.toString('utf8').replace(/\r\n--4B1C2E3F[^\r\n]*--\r\n$/, ''));
    expect(readBounce(cut, clock)).toMatchObject([{ attemptId: ATTEMPT }]);
  });

  it('takes failed as final even with a 4.x.x status (the server gave up retrying)', () => {
    expect(readBounce(dsn({ action: 'failed', status: '4.4.7' }), clock)).toMatchObject([
      { status: 'undelivered', errorCode: '4.4.7' },
    ]);
  });

  it('gives no receipt for a delay notice, and delivered for a success notice', () => {
    expect(readBounce(dsn({ action: 'delayed', status: '4.4.1' }), clock)).toEqual([]);
    expect(readBounce(dsn({ action: 'delivered', status: '2.0.0' }), clock)).toMatchObject([
      { status: 'delivered', attemptId: ATTEMPT },
    ]);
  });

  it('gives one receipt per recipient block, each with its own event ID, the same every time', () => {
    const both = dsn({ action: 'failed', status: '5.1.1', recipients: ['a@example.net', 'b@example.net'] });
    const receipts = readBounce(both, clock);
    expect(receipts.map((r) => r.eventId)).toEqual([
      '<dsn-1@mail.example.jp>:a@example.net:failed',
      '<dsn-1@mail.example.jp>:b@example.net:failed',
    ]);
    expect(readBounce(both, clock)).toEqual(receipts);
  });

  it('prefers the envelope ID, and keeps the Message-ID of mail not sent by todoke without an attempt', () => {
    const other = '01JD3M7Q8N5V2K4X6Z9B0C1D2F';
    expect(readBounce(dsn({ action: 'failed', status: '5.1.1', envid: other }), clock)).toMatchObject([
      { attemptId: other, providerMessageId: MESSAGE_ID },
    ]);
    const foreign = readBounce(
      dsn({ action: 'failed', status: '5.1.1', messageId: '<abc.123@example.jp>' }),
      clock,
    );
    expect(foreign).toHaveLength(1);
    expect(foreign[0]).toMatchObject({ providerMessageId: '<abc.123@example.jp>' });
    expect(foreign[0]!.attemptId).toBeUndefined();
  });

  it('gives nothing for a bounce that names no message', () => {
    expect(readBounce(dsn({ action: 'failed', status: '5.1.1', messageId: null }), clock)).toEqual([]);
  });

  it('gives nothing for mail that is not a report (an auto-reply)', () => {
    const autoReply = crlf(
      'From: taro@example.net',
      'Subject: =?UTF-8?B?5LiN5Zyo6YCa55+l?=',
      'Auto-Submitted: auto-replied',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '11月30日まで不在にしております。',
    );
    expect(readBounce(autoReply, clock)).toEqual([]);
  });
});

describe('bounce webhook authentication', () => {
  const account = { webhookToken: TOKEN };
  const call = (rawBody: Buffer, headers: WebhookRequest['headers']): WebhookRequest => ({
    url: 'https://notify.example.co.jp/webhooks/email/email-main',
    headers: { 'content-type': 'message/rfc822', ...headers },
    rawBody,
  });

  it('takes a call signed with the shared secret', () => {
    const result = parseEmailWebhook(
      account.webhookToken,
      call(POSTFIX, { 'x-todoke-signature': bounceSignature(TOKEN, POSTFIX) }),
      clock,
    );
    expect(result).toMatchObject({ ok: true, receipts: [{ attemptId: ATTEMPT }] });
  });

  it('takes the shared secret as a bearer token', () => {
    const result = parseEmailWebhook(TOKEN, call(POSTFIX, { authorization: `Bearer ${TOKEN}` }), clock);
    expect(result).toMatchObject({ ok: true, receipts: [{ status: 'undelivered' }] });
  });

  it('refuses a forged call: a signature made with another secret', () => {
    const forged = call(POSTFIX, {
      'x-todoke-signature': bounceSignature('guessed-secret-0000000000', POSTFIX),
    });
    expect(parseEmailWebhook(TOKEN, forged, clock)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a body altered after signing', () => {
    const signature = bounceSignature(TOKEN, POSTFIX);
    const altered = Buffer.from(POSTFIX.toString('utf8').replace('Action: failed', 'Action: delivered'));
    expect(parseEmailWebhook(TOKEN, call(altered, { 'x-todoke-signature': signature }), clock)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a wrong bearer token, and a call with no credentials', () => {
    expect(parseEmailWebhook(TOKEN, call(POSTFIX, { authorization: 'Bearer nope' }), clock)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(parseEmailWebhook(TOKEN, call(POSTFIX, {}), clock)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses everything when the account has no webhook token', () => {
    expect(parseEmailWebhook(undefined, call(POSTFIX, { authorization: 'Bearer ' }), clock)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      parseEmailWebhook('', call(POSTFIX, { 'x-todoke-signature': bounceSignature('', POSTFIX) }), clock),
    ).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reports a signed body that is not a mail message as malformed', () => {
    const json = Buffer.from('{"event":"bounce"}');
    expect(
      parseEmailWebhook(TOKEN, call(json, { 'x-todoke-signature': bounceSignature(TOKEN, json) }), clock),
    ).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});
