import type { SendOutcome } from '../../core/outcome.js';
import { clip } from '../http-errors.js';

/** Twilio's answer to one Create Message request: status, and `code`/`message` of its error body when present. */
export interface TwilioAnswer {
  status: number;
  /** Twilio error code from `{"code": 21211, "message": …, "more_info": …, "status": 400}`. */
  code: number | null;
  message: string;
  /** From the Retry-After header, when Twilio sent one. */
  retryAfterMs?: number;
}

/**
 * Error codes that mean this person cannot get an SMS this way now (twilio.com/docs/api/errors/<code>):
 * the next step of the route should go at once, and resending the same request would fail the same way.
 */
export const TWILIO_UNREACHABLE_CODES: Readonly<Record<number, string>> = {
  21211: "invalid 'To' phone number: not a valid phone number",
  21614: "'To' number is not a valid mobile number: a landline, or a number that cannot receive SMS",
  21610: 'recipient replied STOP (or another opt-out keyword): unsubscribed from this sender until START',
  21612:
    "'To'/'From' combination cannot be routed: sender restrictions or no connectivity to the destination",
  21408: "sending to the region of the 'To' number is not enabled for this account (geo permissions)",
};

interface Row {
  /** Which answers the row covers, and why they mean what they mean. */
  readonly answer: string;
  readonly matches: (a: TwilioAnswer) => boolean;
  readonly outcome: (a: TwilioAnswer) => SendOutcome;
}

/** The classification table: Twilio answer → SendOutcome. First matching row wins. */
export const TWILIO_ANSWERS: readonly Row[] = [
  {
    answer: '201 Created (status "queued"/"accepted"): taken; delivery comes later in a status callback',
    matches: (a) => a.status >= 200 && a.status < 300,
    outcome: () => ({ kind: 'accepted' }),
  },
  {
    answer:
      '400 with 21211, 21614, 21610, 21612 or 21408: the number cannot be reached by SMS through Twilio',
    matches: (a) => a.code !== null && a.code in TWILIO_UNREACHABLE_CODES,
    outcome: (a) => ({ kind: 'unreachable', code: `twilio_${a.code}`, detail: detail(a) }),
  },
  {
    answer: '429 / 20429 too many concurrent requests: never processed, safe to send again after backing off',
    matches: (a) => a.status === 429 || a.code === 20429,
    outcome: (a) => ({ kind: 'throttled', code: code(a), detail: detail(a), retryAfterMs: a.retryAfterMs }),
  },
  {
    answer:
      '401 / 20003 wrong Account SID or Auth Token, 403 account suspended or closed: stop using the account',
    matches: (a) => a.status === 401 || a.status === 403 || a.code === 20003,
    outcome: (a) => ({ kind: 'circuit', code: code(a), detail: detail(a) }),
  },
  {
    answer:
      'other 4xx (bad From, body too long, invalid StatusCallback, …): this request is refused for good',
    matches: (a) => a.status >= 400 && a.status < 500,
    outcome: (a) => ({ kind: 'rejected', code: code(a), detail: detail(a) }),
  },
  {
    answer: '5xx Twilio platform error: the message was not created, try again later',
    matches: (a) => a.status >= 500 && a.status < 600,
    outcome: (a) => ({ kind: 'retryable', code: code(a), detail: detail(a), retryAfterMs: a.retryAfterMs }),
  },
];

/** Classifies one Twilio answer; a status no row covers (1xx, 3xx) is a refusal of this request. */
export function classifyTwilioAnswer(answer: TwilioAnswer): SendOutcome {
  for (const row of TWILIO_ANSWERS) if (row.matches(answer)) return row.outcome(answer);
  return { kind: 'rejected', code: code(answer), detail: detail(answer) };
}

/** Reads Twilio's error body; a body that is not that shape leaves code null and keeps the raw text. */
export function parseTwilioError(body: string): { code: number | null; message: string } {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown } | null;
    if (parsed !== null && typeof parsed === 'object') {
      const code = typeof parsed.code === 'number' ? parsed.code : null;
      const message = typeof parsed.message === 'string' ? parsed.message : body;
      return { code, message };
    }
  } catch {
    // Not JSON: a proxy's error page or an empty body.
  }
  return { code: null, message: body };
}

function code(a: TwilioAnswer): string {
  return a.code !== null ? `twilio_${a.code}` : `twilio_http_${a.status}`;
}

function detail(a: TwilioAnswer): string {
  return clip(a.message === '' ? `HTTP ${a.status}` : `HTTP ${a.status}: ${a.message}`);
}
