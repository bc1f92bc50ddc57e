import type { SendOutcome } from '../../core/outcome.js';
import { clip } from '../http-errors.js';

/**
 * LINE's answer to one send request. `api` says which endpoint answered: notification messages (`pnp`: flexible
 * `POST /bot/pnp/push` and template `POST /v2/bot/message/pnp/templated/push`) or push to a user ID (`push`:
 * `POST /v2/bot/message/push`), whose answers mean different things.
 */
export interface LineAnswer {
  api: 'pnp' | 'push';
  status: number;
  /** `message` of the error body `{"message": …, "details": [{"message", "property"}]}`, details appended. */
  message: string;
  /** `details[].property` of the error body: which request fields LINE objected to. */
  properties?: readonly string[];
  /** `x-line-request-id` of the answer. */
  requestId?: string;
  /** `x-line-accepted-request-id` of a 409: the request that was accepted earlier with the same retry key. */
  acceptedRequestId?: string;
}

interface Row {
  /** Which answers the row covers, and why they mean what they mean (LINE docs, DESIGN §1). */
  readonly answer: string;
  readonly matches: (a: LineAnswer) => boolean;
  readonly outcome: (a: LineAnswer) => SendOutcome;
}

/** LINE says this, word for word, when the channel's monthly message quota is used up. */
const MONTHLY_LIMIT = /monthly limit/i;
/** A push to a user ID that is not one of the channel's users: the ID is wrong, or from another provider. */
const NO_SUCH_USER = /^Failed to send messages|property, 'to', in the request body is invalid/i;

/**
 * The classification table: LINE answer → SendOutcome. First matching row wins.
 * LINE sends no Retry-After, so throttled outcomes carry none.
 */
export const LINE_ANSWERS: readonly Row[] = [
  {
    answer:
      'notification message 200 {} (flexible) / 202 {} (template): taken. Not delivered yet: only the delivery ' +
      'event says that, and it never comes for a user who blocked the account',
    matches: (a) => a.api === 'pnp' && a.status >= 200 && a.status < 300,
    outcome: () => ({ kind: 'accepted' }),
  },
  {
    answer:
      'push 200 {"sentMessages": […]}: LINE took the message for the user’s chat. Push has no delivery event, so ' +
      'this is all LINE ever says: delivered (a user who blocked the account gets nothing, and LINE still ' +
      'answers 200; their unfollow event suppresses later pushes)',
    matches: (a) => a.api === 'push' && a.status >= 200 && a.status < 300,
    outcome: (a) => delivered(a.requestId),
  },
  {
    answer:
      'push 409 with x-line-accepted-request-id: a request with the same X-Line-Retry-Key was accepted earlier ' +
      '(a resend after a timeout): the same as its 200, and nothing was sent twice',
    matches: (a) => a.api === 'push' && a.status === 409,
    outcome: (a) => delivered(a.acceptedRequestId),
  },
  {
    answer:
      'notification message 422 "Failed to send messages": no LINE user with that number, number not issued in ' +
      'JP/TH/TW, user refused notification messages or has not accepted the privacy policy: fall back at once',
    matches: (a) => a.api === 'pnp' && a.status === 422,
    outcome: (a) => ({ kind: 'unreachable', code: 'line_unreachable', detail: detail(a) }),
  },
  {
    answer:
      'push 400 about `to` ("Failed to send messages", "The property, \'to\', … is invalid"): the user ID is no ' +
      'user of this channel’s provider: the person cannot be reached by push with it, fall back at once',
    matches: (a) =>
      a.api === 'push' &&
      a.status === 400 &&
      ((a.properties ?? []).includes('to') || NO_SUCH_USER.test(a.message)),
    outcome: (a) => ({ kind: 'unreachable', code: 'line_invalid_user', detail: detail(a) }),
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
    answer:
      '401 invalid/expired channel access token, 403 channel (or plan) not allowed to use this API: stop using ' +
      'the account',
    matches: (a) => a.status === 401 || a.status === 403,
    outcome: (a) => ({ kind: 'circuit', code: 'line_auth_failed', detail: detail(a) }),
  },
  {
    answer:
      '400 the request itself is wrong (message object, text too long, template field, bad hash): same again ' +
      'fails again',
    matches: (a) => a.status === 400,
    outcome: (a) => ({ kind: 'rejected', code: 'line_bad_request', detail: detail(a) }),
  },
  {
    answer:
      '502/504 from a gateway in front of LINE: the request may have reached LINE; notification messages have no ' +
      'retry key, so a resend could deliver twice: unknown, settled by the delivery event or the wait (a push is ' +
      'resent once with its retry key before it comes to this)',
    matches: (a) => a.status === 502 || a.status === 504,
    outcome: (a) => ({ kind: 'unknown', code: 'line_gateway_error', detail: detail(a) }),
  },
  {
    answer: '500/503 and other 5xx: LINE failed the request without taking it, try again later',
    matches: (a) => a.status >= 500 && a.status < 600,
    outcome: (a) => ({ kind: 'retryable', code: 'line_server_error', detail: detail(a) }),
  },
];

