import type { SendOutcome } from '../../core/outcome.js';
import { clip } from '../http-errors.js';

/** LINE's answer to one notification-message request: the status and the `message` of its error body. */
export interface LineAnswer {
  status: number;
  /** `message` from `{"message": …, "details": […]}`, or the raw body when it is not that shape. */
  message: string;
}

interface Row {
  /** Which answers the row covers, and why they mean what they mean (LINE docs, DESIGN §1). */
  readonly answer: string;
  readonly matches: (a: LineAnswer) => boolean;
  readonly outcome: (a: LineAnswer) => SendOutcome;
}

/** LINE says this, word for word, when the channel's monthly message quota is used up. */
const MONTHLY_LIMIT = /monthly limit/i;

/**
 * The classification table: LINE answer → SendOutcome. First matching row wins.
 * LINE sends no Retry-After, so throttled outcomes carry none.
 */
export const LINE_ANSWERS: readonly Row[] = [
  {
    answer:
      '200 {} (flexible) / 202 {} (template): taken. Not delivered yet: only the delivery event says that',
    matches: (a) => a.status >= 200 && a.status < 300,
    outcome: () => ({ kind: 'accepted' }),
  },
  {
    answer:
      '422 "Failed to send messages": no LINE user with that number, number not issued in JP/TH/TW, ' +
      'user refused notification messages or has not accepted the privacy policy: fall back at once',
    matches: (a) => a.status === 422,
    outcome: (a) => ({ kind: 'unreachable', code: 'line_unreachable', detail: detail(a) }),
  },
  {
    answer:
      '429 "You have reached your monthly limit.": no more messages on this channel until the month resets',
    matches: (a) => a.status === 429 && MONTHLY_LIMIT.test(a.message),
    outcome: (a) => ({
      kind: 'circuit',
      code: 'line_monthly_limit',
      detail: detail(a),
      reopenAt: 'month_end_jst',
    }),
  },
  {
    answer: '429 any other message: rate limit (2,000 requests/s per channel per endpoint) exceeded',
    matches: (a) => a.status === 429,
    outcome: (a) => ({ kind: 'throttled', code: 'line_rate_limited', detail: detail(a) }),
  },
  {
    answer: '401 invalid/expired channel access token, 403 channel not allowed to send notification messages',
    matches: (a) => a.status === 401 || a.status === 403,
    outcome: (a) => ({ kind: 'circuit', code: 'line_auth_failed', detail: detail(a) }),
  },
  {
    answer:
      '400 the request itself is wrong (message object, text too long, bad hash): same again fails again',
    matches: (a) => a.status === 400,
    outcome: (a) => ({ kind: 'rejected', code: 'line_bad_request', detail: detail(a) }),
  },
  {
    answer:
      '502/504 from a gateway in front of LINE: the request may have reached LINE, and notification messages ' +
      'have no retry key, so a resend could deliver twice: unknown, settled by the delivery event or the wait',
    matches: (a) => a.status === 502 || a.status === 504,
    outcome: (a) => ({ kind: 'unknown', code: 'line_gateway_error', detail: detail(a) }),
  },
  {
    answer: '500/503 and other 5xx: LINE failed the request without taking it, try again later',
    matches: (a) => a.status >= 500 && a.status < 600,
    outcome: (a) => ({ kind: 'retryable', code: 'line_server_error', detail: detail(a) }),
  },
];

/** Classifies one LINE answer; a status no row covers (404, 409, 3xx, …) is a refusal of this request. */
export function classifyLineAnswer(answer: LineAnswer): SendOutcome {
  for (const row of LINE_ANSWERS) if (row.matches(answer)) return row.outcome(answer);
  return { kind: 'rejected', code: `line_http_${answer.status}`, detail: detail(answer) };
}

/** Reads LINE's error body `{"message": "…", "details": [{"message", "property"}]}` into one line of text. */
export function lineErrorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      parsed !== null &&
      typeof parsed === 'object' &&
      typeof (parsed as { message?: unknown }).message === 'string'
    ) {
      const { message, details } = parsed as { message: string; details?: unknown };
      if (!Array.isArray(details) || details.length === 0) return message;
      const parts = details.map((d: { message?: unknown; property?: unknown }) =>
        [d?.property, d?.message].filter((p) => typeof p === 'string').join(': '),
      );
      return `${message} (${parts.join('; ')})`;
    }
  } catch {
    // Not JSON (a proxy's HTML error page, an empty body): keep the raw text.
  }
  return body;
}

function detail(a: LineAnswer): string {
  return clip(a.message === '' ? `HTTP ${a.status}` : `HTTP ${a.status}: ${a.message}`);
}
