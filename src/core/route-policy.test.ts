import { describe, expect, it } from 'vitest';
import { applyOutcome } from './apply-outcome.js';
import { applyReceipt } from './apply-receipt.js';
import type { AttemptView, MessageView } from './decision.js';
import type { SendOutcome } from './outcome.js';
import { decide, type DecideInput } from './route-policy.js';

const NOW = 1_000_000;
const retry = { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 8000 };
const route = {
  name: 'line-then-sms',
  steps: [
    { channel: 'line_pnp' as const, accounts: ['line-a'], fallbackAfterMs: 900_000, retry },
    { channel: 'sms' as const, accounts: ['karaden', 'twilio'], fallbackAfterMs: 600_000, retry },
  ],
};

const message = (over: Partial<MessageView> = {}): MessageView => ({
  id: 'm1',
  status: 'accepted',
  route,
  stepIndex: 0,
  accountIndex: 0,
  stepTries: 0,
  sendAt: null,
  expiresAt: null,
  deliveredVia: null,
  lateDelivery: false,
  ...over,
});
let n = 0;
const attempt = (over: Partial<AttemptView> = {}): AttemptView => ({
  id: `a${String(++n).padStart(3, '0')}`,
  stepIndex: 0,
  channel: 'line_pnp',
  account: 'line-a',
  status: 'accepted',
  errorClass: null,
  units: null,
  receiptDeadline: NOW + 900_000,
  createdAt: NOW,
  ...over,
});
const input = (over: Partial<DecideInput> = {}): DecideInput => ({
  message: message(),
  attempts: [],
  now: NOW,
  isKnownUnreachable: () => false,
  isAccountUsable: () => true,
  ...over,
});

