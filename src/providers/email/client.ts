import type SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { SendOutcome } from '../../core/outcome.js';
import type { AccountBase, ProviderClient, SendRequest } from '../provider.js';
import { composeMail } from './compose.js';
import { classifySmtpAnswer } from './errors.js';
import { SmtpPool } from './smtp-pool.js';

/** How STARTTLS is used on `smtp://`: required (never send without TLS), opportunistic (when offered), never. */
export const STARTTLS_MODES = ['required', 'opportunistic', 'never'] as const;
export type StarttlsMode = (typeof STARTTLS_MODES)[number];

/**
 * An SMTP submission account. `baseUrl` is the server: `smtp://host:port` (port 587 when left out; STARTTLS as
 * `starttls` says) or `smtps://host:port` (TLS from the first byte, port 465 when left out).
 */
export interface EmailAccount extends AccountBase {
  /** Header From address, also the envelope sender unless `returnPath` is set. */
  from: string;
  /** Display name shown with From, e.g. 「届け 通知センター」. */
  fromName?: string;
  replyTo?: string;
  /** Envelope sender (MAIL FROM): the mailbox bounces go to, e.g. one read by the inbound relay. */
  returnPath?: string;
  /** SMTP AUTH user and password; both or neither. */
  user?: string;
  password?: string;
  /** Default: required when a password is set (it must never cross the network in clear), else opportunistic. */
  starttls?: StarttlsMode;
  /** Name given in EHLO; default the machine's host name. */
  heloName?: string;
  /** Shared secret of the bounce webhook (receipts.ts). Without it, bounces are refused. */
  webhookToken?: string;
}

/** Messages per connection before a new one: common server limits sit at 100. */
const MESSAGES_PER_CONNECTION = 100;

/** Host, port and TLS mode of `smtp://host:port` or `smtps://host:port`. */
export function smtpServerOf(baseUrl: string): { host: string; port: number; secure: boolean } {
  const url = new URL(baseUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new TypeError(
      `baseUrl は smtp:// か smtps:// で始めてください / baseUrl must be smtp://host:port or smtps://host:port, got ${url.protocol}//`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(
      'baseUrl に認証情報を入れず user と password を使ってください / put credentials in user and password, not in baseUrl',
    );
  }
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port === '' ? (secure ? 465 : 587) : Number(url.port), secure };
}

/**
 * Sends plain-text e-mail over SMTP, one recipient per message, on a pool of up to `concurrency` connections.
 * The Message-ID carries the attempt ID (`<attemptId@from-domain>`) and so does the DSN envelope ID, so a
 * bounce that comes back days later still finds its attempt.
 */
export function createEmailClient(account: EmailAccount): ProviderClient {
  const server = smtpServerOf(account.baseUrl);
  const starttls = account.starttls ?? (account.password ? 'required' : 'opportunistic');
  const connection: SMTPConnection.Options = {
    host: server.host,
    port: server.port,
    secure: server.secure,
    ...(starttls === 'required' ? { requireTLS: true } : starttls === 'never' ? { ignoreTLS: true } : {}),
    ...(account.heloName ? { name: account.heloName } : {}),
    tls: { minVersion: 'TLSv1.2' },
    connectionTimeout: account.timeoutMs,
    greetingTimeout: account.timeoutMs,
    socketTimeout: account.timeoutMs,
    dnsTimeout: account.timeoutMs,
    logger: false,
  };
  const pool = new SmtpPool({
    connection,
    credentials: account.user ? { user: account.user, pass: account.password ?? '' } : null,
    maxConnections: account.concurrency,
    maxMessagesPerConnection: MESSAGES_PER_CONNECTION,
  });

  async function send(request: SendRequest): Promise<SendOutcome> {
    const to = request.email?.trim() ?? '';
    if (to === '')
      return { kind: 'unreachable', code: 'email_no_address', detail: 'e-mail needs an address' };
    if (!looksLikeMailbox(to)) {
      return { kind: 'unreachable', code: 'email_invalid_address', detail: 'not an e-mail address' };
    }
    const mail = await composeMail({
      attemptId: request.attemptId,
      from: account.from,
      fromName: account.fromName,
      replyTo: account.replyTo,
      returnPath: account.returnPath,
      to,
      subject: request.subject,
      text: request.text,
    });
    const result = await pool.send(
      {
        ...mail.envelope,
        // RFC 3461: the attempt as envelope ID, headers only in the bounce, bounces for failures and delays.
        dsn: { envid: request.attemptId, ret: 'HDRS', notify: ['FAILURE', 'DELAY'], orcpt: `rfc822;${to}` },
      },
      mail.raw,
      request.onWritten,
    );
    // nodemailer reports success only for a 2xx after the end of the message: the server took it.
    if (result.ok) return { kind: 'accepted', providerMessageId: mail.messageId, units: 1 };
    return classifySmtpAnswer(result.answer);
  }

  return {
    send,
    close: () => pool.close(),
  };
}

/**
 * One address, structurally: local part, one @, a domain with a dot; no spaces, controls or angle brackets.
 * Deliberately lenient on the local part: Japanese mobile carriers issued addresses such as `taro..x.@docomo.ne.jp`
 * that break RFC 5322 yet receive mail.
 */
export function looksLikeMailbox(address: string): boolean {
  return /^[^\s<>@",;:\\()[\]\p{Cc}]+@[^\s<>@",;:\\()[\]\p{Cc}]+\.[^\s<>@",;:\\()[\]\p{Cc}.]+$/u.test(
    address,
  );
}
