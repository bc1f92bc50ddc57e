import { canAttemptTransition } from './attempt-states.js';
import { emptyDecision, type AttemptView, type Decision, type MessageView } from './decision.js';
import { isFinalMessageStatus } from './message-states.js';
import { REMEMBERED_CHANNELS } from './reachability.js';

export interface ReceiptView {
  status: 'sent' | 'delivered' | 'undelivered' | 'failed';
  errorCode: string | null;
  units: number | null;
  occurredAt: number;
}

/**
 * Applies a provider receipt by the state rules: receipts may come before the send call returns, twice, or out of
 * order, and a `delivered` is never undone. A delivery after the route moved on (or ended) is recorded as a late
 * delivery on the message, never hidden.
 */
export function applyReceipt(
  message: MessageView,
  attempt: AttemptView,
  receipt: ReceiptView,
  now: number,
): Decision {
  const d = emptyDecision();
  const step = message.route.steps[attempt.stepIndex];
  const active = !isFinalMessageStatus(message.status);
  switch (receipt.status) {
    case 'sent': {
      // The provider has the message: an unknown outcome becomes a plain wait for the final receipt.
      if (attempt.status === 'unknown' || attempt.status === 'sending') {
        const deadline = attempt.receiptDeadline ?? now + (step?.fallbackAfterMs ?? 0);
        d.attempts.push({ id: attempt.id, to: 'accepted', patch: { receiptDeadline: deadline } });
      }
      return d;
    }
    case 'delivered': {
      if (!canAttemptTransition(attempt.status, 'delivered')) return d;
      d.attempts.push({
        id: attempt.id,
        to: 'delivered',
        patch: { units: receipt.units ?? attempt.units ?? null },
      });
      d.events.push({
        type: 'receipt',
        attemptId: attempt.id,
        data: { status: 'delivered', channel: attempt.channel },
      });
      if (REMEMBERED_CHANNELS.includes(attempt.channel))
        d.reachability.push({ channel: attempt.channel, outcome: 'reachable', code: null });
      const movedOn = attempt.stepIndex < message.stepIndex || attempt.status === 'unconfirmed';
      if (active) {
        Object.assign(d.message, {
          status: 'delivered',
          deliveredVia: attempt.channel,
          deliveredAt: receipt.occurredAt,
          nextRunAt: null,
        });
        if (movedOn) d.message.lateDelivery = true;
        d.events.push({
          type: movedOn ? 'late_delivery' : 'delivered',
          attemptId: attempt.id,
          data: { channel: attempt.channel },
        });
        if (movedOn)
          d.events.push({ type: 'delivered', attemptId: attempt.id, data: { channel: attempt.channel } });
      } else {
        // Already ended (delivered by another channel, failed, expired or canceled): the person got it anyway.
        d.message.lateDelivery = true;
        if (message.deliveredVia === null)
          Object.assign(d.message, { deliveredVia: attempt.channel, deliveredAt: receipt.occurredAt });
        d.events.push({
          type: 'late_delivery',
          attemptId: attempt.id,
          data: { channel: attempt.channel, messageStatus: message.status },
        });
      }
      return d;
    }
    case 'undelivered':
    case 'failed': {
      const to = receipt.status === 'undelivered' ? 'undelivered' : 'failed';
      if (!canAttemptTransition(attempt.status, to)) return d;
      d.attempts.push({ id: attempt.id, to, patch: { errorClass: 'receipt', errorCode: receipt.errorCode } });
      d.events.push({
        type: 'receipt',
        attemptId: attempt.id,
        data: { status: receipt.status, code: receipt.errorCode },
      });
      // Wake the message so the route moves on now instead of at the receipt deadline.
      if (active && attempt.stepIndex === message.stepIndex) d.message.nextRunAt = now;
      return d;
    }
  }
}