describe('decide', () => {
  it('sends a new message on the first step and first account', () => {
    const d = decide(input());
    expect(d.send).toEqual({ stepIndex: 0, accountIndex: 0, channel: 'line_pnp', account: 'line-a' });
    expect(d.message).toMatchObject({ status: 'sending', stepTries: 1 });
  });

  it('schedules a message whose sendAt is ahead, capped by its expiry', () => {
    const d = decide(input({ message: message({ sendAt: NOW + 60_000, expiresAt: NOW + 30_000 }) }));
    expect(d.send).toBeUndefined();
    expect(d.message).toEqual({ status: 'scheduled', nextRunAt: NOW + 30_000 });
  });

  it('expires a message whose expiresAt has passed, without sending', () => {
    const d = decide(input({ message: message({ status: 'sending', expiresAt: NOW }) }));
    expect(d.send).toBeUndefined();
    expect(d.message).toMatchObject({ status: 'expired', nextRunAt: null });
  });

  it('waits for the receipt of an accepted attempt until the fallback deadline', () => {
    const d = decide(input({ message: message({ status: 'sending', stepTries: 1 }), attempts: [attempt()] }));
    expect(d.send).toBeUndefined();
    expect(d.message.nextRunAt).toBe(NOW + 900_000);
  });

  it('falls back to SMS when the LINE receipt did not come by the deadline, marking the attempt unconfirmed', () => {
    const a = attempt({ receiptDeadline: NOW - 1 });
    const d = decide(input({ message: message({ status: 'sending', stepTries: 1 }), attempts: [a] }));
    expect(d.attempts).toEqual([{ id: a.id, to: 'unconfirmed', patch: {} }]);
    expect(d.send).toEqual({ stepIndex: 1, accountIndex: 0, channel: 'sms', account: 'karaden' });
    expect(d.events.map((e) => e.type)).toEqual(['unconfirmed', 'fallback']);
  });

  it('after a restart, waits out the receipt grace period before falling back', () => {
    const a = attempt({ receiptDeadline: NOW - 1, createdAt: NOW - 100 });
    const d = decide(
      input({
        message: message({ status: 'sending', stepTries: 1 }),
        attempts: [a],
        receiptGrace: { startedAt: NOW - 10, until: NOW + 5000 },
      }),
    );
    expect(d.send).toBeUndefined();
    expect(d.message.nextRunAt).toBe(NOW + 5000);
  });

  it('applies no receipt grace to attempts made after the start', () => {
    const a = attempt({ receiptDeadline: NOW - 1, createdAt: NOW - 5 });
    const grace = { startedAt: NOW - 10, until: NOW + 5000 };
    const d = decide(
      input({ message: message({ status: 'sending', stepTries: 1 }), attempts: [a], receiptGrace: grace }),
    );
    expect(d.send).toMatchObject({ channel: 'sms' });
  });

  it('falls back at once after a definite "unreachable"', () => {
    const a = attempt({ status: 'undelivered', errorClass: 'unreachable' });
    const d = decide(input({ message: message({ status: 'sending', stepTries: 1 }), attempts: [a] }));
    expect(d.send).toMatchObject({ stepIndex: 1, channel: 'sms' });
  });

  it('treats an attempt found still "sending" (its process died) as unknown: never resent, waits for a receipt', () => {
    const a = attempt({ status: 'sending', receiptDeadline: null, createdAt: NOW - 1000 });
    const d = decide(input({ message: message({ status: 'sending', stepTries: 1 }), attempts: [a] }));
    expect(d.send).toBeUndefined();
    expect(d.attempts).toEqual([
      {
        id: a.id,
        to: 'unknown',
        patch: { errorClass: 'unknown', errorCode: 'interrupted', receiptDeadline: NOW - 1000 + 900_000 },
      },
    ]);
    expect(d.message.nextRunAt).toBe(NOW - 1000 + 900_000);
  });

  it('skips LINE for a number LINE recently could not reach', () => {
    const d = decide(input({ isKnownUnreachable: (c) => c === 'line_pnp' }));
    expect(d.send).toMatchObject({ stepIndex: 1, channel: 'sms' });
    expect(d.events[0]).toMatchObject({ type: 'skipped', data: { reason: 'known_unreachable' } });
  });

  it('never skips the last step on reachability memory alone', () => {
    const single = { name: null, steps: [route.steps[0]!] };
    const d = decide(input({ message: message({ route: single }), isKnownUnreachable: () => true }));
    expect(d.send).toMatchObject({ stepIndex: 0 });
  });

  it('moves past accounts whose circuit is open', () => {
    const d = decide(
      input({
        message: message({ status: 'sending', stepIndex: 1 }),
        isAccountUsable: (acc) => acc !== 'karaden',
      }),
    );
    expect(d.send).toEqual({ stepIndex: 1, accountIndex: 1, channel: 'sms', account: 'twilio' });
  });

  it('fails the message when every step is used up, saying why', () => {
    const a1 = attempt({ status: 'undelivered', errorClass: 'unreachable' });
    const a2 = attempt({ stepIndex: 1, channel: 'sms', account: 'karaden', status: 'unconfirmed' });
    const d = decide(input({ message: message({ status: 'sending', stepIndex: 1 }), attempts: [a1, a2] }));
    expect(d.send).toBeUndefined();
    expect(d.message).toMatchObject({ status: 'failed', finalReason: 'unconfirmed', nextRunAt: null });
  });

  it('marks a message delivered when any attempt was delivered', () => {
    const d = decide(
      input({ message: message({ status: 'sending' }), attempts: [attempt({ status: 'delivered' })] }),
    );
    expect(d.message).toMatchObject({ status: 'delivered', deliveredVia: 'line_pnp' });
  });

  it('does nothing for a final message', () => {
    const d = decide(input({ message: message({ status: 'canceled' }) }));
    expect(d.message).toEqual({});
    expect(d.send).toBeUndefined();
  });
});

