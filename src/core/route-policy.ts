import { AWAITING_RECEIPT } from './attempt-states.js';
import { isFinalMessageStatus } from './message-states.js';
import { emptyDecision, type AttemptView, type Decision, type MessageView } from './decision.js';
import type { Channel } from './channels.js';
import type { PurposePolicy } from './purposes.js';
import { DEFAULT_TIME_ZONE, nextOpening, type HolidayCalendar } from './send-window.js';

export interface ReceiptGrace {
  startedAt: number;
  until: number;
}

export interface DecideInput {
  message: MessageView;
  attempts: readonly AttemptView[];
  now: number;
  /** Reachability memory says this channel cannot reach the person now. */
  isKnownUnreachable: (channel: Channel) => boolean;
  /** The account's circuit is closed (usable). */
  isAccountUsable: (account: string) => boolean;
  /**
   * After a restart, receipts the providers held back while this server was down (LINE and Twilio redeliver)
   * arrive first; falling back before then could send a second copy. So waits of attempts made before
   * `startedAt` end no earlier than `until`.
   */
  receiptGrace?: ReceiptGrace;
  /**
   * The purpose's send window and whether it is critical: a step due outside the window waits for its next
   * opening (fallback steps too) unless the purpose is critical. None: no window applies.
   */
  purpose?: Pick<PurposePolicy, 'window' | 'critical'>;
  /** The recipient's IANA time zone, for the window; default Asia/Tokyo. */
  timeZone?: string;
  /** Days the window skips when it skips holidays; default Japanese public holidays. */
  holidays?: HolidayCalendar;
  /** The person opted out of this channel for messages like this one: its step is skipped, never sent. */
  isSuppressed?: (channel: Channel) => boolean;
}

const latestOnStep = (attempts: readonly AttemptView[], step: number) => {
  let latest: AttemptView | undefined;
  for (const a of attempts) if (a.stepIndex === step && (!latest || a.id > latest.id)) latest = a;
  return latest;
};

/**
 * Looks at a due message and decides what happens now: deliver, expire, wait, move to the next step, or send.
 * Moving on is always a decision about the step the message is on, so a late decision about an old step
 * cannot cause a second send (the store's compare-and-set on the message version guards the rest).
 */