/** Classifies one LINE answer; a status no row covers (404, a 409 from PNP, 3xx, …) is a refusal of this request. */
export function classifyLineAnswer(answer: LineAnswer): SendOutcome {
  for (const row of LINE_ANSWERS) if (row.matches(answer)) return row.outcome(answer);
  return { kind: 'rejected', code: `line_http_${answer.status}`, detail: detail(answer) };
}

/** Reads LINE's error body `{"message": "…", "details": [{"message", "property"}]}`; other bodies stay raw text. */
export function readLineError(body: string): { message: string; properties: string[] } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      parsed !== null &&
      typeof parsed === 'object' &&
      typeof (parsed as { message?: unknown }).message === 'string'
    ) {
      const { message, details } = parsed as { message: string; details?: unknown };
      if (!Array.isArray(details) || details.length === 0) return { message, properties: [] };
      const properties: string[] = [];
      const parts = details.map((d: { message?: unknown; property?: unknown }) => {
        if (typeof d?.property === 'string') properties.push(d.property);
        return [d?.property, d?.message].filter((p) => typeof p === 'string').join(': ');
      });
      return { message: `${message} (${parts.join('; ')})`, properties };
    }
  } catch {
    // Not JSON (a proxy's HTML error page, an empty body): keep the raw text.
  }
  return { message: body, properties: [] };
}

/** LINE's error body as one line of text. */
export function lineErrorMessage(body: string): string {
  return readLineError(body).message;
}

function delivered(providerMessageId: string | undefined): SendOutcome {
  return providerMessageId === undefined || providerMessageId === ''
    ? { kind: 'delivered', units: 1 }
    : { kind: 'delivered', providerMessageId, units: 1 };
}

function detail(a: LineAnswer): string {
  return clip(a.message === '' ? `HTTP ${a.status}` : `HTTP ${a.status}: ${a.message}`);
}

/**
 * The outcome of a push sent twice with the same retry key because the first try's outcome was unknown (no
 * answer, a gateway error). LINE checks the key before taking a message, so the second answer settles the first:
 * 200 or 409 means LINE has it exactly once; 400 means neither try was taken. Any other answer (throttled, 5xx,
 * no answer again, refused credentials, which LINE may check before the key) leaves the first try unknown.
 */
export function settleResend(
  first: Extract<SendOutcome, { kind: 'unknown' }>,
  second: SendOutcome,
): SendOutcome {
  if (second.kind === 'delivered' || second.kind === 'rejected' || second.kind === 'unreachable')
    return second;
  const again =
    second.kind === 'accepted' ? 'accepted' : `${second.code}${second.detail ? ` ${second.detail}` : ''}`;
  return {
    kind: 'unknown',
    code: first.code,
    detail: clip(`${first.detail ?? first.code}; resent with the same retry key: ${again}`),
  };
}