describe('applyOutcome', () => {
  const sent = message({ status: 'sending', stepTries: 1 });
  const a = attempt({ status: 'sending' });
  const apply = (outcome: SendOutcome, m = sent) => applyOutcome(m, a, outcome, NOW, () => 0.5);

  it('accepted → waits for the receipt until fallbackAfter', () => {
    const d = apply({ kind: 'accepted', providerMessageId: 'p1' });
    expect(d.attempts[0]).toMatchObject({
      to: 'accepted',
      patch: { providerMessageId: 'p1', receiptDeadline: NOW + 900_000 },
    });
    expect(d.message.nextRunAt).toBe(NOW + 900_000);
  });

  it('delivered → message delivered, number remembered as reachable', () => {
    const d = apply({ kind: 'delivered' });
    expect(d.message).toMatchObject({ status: 'delivered', deliveredVia: 'line_pnp' });
    expect(d.reachability).toEqual([{ channel: 'line_pnp', outcome: 'reachable', code: null }]);
  });

  it('unreachable → attempt undelivered, remembered, next step now', () => {
    const d = apply({ kind: 'unreachable', code: 'line_unreachable' });
    expect(d.attempts[0]).toMatchObject({ to: 'undelivered' });
    expect(d.reachability).toEqual([
      { channel: 'line_pnp', outcome: 'unreachable', code: 'line_unreachable' },
    ]);
    expect(d.message.nextRunAt).toBe(NOW);
  });

  it('retryable → backoff on the same account while the budget lasts', () => {
    const d = apply({ kind: 'retryable', code: 'http_503' });
    expect(d.attempts[0]).toMatchObject({ to: 'failed', patch: { errorClass: 'retryable' } });
    expect(d.message).toEqual({ nextRunAt: NOW + 750 });
  });

  it('retryable with the budget used up → next account now', () => {
    const d = apply({ kind: 'retryable', code: 'http_503' }, message({ status: 'sending', stepTries: 3 }));
    expect(d.message).toEqual({ accountIndex: 1, stepTries: 0, nextRunAt: NOW });
  });

  it('throttled → waits without spending the retry budget', () => {
    const d = apply({ kind: 'throttled', code: 'http_429', retryAfterMs: 2000 });
    expect(d.message).toEqual({ stepTries: 0, nextRunAt: NOW + 2000 });
  });

  it('rejected → next account, no retry', () => {
    expect(apply({ kind: 'rejected', code: 'http_400' }).message).toEqual({
      accountIndex: 1,
      stepTries: 0,
      nextRunAt: NOW,
    });
  });

  it('circuit → opens the account circuit and fails over', () => {
    const d = apply({ kind: 'circuit', code: 'line_monthly_limit', reopenAt: 'month_end_jst' });
    expect(d.openCircuit).toEqual({ account: 'line-a', until: 'month_end_jst', code: 'line_monthly_limit' });
    expect(d.message.accountIndex).toBe(1);
  });

  it('unknown → never resent: waits for a receipt until fallbackAfter', () => {
    const d = apply({ kind: 'unknown', code: 'timeout' });
    expect(d.attempts[0]).toMatchObject({ to: 'unknown', patch: { receiptDeadline: NOW + 900_000 } });
    expect(d.message).toEqual({ nextRunAt: NOW + 900_000 });
  });
});

describe('applyReceipt', () => {
  const receipt = (status: 'sent' | 'delivered' | 'undelivered' | 'failed') => ({
    status,
    errorCode: null,
    units: 1,
    occurredAt: NOW,
  });

  it('delivery of the current attempt delivers the message', () => {
    const d = applyReceipt(message({ status: 'sending' }), attempt(), receipt('delivered'), NOW);
    expect(d.message).toMatchObject({ status: 'delivered', deliveredVia: 'line_pnp', nextRunAt: null });
    expect(d.message.lateDelivery).toBeUndefined();
  });

  it('a LINE delivery after the SMS fallback is recorded as a late delivery', () => {
    const a = attempt({ status: 'unconfirmed' });
    const d = applyReceipt(message({ status: 'sending', stepIndex: 1 }), a, receipt('delivered'), NOW);
    expect(d.attempts[0]).toMatchObject({ to: 'delivered' });
    expect(d.message).toMatchObject({ status: 'delivered', lateDelivery: true });
    expect(d.events.map((e) => e.type)).toContain('late_delivery');
  });

  it('a delivery for a message that already ended keeps its status and records the late delivery', () => {
    const d = applyReceipt(
      message({ status: 'delivered', deliveredVia: 'sms' }),
      attempt({ status: 'unconfirmed' }),
      receipt('delivered'),
      NOW,
    );
    expect(d.message).toEqual({ lateDelivery: true });
  });

  it('a duplicate delivery changes nothing', () => {
    const d = applyReceipt(
      message({ status: 'delivered' }),
      attempt({ status: 'delivered' }),
      receipt('delivered'),
      NOW,
    );
    expect(d).toMatchObject({ message: {}, attempts: [], events: [] });
  });

  it('a "sent" after "delivered" (out of order) never undoes the delivery', () => {
    expect(applyReceipt(message(), attempt({ status: 'delivered' }), receipt('sent'), NOW).attempts).toEqual(
      [],
    );
  });

  it('undelivered wakes the message so the route moves on now', () => {
    const d = applyReceipt(message({ status: 'sending' }), attempt(), receipt('undelivered'), NOW);
    expect(d.attempts[0]).toMatchObject({ to: 'undelivered', patch: { errorClass: 'receipt' } });
    expect(d.message.nextRunAt).toBe(NOW);
  });

  it('"sent" settles an unknown outcome into a wait for the final receipt', () => {
    const d = applyReceipt(message(), attempt({ status: 'unknown' }), receipt('sent'), NOW);
    expect(d.attempts[0]).toMatchObject({ to: 'accepted' });
  });
});
