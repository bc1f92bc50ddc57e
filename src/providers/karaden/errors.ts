import type { SendOutcome } from '../../core/outcome.js';
import { clip } from '../http-errors.js';

/**
 * Karaden's answer to one メッセージ送信 request: the HTTP status and, when the body has the documented shape
 * `{"object":"error","code":…,"message":…,"errors":{"to":[…]}|null}`, its code, message and the fields it names.
 */
export interface KaradenAnswer {
  status: number;
  /** `unauthentication`, `invalid_tenant`, `model_not_found`, `validation_error`, `unknown`, …; null without one. */
  code: string | null;
  message: string;
  /** Fields named in `errors` (validation errors), e.g. `["to"]`. */
  fields: readonly string[];
  /** From the Retry-After header, when Karaden sent one. */
  retryAfterMs?: number;
}

interface Row {
  /** Which answers the row covers, and why they mean what they mean. */
  readonly answer: string;
  readonly matches: (a: KaradenAnswer) => boolean;
  readonly outcome: (a: KaradenAnswer) => SendOutcome;
}

/** The classification table: Karaden answer → SendOutcome. First matching row wins. */
export const KARADEN_ANSWERS: readonly Row[] = [
  {
    answer: '200 with the Message (status "waiting"): taken; the result comes later in the service callback',
    matches: (a) => a.status >= 200 && a.status < 300,
    outcome: () => ({ kind: 'accepted' }),
  },
  {
    answer:
      '422 validation_error naming `to`: not a number Karaden can text (invalid, not an 11-digit mobile number)',
    matches: (a) => a.status === 422 && a.fields.includes('to'),
    outcome: (a) => ({ kind: 'unreachable', code: 'karaden_invalid_to', detail: detail(a) }),
  },
  {
    answer: '429 too many requests: not taken, safe to send again after backing off',
    matches: (a) => a.status === 429,
    outcome: (a) => ({ kind: 'throttled', code: code(a), detail: detail(a), retryAfterMs: a.retryAfterMs }),
  },
  {
    answer:
      '401 unauthentication (token unusable), 403, 400 invalid_tenant, 404 model_not_found (the token cannot use the ' +
      'tenant): every request of the account would fail the same way, so stop using it',
    matches: (a) =>
      a.status === 401 ||
      a.status === 403 ||
      (a.status === 400 && a.code === 'invalid_tenant') ||
      (a.status === 404 && a.code === 'model_not_found'),
    outcome: (a) => ({ kind: 'circuit', code: code(a), detail: detail(a) }),
  },
  {
    answer: '422 validation_error naming `service_id`: the configured service does not exist for this tenant',
    matches: (a) => a.status === 422 && a.fields.includes('service_id'),
    outcome: (a) => ({ kind: 'circuit', code: 'karaden_invalid_service', detail: detail(a) }),
  },
  {
    answer: 'other 4xx (body too long, invalid_version, bad dates, …): this request is refused for good',
    matches: (a) => a.status >= 400 && a.status < 500,
    outcome: (a) => ({ kind: 'rejected', code: code(a), detail: detail(a) }),
  },
  {
    answer: '5xx (`unknown` error, a proxy down): the message was not taken, try again later',
    matches: (a) => a.status >= 500 && a.status < 600,
    outcome: (a) => ({ kind: 'retryable', code: code(a), detail: detail(a), retryAfterMs: a.retryAfterMs }),
  },
];

/** Classifies one Karaden answer; a status no row covers (1xx, 3xx) is a refusal of this request. */
export function classifyKaradenAnswer(answer: KaradenAnswer): SendOutcome {
  for (const row of KARADEN_ANSWERS) if (row.matches(answer)) return row.outcome(answer);
  return { kind: 'rejected', code: code(answer), detail: detail(answer) };
}

/** Reads Karaden's error body; a body of another shape leaves code null and keeps the raw text. */
export function parseKaradenError(body: string): Pick<KaradenAnswer, 'code' | 'message' | 'fields'> {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown; errors?: unknown } | null;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const errors = parsed.errors;
      const fields =
        errors !== null && typeof errors === 'object' && !Array.isArray(errors) ? Object.keys(errors) : [];
      const details = fields.flatMap((f) => {
        const list = (errors as Record<string, unknown>)[f];
        return Array.isArray(list) ? list.map((m) => `${f}: ${String(m)}`) : [];
      });
      const message = typeof parsed.message === 'string' ? parsed.message : body;
      return {
        code: typeof parsed.code === 'string' ? parsed.code : null,
        message: details.length > 0 ? `${message} (${details.join('; ')})` : message,
        fields,
      };
    }
  } catch {
    // Not JSON: a proxy's error page or an empty body.
  }
  return { code: null, message: body, fields: [] };
}

function code(a: KaradenAnswer): string {
  return a.code !== null ? `karaden_${a.code}` : `karaden_http_${a.status}`;
}

function detail(a: KaradenAnswer): string {
  return clip(a.message === '' ? `HTTP ${a.status}` : `HTTP ${a.status}: ${a.message}`);
}
