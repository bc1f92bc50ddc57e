/**
 * Attempt lifecycle (DESIGN §2). One attempt is one try on one channel through one provider account.
 *
 * - pending:     planned, no request made yet; safe to drop or redo.
 * - sending:     recorded on disk just before the request; after a crash it means "outcome unknown".
 * - accepted:    the provider took the request; waiting for a receipt.
 * - unknown:     the request may have been taken (timeout after sending, crash mid-request); never resent
 *                blindly, a receipt can still settle it.
 * Final for the route (a receipt may still turn them into `delivered`, recorded as a late delivery):
 * - unconfirmed: accepted (or unknown) but no receipt arrived by the step's deadline.
 * Final:
 * - delivered:   the provider confirmed delivery.
 * - undelivered: the provider said the person was not reached (LINE 422, SMS undelivered receipt).
 * - failed:      the request failed for good without reaching anyone (rejected, retries used up, circuit open).
 */
export const ATTEMPT_STATUSES = [
  'pending',
  'sending',
  'accepted',
  'unknown',
  'unconfirmed',
  'delivered',
  'undelivered',
  'failed',
] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

const ALLOWED: Record<AttemptStatus, readonly AttemptStatus[]> = {
  pending: ['sending', 'failed'],
  sending: ['accepted', 'unknown', 'delivered', 'undelivered', 'failed'],
  accepted: ['delivered', 'undelivered', 'unconfirmed', 'failed'],
  unknown: ['accepted', 'delivered', 'undelivered', 'unconfirmed', 'failed'],
  unconfirmed: ['delivered', 'undelivered'],
  delivered: [],
  undelivered: [],
  failed: [],
};

export function canAttemptTransition(from: AttemptStatus, to: AttemptStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The states an attempt may be in for a move to `to`: the guard of a compare-and-set update. */
export function attemptStatusesBefore(to: AttemptStatus): AttemptStatus[] {
  return ATTEMPT_STATUSES.filter((from) => ALLOWED[from].includes(to));
}

/** States in which the attempt still waits for the provider to tell us what happened. */
export const AWAITING_RECEIPT: readonly AttemptStatus[] = ['sending', 'accepted', 'unknown'];