export function decide(input: DecideInput): Decision {
  const { message: m, attempts, now } = input;
  const d = emptyDecision();
  if (isFinalMessageStatus(m.status)) return d;

  const delivered = attempts.find((a) => a.status === 'delivered');
  if (delivered) {
    Object.assign(d.message, {
      status: 'delivered',
      deliveredVia: delivered.channel,
      deliveredAt: now,
      nextRunAt: null,
    });
    d.events.push({ type: 'delivered', attemptId: delivered.id, data: { channel: delivered.channel } });
    return d;
  }
  if (m.expiresAt !== null && now >= m.expiresAt) {
    Object.assign(d.message, { status: 'expired', finalReason: 'expired', nextRunAt: null });
    d.events.push({ type: 'expired', attemptId: null, data: null });
    return d;
  }
  if (m.sendAt !== null && now < m.sendAt && attempts.length === 0) {
    if (m.status !== 'scheduled') {
      d.message.status = 'scheduled';
      d.events.push({
        type: 'scheduled',
        attemptId: null,
        data: { sendAt: new Date(m.sendAt).toISOString() },
      });
    }
    d.message.nextRunAt = capAtExpiry(m.sendAt, m);
    return d;
  }

  const steps = m.route.steps;
  let step = m.stepIndex;
  let account = m.accountIndex;
  let tries = m.stepTries;
  let reason: string | null = null;
  const advance = (why: string) => {
    const from = steps[step]?.channel;
    step += 1;
    account = 0;
    tries = 0;
    reason = why;
    const to = steps[step]?.channel;
    if (to) d.events.push({ type: 'fallback', attemptId: null, data: { from, to, reason: why } });
  };

  for (;;) {
    const current = steps[step];
    if (!current) {
      Object.assign(d.message, {
        status: 'failed',
        finalReason: reason ?? 'route_exhausted',
        nextRunAt: null,
      });
      Object.assign(d.message, { stepIndex: step, accountIndex: 0, stepTries: 0 });
      d.events.push({ type: 'failed', attemptId: null, data: { reason: reason ?? 'route_exhausted' } });
      return d;
    }
    const latest = latestOnStep(attempts, step);
    if (latest && AWAITING_RECEIPT.includes(latest.status)) {
      const deadline = latest.receiptDeadline ?? latest.createdAt + current.fallbackAfterMs;
      const grace = input.receiptGrace;
      const waitUntil =
        grace && latest.createdAt < grace.startedAt ? Math.max(deadline, grace.until) : deadline;
      if (latest.status === 'sending') {
        // Found still "sending" by a new lease holder: the process making the request died. The request may
        // have reached the provider, so it is never repeated; a receipt can still settle it.
        d.attempts.push({
          id: latest.id,
          to: 'unknown',
          patch: { errorClass: 'unknown', errorCode: 'interrupted', receiptDeadline: deadline },
        });
        d.events.push({ type: 'unknown_outcome', attemptId: latest.id, data: { code: 'interrupted' } });
      }
      if (now < waitUntil) {
        Object.assign(d.message, {
          status: 'sending',
          stepIndex: step,
          accountIndex: account,
          stepTries: tries,
        });
        d.message.nextRunAt = capAtExpiry(waitUntil, m);
        return d;
      }
      d.attempts.push({ id: latest.id, to: 'unconfirmed', patch: {} });
      d.events.push({ type: 'unconfirmed', attemptId: latest.id, data: { channel: latest.channel } });
      advance('no_receipt');
      reason = 'unconfirmed';
      continue;
    }
    if (
      latest &&
      (latest.status === 'undelivered' || latest.status === 'unconfirmed' || latest.errorClass === 'receipt')
    ) {
      advance(latest.status === 'unconfirmed' ? 'no_receipt' : 'undelivered');
      if (latest.status === 'unconfirmed') reason = 'unconfirmed';
      continue;
    }
    if (input.isSuppressed?.(current.channel)) {
      d.events.push({ type: 'suppressed', attemptId: null, data: { channel: current.channel } });
      advance('suppressed');
      continue;
    }
    const isLast = step === steps.length - 1;
    if (!latest && account === 0 && tries === 0 && !isLast && input.isKnownUnreachable(current.channel)) {
      d.events.push({
        type: 'skipped',
        attemptId: null,
        data: { channel: current.channel, reason: 'known_unreachable' },
      });
      advance('known_unreachable');
      continue;
    }
    while (account < current.accounts.length && !input.isAccountUsable(current.accounts[account]!)) {
      d.events.push({
        type: 'account_skipped',
        attemptId: null,
        data: { account: current.accounts[account], reason: 'circuit_open' },
      });
      account += 1;
      tries = 0;
    }
    if (account >= current.accounts.length) {
      advance('accounts_exhausted');
      continue;
    }
    const window = input.purpose?.critical ? null : input.purpose?.window;
    if (window) {
      const opening = nextOpening(window, input.timeZone ?? DEFAULT_TIME_ZONE, now, input.holidays);
      if (opening > now) {
        waitForWindow(d, m, opening, current.channel);
        Object.assign(d.message, { stepIndex: step, accountIndex: account, stepTries: tries });
        return d;
      }
    }
    Object.assign(d.message, {
      status: 'sending',
      stepIndex: step,
      accountIndex: account,
      stepTries: tries + 1,
    });
    d.send = {
      stepIndex: step,
      accountIndex: account,
      channel: current.channel,
      account: current.accounts[account]!,
    };
    return d;
  }
}

/**
 * A step due outside its send window waits, as `scheduled`, for the next opening; if the message would expire
 * first (or the window never opens) it ends now: nobody gains from holding it until then.
 */
function waitForWindow(d: Decision, m: MessageView, opening: number, channel: Channel): void {
  const opensAt = Number.isFinite(opening) ? new Date(opening).toISOString() : null;
  if (opensAt === null || (m.expiresAt !== null && opening >= m.expiresAt)) {
    const status = m.expiresAt === null ? 'failed' : 'expired';
    Object.assign(d.message, { status, finalReason: 'outside_send_window', nextRunAt: null });
    d.events.push({
      type: status,
      attemptId: null,
      data: { reason: 'outside_send_window', channel, opensAt },
    });
    return;
  }
  Object.assign(d.message, { status: 'scheduled', nextRunAt: opening });
  d.events.push({ type: 'window_wait', attemptId: null, data: { channel, until: opensAt } });
}

function capAtExpiry(at: number, m: MessageView): number {
  return m.expiresAt === null ? at : Math.min(at, m.expiresAt);
}
