import type { SendOutcome } from '../../core/outcome.js';
import { clip } from '../http-errors.js';

/**
 * Vonage's answer to one Send an SMS request. The SMS API answers 200 even when it refuses: each message part
 * has its own `status` ("0" sent, anything else an error code, see the spec's x-errors), so the HTTP status
 * matters only when something in front of the API answered.
 */
export interface VonageAnswer {
  httpStatus: number;
  /** False when a 2xx body could not be read as `{"message-count", "messages": [...]}`. */
  readable: boolean;
  /** "0" when every part was sent, else the status of the first part that was not; null without a body. */
  status: string | null;
  errorText: string;
  /** The first part's message-id: what its delivery receipt carries as messageId. */
  messageId?: string;
  /** Parts the message was split into, each billed: `message-count`. */
  messageCount?: number;
  /** From the Retry-After header, when one was sent. */
  retryAfterMs?: number;
}

/** Statuses that mean this number cannot get an SMS through Vonage (x-errors 7 Number Barred, 33 De-activated). */
const UNREACHABLE_STATUSES: ReadonlySet<string> = new Set(['7', '33']);
/** 3 Invalid Parameters and 6 Invalid Message say *which* value was wrong; when it is the number, it is unreachable. */
const ABOUT_THE_NUMBER = /\bto\b|number|prefix|msisdn|destination/i;

interface Row {
  /** Which answers the row covers, and why they mean what they mean. */
  readonly answer: string;
  readonly matches: (a: VonageAnswer) => boolean;
  readonly outcome: (a: VonageAnswer) => SendOutcome;
}

const ok = (a: VonageAnswer) => a.httpStatus >= 200 && a.httpStatus < 300;

/** The classification table: Vonage answer → SendOutcome. First matching row wins. */
export const VONAGE_ANSWERS: readonly Row[] = [
  {
    answer: '200 with status "0" for every part: queued; delivery comes later in a delivery receipt per part',
    matches: (a) => ok(a) && a.status === '0',
    outcome: (a) => {
      const accepted: Extract<SendOutcome, { kind: 'accepted' }> = { kind: 'accepted' };
      if (a.messageId !== undefined) accepted.providerMessageId = a.messageId;
      if (a.messageCount !== undefined) accepted.units = a.messageCount;
      return accepted;
    },
  },
  {
    answer:
      '200 whose body cannot be read: Vonage may or may not have queued the message, never resend blindly',
    matches: (a) => ok(a) && !a.readable,
    outcome: (a) => ({ kind: 'unknown', code: 'vonage_unreadable_answer', detail: detail(a) }),
  },
  {
    answer:
      'status 1 Throttled, 10 Too Many Existing Binds, HTTP 429: not sent, send again after backing off',
    matches: (a) => a.status === '1' || a.status === '10' || a.httpStatus === 429,
    outcome: (a) => ({ kind: 'throttled', code: code(a), detail: detail(a), retryAfterMs: a.retryAfterMs }),
  },
  {
    answer:
      'status 7 Number Barred, 33 Number De-activated, or 3 Invalid Parameters / 6 Invalid Message about the `to` ' +
      'number (invalid address, unrecognised prefix): this person cannot be texted this way',
    matches: (a) =>
      a.status !== null &&
      (UNREACHABLE_STATUSES.has(a.status) ||
        ((a.status === '3' || a.status === '6') && ABOUT_THE_NUMBER.test(a.errorText))),
    outcome: (a) => ({ kind: 'unreachable', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'status 4 Invalid Credentials, 8 Partner Account Barred, 9 Partner Quota Violation (no credit), 11 Account ' +
      'Not Enabled For HTTP, 14 Invalid Signature, HTTP 401/403: every message of the account would fail, stop using it',
    matches: (a) =>
      ['4', '8', '9', '11', '14'].includes(a.status ?? '') || a.httpStatus === 401 || a.httpStatus === 403,
    outcome: (a) => ({ kind: 'circuit', code: code(a), detail: detail(a) }),
  },
  {
    answer: 'status 5 Internal Error, HTTP 5xx: not sent, try again later',
    matches: (a) => a.status === '5' || (a.httpStatus >= 500 && a.httpStatus < 600),
    outcome: (a) => ({ kind: 'retryable', code: code(a), detail: detail(a), retryAfterMs: a.retryAfterMs }),
  },
  {
    answer:
      'any other status (2 Missing Parameters, 12 Message Too Long, 15 Invalid Sender Address, 23 Invalid Callback ' +
      'Url, 29 Non-Whitelisted Destination, …) and other 4xx: this request is refused for good',
    matches: (a) => (ok(a) && a.status !== null) || (a.httpStatus >= 400 && a.httpStatus < 500),
    outcome: (a) => ({ kind: 'rejected', code: code(a), detail: detail(a) }),
  },
];

/** Classifies one Vonage answer; an answer no row covers (1xx, 3xx) is a refusal of this request. */
export function classifyVonageAnswer(answer: VonageAnswer): SendOutcome {
  for (const row of VONAGE_ANSWERS) if (row.matches(answer)) return row.outcome(answer);
  return { kind: 'rejected', code: code(answer), detail: detail(answer) };
}

interface SmsResponse {
  'message-count'?: unknown;
  messages?: { status?: unknown; 'error-text'?: unknown; 'message-id'?: unknown }[];
}

/** Reads the SMS API's JSON answer (`{"message-count":"1","messages":[{"status":"0",…}]}`), or what there is. */
export function readVonageAnswer(httpStatus: number, body: string): VonageAnswer {
  let parsed: SmsResponse | null = null;
  try {
    parsed = JSON.parse(body) as SmsResponse | null;
  } catch {
    // Not JSON: a proxy's error page, an empty or broken body.
  }
  const messages = parsed !== null && typeof parsed === 'object' ? parsed.messages : undefined;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { httpStatus, readable: false, status: null, errorText: body };
  }
  const failed = messages.find((m) => String(m?.status ?? '') !== '0');
  const answer: VonageAnswer = {
    httpStatus,
    readable: true,
    status: failed === undefined ? '0' : String(failed?.status ?? ''),
    errorText: typeof failed?.['error-text'] === 'string' ? failed['error-text'] : '',
  };
  const messageId = messages[0]?.['message-id'];
  if (typeof messageId === 'string') answer.messageId = messageId;
  const count = Number(parsed!['message-count'] ?? messages.length);
  if (Number.isInteger(count) && count > 0) answer.messageCount = count;
  return answer;
}

function code(a: VonageAnswer): string {
  return a.status !== null && a.status !== '' ? `vonage_${a.status}` : `vonage_http_${a.httpStatus}`;
}

function detail(a: VonageAnswer): string {
  const what = a.status !== null && a.status !== '' ? `status ${a.status}` : `HTTP ${a.httpStatus}`;
  return clip(a.errorText === '' ? what : `${what}: ${a.errorText}`);
}
