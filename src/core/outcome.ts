/**
 * What a provider's answer to one send request means for todoke, independent of the provider.
 * Each provider's errors.ts maps its responses onto these kinds; the route policy decides what follows.
 */
export type SendOutcome =
  /** The provider took the request; delivery is known only from a receipt (LINE 200/202, Twilio 201). */
  | { kind: 'accepted'; providerMessageId?: string; units?: number }
  /** The provider confirmed delivery in its answer. */
  | { kind: 'delivered'; providerMessageId?: string; units?: number }
  /** The person definitely cannot be reached on this channel now (LINE 422, Twilio 21211/21614/21610): next step at once. */
  | { kind: 'unreachable'; code: string; detail?: string }
  /** This provider refuses this request for good (malformed, content refused): next account or next step, no retry. */
  | { kind: 'rejected'; code: string; detail?: string }
  /** A transient failure before the provider took the request (5xx, connection refused): retry with backoff. */
  | { kind: 'retryable'; code: string; detail?: string; retryAfterMs?: number }
  /** Rate limited: wait and try again without using up the retry budget. */
  | { kind: 'throttled'; code: string; detail?: string; retryAfterMs?: number }
  /** The account cannot be used for a while (monthly limit, bad credentials): open its circuit, fail over. */
  | { kind: 'circuit'; code: string; detail?: string; reopenAt?: 'month_end_jst' | number }
  /** The request may or may not have been taken (timeout after sending): never resend blindly. */
  | { kind: 'unknown'; code: string; detail?: string };

export type SendOutcomeKind = SendOutcome['kind'];
