import { getSystemErrorName } from 'node:util';
import type { SendOutcome } from '../../core/outcome.js';
import { clip } from '../http-errors.js';

/**
 * Where in the SMTP exchange an answer came:
 * - connect: TCP, TLS, the greeting, EHLO/HELO, STARTTLS;
 * - auth: AUTH;
 * - envelope: somewhere in MAIL FROM / RCPT TO / DATA when the connection failed without a reply;
 * - mail, rcpt, data: the reply to MAIL FROM, RCPT TO, the DATA command;
 * - message: the reply after the end of the message (the server's "queued"), or its absence.
 */
export type SmtpStage = 'connect' | 'auth' | 'envelope' | 'mail' | 'rcpt' | 'data' | 'message';

/** The server's answer to one send, or what stood in for it when there was none. */
export interface SmtpAnswer {
  stage: SmtpStage;
  /** The reply code (550), or null when the server gave none. */
  reply: number | null;
  /** The enhanced status code of the reply (RFC 3463, e.g. "5.1.1"), or null. */
  enhanced: string | null;
  /** The server's reply, or what went wrong when there was none. */
  text: string;
  /** When the connection failed without a reply: ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ECONNECTION, ETLS, … */
  network: string | null;
}

interface Row {
  /** Which answers the row covers, and why they mean what they mean. */
  readonly answer: string;
  readonly matches: (a: SmtpAnswer) => boolean;
  readonly outcome: (a: SmtpAnswer) => SendOutcome;
}

const is4xx = (a: SmtpAnswer) => a.reply !== null && a.reply >= 400 && a.reply < 500;
const is5xx = (a: SmtpAnswer) => a.reply !== null && a.reply >= 500 && a.reply < 600;
/** 5.1.x: the address is wrong (no such mailbox, no such domain, bad syntax, moved); 5.2.1 disabled; 5.2.2 full for good. */
const addressCode = (a: SmtpAnswer) => a.enhanced !== null && /^5\.(1\.\d+|2\.[12])$/.test(a.enhanced);

