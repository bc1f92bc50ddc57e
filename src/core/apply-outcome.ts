import { backoffDelay } from './backoff.js';
import { emptyDecision, type AttemptView, type Decision, type MessageView } from './decision.js';
import type { SendOutcome } from './outcome.js';
import { REMEMBERED_CHANNELS } from './reachability.js';

/**
 * Turns a provider's answer to one request into the attempt's new state and the message's next move.
 * `message` is the message as it was when the request was made (stepTries already counts this request).
 * Moving to the next step is left to `decide`, which runs at once when `nextRunAt` is now.
 */
export function applyOutcome(
  message: MessageView,
  attempt: AttemptView,
  outcome: SendOutcome,
  now: number,
  random: () => number,
): Decision {
  const d = emptyDecision();
  const step = message.route.steps[attempt.stepIndex]!;
  const wait = (until: number) => (message.expiresAt === null ? until : Math.min(until, message.expiresAt));
  const nextAccount = () => {
    d.message.accountIndex = message.accountIndex + 1;
    d.message.stepTries = 0;
    d.message.nextRunAt = now;
  };
  const failed = (errorClass: string, code: string, detail?: string) => {
    d.attempts.push({
      id: attempt.id,
      to: 'failed',
      patch: { errorClass, errorCode: code, errorDetail: detail ?? null },
    });
    d.events.push({ type: 'attempt_failed', attemptId: attempt.id, data: { class: errorClass, code } });
  };

  switch (outcome.kind) {
    case 'accepted': {
      const deadline = now + step.fallbackAfterMs;
      d.attempts.push({
        id: attempt.id,
        to: 'accepted',
        patch: {
          providerMessageId: outcome.providerMessageId ?? null,
          units: outcome.units ?? null,
          receiptDeadline: deadline,
        },
      });
      d.events.push({
        type: 'attempt_accepted',
        attemptId: attempt.id,
        data: { providerMessageId: outcome.providerMessageId ?? null },
      });
      d.message.nextRunAt = wait(deadline);
      return d;
    }
    case 'delivered':
      d.attempts.push({
        id: attempt.id,
        to: 'delivered',
        patch: { providerMessageId: outcome.providerMessageId ?? null, units: outcome.units ?? null },
      });
      Object.assign(d.message, {
        status: 'delivered',
        deliveredVia: attempt.channel,
        deliveredAt: now,
        nextRunAt: null,
      });
      d.events.push({ type: 'delivered', attemptId: attempt.id, data: { channel: attempt.channel } });
      if (REMEMBERED_CHANNELS.includes(attempt.channel))
        d.reachability.push({ channel: attempt.channel, outcome: 'reachable', code: null });
      return d;
    case 'unreachable':
      d.attempts.push({
        id: attempt.id,
        to: 'undelivered',
        patch: { errorClass: 'unreachable', errorCode: outcome.code, errorDetail: outcome.detail ?? null },
      });
      d.events.push({ type: 'attempt_undelivered', attemptId: attempt.id, data: { code: outcome.code } });
      if (REMEMBERED_CHANNELS.includes(attempt.channel)) {
        d.reachability.push({ channel: attempt.channel, outcome: 'unreachable', code: outcome.code });
      }
      d.message.nextRunAt = now;
      return d;
    case 'rejected':
      failed('rejected', outcome.code, outcome.detail);
      nextAccount();
      return d;
    case 'retryable':
      failed('retryable', outcome.code, outcome.detail);
      if (message.stepTries < step.retry.maxAttempts) {
        const delay = Math.max(
          outcome.retryAfterMs ?? 0,
          backoffDelay(message.stepTries, step.retry, random),
        );
        d.message.nextRunAt = wait(now + delay);
        d.events.push({ type: 'retry_scheduled', attemptId: attempt.id, data: { inMs: delay } });
      } else {
        nextAccount();
      }
      return d;
    case 'throttled': {
      // "Not now" from the provider: wait, without spending the retry budget.
      failed('throttled', outcome.code, outcome.detail);
      const delay = outcome.retryAfterMs ?? backoffDelay(1, step.retry, random);
      d.message.stepTries = message.stepTries - 1;
      d.message.nextRunAt = wait(now + delay);
      return d;
    }
    case 'circuit':
      failed('circuit', outcome.code, outcome.detail);
      d.openCircuit = {
        account: attempt.account,
        until: outcome.reopenAt ?? now + 60_000,
        code: outcome.code,
      };
      nextAccount();
      return d;
    case 'unknown': {
      const deadline = now + step.fallbackAfterMs;
      d.attempts.push({
        id: attempt.id,
        to: 'unknown',
        patch: {
          errorClass: 'unknown',
          errorCode: outcome.code,
          errorDetail: outcome.detail ?? null,
          receiptDeadline: deadline,
        },
      });
      d.events.push({ type: 'unknown_outcome', attemptId: attempt.id, data: { code: outcome.code } });
      d.message.nextRunAt = wait(deadline);
      return d;
    }
  }
}