/** The classification table: SMTP answer → SendOutcome. First matching row wins. */
export const SMTP_ANSWERS: readonly Row[] = [
  {
    answer:
      '2xx after the end of the message ("250 2.0.0 Ok: queued as …"): the server took it. That is not ' +
      'delivery: a bounce may still come back later (receipts.ts)',
    matches: (a) => a.stage === 'message' && a.reply !== null && a.reply >= 200 && a.reply < 300,
    outcome: () => ({ kind: 'accepted', units: 1 }),
  },
  {
    answer:
      'no reply once the message had been handed over (connection lost, or no "250" within timeoutMs): ' +
      'the server may have queued it, so sending again could deliver twice',
    matches: (a) => a.network !== null && a.stage === 'message',
    outcome: (a) => ({ kind: 'unknown', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'no reply before the message was sent (connection refused, DNS, TLS handshake, timeout or connection ' +
      'lost during the greeting, AUTH or envelope): nothing can have been taken, safe to send again',
    matches: (a) => a.network !== null,
    outcome: (a) => ({ kind: 'retryable', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      '5xx to AUTH (535 5.7.8 bad credentials, 534/538 mechanism or encryption required, 502/504 no AUTH), ' +
      'credentials the server gives no way to use, or 530 authentication required: stop using the account',
    matches: (a) =>
      (a.stage === 'auth' && (a.reply === null || is5xx(a))) || a.reply === 530 || a.reply === 535,
    outcome: (a) => ({ kind: 'circuit', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      '4xx at any stage (421 closing, 450 mailbox busy, 451 local error or greylisting, 452 no storage or ' +
      '4.2.2 mailbox full, 454 temporary failure): not taken now, try again later',
    matches: is4xx,
    outcome: (a) => ({ kind: 'retryable', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'address refused: 5xx to RCPT TO with 5.1.x (no such user 5.1.1, no such domain, bad syntax, moved), ' +
      '5.2.1 disabled or 5.2.2 full for good, or without an enhanced code 550/551/553; the same enhanced ' +
      'codes after the end of the message (servers that check recipients late). 5.4.1 at RCPT TO is how ' +
      'Microsoft 365 refuses a recipient its directory does not know',
    matches: (a) =>
      is5xx(a) &&
      ((a.stage === 'rcpt' &&
        (addressCode(a) ||
          a.enhanced === '5.4.1' ||
          (a.enhanced === null && (a.reply === 550 || a.reply === 551 || a.reply === 553)))) ||
        (a.stage === 'message' && addressCode(a))),
    outcome: (a) => ({ kind: 'unreachable', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'message refused: 5xx to DATA or after the end of the message (552 too large, 554 transaction failed, ' +
      '550/554 5.7.1 content or spam policy); or 552 / 5.3.4 to MAIL FROM (SIZE too large): this message, not ' +
      'the address nor the account',
    matches: (a) =>
      is5xx(a) &&
      (a.stage === 'data' ||
        a.stage === 'message' ||
        (a.stage === 'mail' && (a.reply === 552 || a.enhanced === '5.3.4'))),
    outcome: (a) => ({ kind: 'rejected', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'sender refused: other 5xx to MAIL FROM (5.7.1 sender not allowed, 5.1.8 bad sender domain, quota): ' +
      'every message of this account would be refused the same way',
    matches: (a) => is5xx(a) && a.stage === 'mail',
    outcome: (a) => ({ kind: 'circuit', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'server refuses us: 5xx greeting (554 no service here, our address blocklisted), 5xx to EHLO, or ' +
      'STARTTLS required by the account but refused by the server',
    matches: (a) => is5xx(a) && a.stage === 'connect',
    outcome: (a) => ({ kind: 'circuit', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'other 5xx to RCPT TO (5.7.1 relaying denied or a recipient policy, 5.5.x syntax): this request is ' +
      'refused, the address itself is not known to be wrong',
    matches: (a) => is5xx(a) && a.stage === 'rcpt',
    outcome: (a) => ({ kind: 'rejected', code: code(a), detail: detail(a) }),
  },
];

/** Classifies one SMTP answer; anything no row covers (an unexpected 3xx, a refusal of our own input) is a refusal. */
export function classifySmtpAnswer(answer: SmtpAnswer): SendOutcome {
  for (const row of SMTP_ANSWERS) if (row.matches(answer)) return row.outcome(answer);
  return { kind: 'rejected', code: code(answer), detail: detail(answer) };
}

/** Reads "550 5.1.1 <a@b>: User unknown" (first line of a multi-line reply) into its codes. */
export function parseReply(response: string): { reply: number | null; enhanced: string | null } {
  const match = /^([2-5]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3})(?=\s|$))?/.exec(response.trimStart());
  if (match === null) return { reply: null, enhanced: null };
  return { reply: Number(match[1]), enhanced: match[2] ?? null };
}

/** What nodemailer's SMTP client reports: its own code, the server's reply when there was one, the errno. */
export interface SmtpClientError {
  message?: string;
  code?: string | undefined;
  errno?: number | undefined;
  response?: string | undefined;
  responseCode?: number | undefined;
  command?: string | undefined;
}

/** nodemailer codes that say the client itself refused or gave up without a network failure. */
const CLIENT_SIDE = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE', 'ESTREAM', 'EREQUIRETLS']);

/**
 * Turns an error of nodemailer's SMTP client into an answer. `stage` is where the caller was; the error's own
 * command, when it names one, is more precise.
 */
export function answerFromError(stage: SmtpStage, error: SmtpClientError): SmtpAnswer {
  const response = typeof error.response === 'string' ? error.response.trim() : '';
  const { reply, enhanced } = parseReply(response);
  const exact = stageOfCommand(error) ?? stage;
  if (reply !== null) return { stage: exact, reply, enhanced, text: response, network: null };
  const text = (error.message ?? String(error)).trim();
  if (error.code !== undefined && CLIENT_SIDE.has(error.code))
    return { stage: exact, reply: null, enhanced: null, text, network: null };
  return { stage, reply: null, enhanced: null, text, network: networkCode(error) };
}

function stageOfCommand(error: SmtpClientError): SmtpStage | null {
  const command = (error.command ?? '').toUpperCase();
  if (command.startsWith('AUTH')) return 'auth';
  if (command === 'MAIL FROM') return 'mail';
  if (command === 'RCPT TO') return 'rcpt';
  // nodemailer names both the DATA command and the reply to the message "DATA"; its code tells them apart.
  if (command === 'DATA') return error.code === 'EMESSAGE' ? 'message' : 'data';
  if (['EHLO', 'HELO', 'LHLO', 'STARTTLS'].includes(command)) return 'connect';
  return null;
}

/** The system error behind a socket failure (nodemailer overwrites `code` with its own, keeps `errno`). */
function networkCode(error: SmtpClientError): string {
  if (typeof error.errno === 'number' && error.errno < 0) {
    try {
      return getSystemErrorName(error.errno);
    } catch {
      // Not a system error number.
    }
  }
  return error.code ?? 'network_error';
}

function code(a: SmtpAnswer): string {
  if (a.reply !== null) return `smtp_${a.reply}${a.enhanced !== null ? `_${a.enhanced}` : ''}`;
  return a.network ?? `smtp_${a.stage}`;
}

const STAGE_LABEL: Record<SmtpStage, string> = {
  connect: 'connect',
  auth: 'AUTH',
  envelope: 'envelope',
  mail: 'MAIL FROM',
  rcpt: 'RCPT TO',
  data: 'DATA',
  message: 'end of message',
};

function detail(a: SmtpAnswer): string {
  return clip(`${STAGE_LABEL[a.stage]}: ${a.text === '' ? (a.network ?? 'no reply') : a.text}`);
}
