import { setTimeout as sleep } from 'node:timers/promises';
import { applyOutcome } from '../core/apply-outcome.js';
import type { Decision } from '../core/decision.js';
import { isKnownUnreachable } from '../core/reachability.js';
import { isFinalMessageStatus } from '../core/message-states.js';
import type { SendOutcome } from '../core/outcome.js';
import type { AttemptRecord, MessageRecord, ReachabilityRecord } from '../store/records.js';
import type { Channel } from '../core/channels.js';
import { LimiterClosedError, type Slot } from './account-limiter.js';
import { decideWithDeliveryRules } from './delivery-rules.js';
import { handBackChange } from './hand-back.js';
import type { EngineContext } from './engine-context.js';
import { lookUpOverdueReceipts } from './look-up-overdue.js';
import { requestFor } from './request-for.js';
import { afterChange, toChange } from './to-change.js';

/** A request does not start this close to the end of its message's lease. */
const LEASE_MARGIN_MS = 1_000;

/** Rounds of re-reading after lost compare-and-set races before leaving the message to its lease. */
const MAX_ROUNDS = 8;

/**
 * Works one leased message as far as it can go now: decide, send, apply the answer, and repeat while the next
 * move is due at once (e.g. LINE said 422: the SMS goes out in the same turn). Ends by releasing the lease with the
 * time the message is next due. Every write is a compare-and-set on the message version; a lost race re-reads.
 * Resolves 'missing' when the store has no such message (a realtime message taken up before its insert, which
 * did not happen or has not happened yet).
 */
export async function processMessage(ctx: EngineContext, claimed: MessageRecord): Promise<'missing' | void> {
  const latest = { message: claimed };
  try {
    return await workMessage(ctx, latest);
  } catch (error) {
    await handBackAfterError(ctx, latest.message);
    throw error;
  }
}

/** How soon a message whose processing failed on a store error is due again. */
const RETRY_AFTER_ERROR_MS = 1_000;
/**
 * Pauses between tries of that hand-back while the store keeps failing: a pool replacing its lost connections
 * takes a moment, a database restart or failover some seconds. About 16 s in all, and never past the lease.
 */
const HAND_BACK_PAUSES_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000];

/**
 * After a store error (the database restarting, a lost connection): hands the message back due in a moment rather
 * than holding it for the rest of its lease, which would delay an alert by half a minute. Only at the version last
 * seen: if anything moved on since (a receipt, a commit whose answer was lost), the compare-and-set refuses and
 * the lease runs out as usual. The first try often fails like the write before it (the pool hands out another
 * connection the same failure broke), so it is tried again for some seconds.
 */
async function handBackAfterError(ctx: EngineContext, message: MessageRecord): Promise<void> {
  const change = { message: handBackChange(message, ctx.clock.now() + RETRY_AFTER_ERROR_MS) };
  for (let tries = 0; ; tries++) {
    try {
      await ctx.store.commit(change);
      return;
    } catch {
      const pause = HAND_BACK_PAUSES_MS[tries];
      // Past its lease the message is any engine's to claim again: nothing left to hand back.
      const leaseUntil = message.leaseUntil ?? Infinity;
      if (pause === undefined || ctx.clock.now() + pause >= leaseUntil) return;
      await sleep(pause);
    }
  }
}

async function workMessage(
  ctx: EngineContext,
  latest: { message: MessageRecord },
): Promise<'missing' | void> {
  let message = latest.message;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    latest.message = message;
    const attempts = await ctx.store.listAttempts(message.id);
    if (await lookUpOverdueReceipts(ctx, message, attempts)) {
      const fresh = await ctx.store.getMessage(message.id);
      if (!fresh) return 'missing';
      message = fresh;
      continue;
    }
    const memory = await reachabilityOf(ctx, message);
    const now = ctx.clock.now();
    const decision = await decideWithDeliveryRules(ctx, message, attempts, {
      message,
      attempts,
      now,
      isKnownUnreachable: (channel) =>
        isKnownUnreachable(memory.get(channel) ?? null, now, ctx.config.reachability.unreachableTtlMs),
      isAccountUsable: (account) => ctx.accounts.has(account) && ctx.circuits.isUsable(account),
      receiptGrace: ctx.receiptGrace,
    });
    if (!decision.send) {
      const change = toChange(message, decision, {
        now,
        messagePatch: { leaseOwner: null, leaseUntil: null },
        priceUnits: ctx.priceUnits,
        attemptOf: (id) => attempts.find((a) => a.id === id),
      });
      if (await ctx.store.commit(change)) {
        countFallbacks(ctx, decision);
        return;
      }
      const fresh = await ctx.store.getMessage(message.id);
      if (!fresh) return 'missing';
      message = fresh;
      continue;
    }

    const next = await sendOnce(ctx, latest, decision, attempts);
    if (next === 'missing') return next;
    if (next === 'gone') return;
    message = next;
    if (isFinalMessageStatus(message.status)) return;
    // Go on only when the next move is due at once (this engine kept the lease for it): a retry's backoff, a
    // receipt wait or a timer leaves the message to be claimed again when it is due.
    if (message.leaseOwner !== ctx.owner) return;
  }
  ctx.logger.warn(
    { messageId: message.id },
    'message kept changing under the engine; leaving it to its lease',
  );
}

/** Makes one request for the decision's send, then records its outcome. Returns the message as it now stands. */
async function sendOnce(
  ctx: EngineContext,
  latest: { message: MessageRecord },
  decision: Decision,
  attempts: AttemptRecord[],
): Promise<MessageRecord | 'gone' | 'missing'> {
  let message = latest.message;
  const send = decision.send!;
  const account = ctx.accounts.get(send.account)!;
  let slot: Slot;
  try {
    slot = await account.limiter.acquire(message.priority);
  } catch (error) {
    if (error instanceof LimiterClosedError) return handBack(ctx, message);
    throw error;
  }

  let attempt: AttemptRecord;
  let outcome: SendOutcome;
  try {
    const now = ctx.clock.now();
    const leaseUntil = now + ctx.config.engine.leaseMs;
    attempt = newAttempt(message, send, account.provider.id, ctx.newId(), now);
    // The attempt is on disk as "sending" before the request leaves: after a crash it reads as an unknown outcome,
    // never as "not sent yet".
    const change = toChange(message, decision, {
      now,
      messagePatch: { nextRunAt: leaseUntil, leaseOwner: ctx.owner, leaseUntil },
      priceUnits: () => null,
      attemptOf: (id) => attempts.find((a) => a.id === id),
    });
    change.newAttempts = [attempt];
    change.events!.push({
      messageId: message.id,
      attemptId: attempt.id,
      type: 'attempt_sent',
      data: { channel: send.channel, account: send.account, provider: account.provider.id },
      at: now,
    });
    if (!(await ctx.store.commit(change))) {
      return (await ctx.store.getMessage(message.id)) ?? 'missing';
    }
    message = afterChange(message, change, now);
    // A store error from here on hands the message back at this version, its attempt left "sending": whoever takes
    // it next reads that as an unknown outcome, as after a crash.
    latest.message = message;
    countFallbacks(ctx, decision);
    try {
      // The rate limit's hard cap is taken here, at the moment of sending (and counted when the request is written).
      await slot.ready();
    } catch (error) {
      // Stopping before the request left: it was never sent, so the attempt fails and the message is due again.
      if (error instanceof LimiterClosedError) {
        await ctx.store.commit({
          message: handBackChange(message, ctx.clock.now()),
          attempts: [
            { id: attempt.id, to: 'failed', patch: { errorClass: 'not_sent', errorCode: 'engine_stopped' } },
          ],
        });
        return 'gone';
      }
      throw error;
    }
    if (ctx.clock.now() >= leaseUntil - LEASE_MARGIN_MS) {
      // The wait for a slot outlasted the lease: another engine may have taken the message over and may act on
      // this attempt. It was never sent, so it is recorded as such and the message goes back to whoever holds it.
      await ctx.store.commit({
        attempts: [
          { id: attempt.id, to: 'failed', patch: { errorClass: 'not_sent', errorCode: 'lease_expired' } },
        ],
      });
      return 'gone';
    }
    const started = performance.now();
    outcome = await account.client.send({
      ...requestFor(ctx, message, attempt, account.provider.id),
      onWritten: slot.written,
    });
    ctx.metrics.sendLatency.observe(
      { channel: send.channel, provider: account.provider.id },
      (performance.now() - started) / 1000,
    );
    ctx.metrics.attempts.inc({ channel: send.channel, provider: account.provider.id, outcome: outcome.kind });
  } finally {
    slot.release();
  }
  return recordOutcome(ctx, message, attempt, outcome);
}

async function recordOutcome(
  ctx: EngineContext,
  message: MessageRecord,
  attempt: AttemptRecord,
  outcome: SendOutcome,
): Promise<MessageRecord | 'gone'> {
  const now = ctx.clock.now();
  const decision = applyOutcome(message, attempt, outcome, now, ctx.random);
  if (decision.openCircuit) {
    const { account, until, code } = decision.openCircuit;
    ctx.circuits.trip(account, until, code);
    ctx.logger.error(
      { account, code },
      'provider account circuit opened; routes fail over to the next account',
    );
  }
  const dueNow =
    decision.message.nextRunAt !== undefined &&
    decision.message.nextRunAt !== null &&
    decision.message.nextRunAt <= now;
  const options = {
    now,
    priceUnits: ctx.priceUnits,
    attemptOf: () => attempt,
  };
  // When the next move is due at once this engine keeps the lease and goes on; otherwise it lets go.
  const leasePatch = dueNow
    ? { nextRunAt: now + ctx.config.engine.leaseMs, leaseUntil: now + ctx.config.engine.leaseMs }
    : { leaseOwner: null, leaseUntil: null };
  const change = toChange(message, decision, { ...options, messagePatch: leasePatch, touchMessage: true });
  if (await ctx.store.commit(change)) {
    const recorded = afterChange(message, change, now);
    // A receipt of this attempt may follow: it starts from this copy instead of reading the message.
    if (!isFinalMessageStatus(recorded.status)) ctx.recent.remember(recorded);
    return recorded;
  }

  // Lost a race: a receipt (possibly before the request returned) or a cancel changed things first.
  const current = await ctx.store.findAttempt(attempt.id);
  if (current?.status === 'sending') {
    await ctx.store.commit(toChange(message, { ...decision, message: {}, reachability: [] }, options));
  } else {
    const known = outcome.kind === 'accepted' || outcome.kind === 'delivered' ? outcome : null;
    if (known?.providerMessageId) {
      await ctx.store.commit({
        attempts: [{ id: attempt.id, patch: { providerMessageId: known.providerMessageId } }],
      });
    }
  }
  return (await ctx.store.getMessage(message.id)) ?? 'gone';
}

/** Stopping before a request was prepared: hand the message back as it was, due now, for whoever runs next. */
async function handBack(ctx: EngineContext, message: MessageRecord): Promise<'gone'> {
  await ctx.store.commit({ message: handBackChange(message, ctx.clock.now()) });
  return 'gone';
}

function newAttempt(
  message: MessageRecord,
  send: NonNullable<Decision['send']>,
  provider: string,
  id: string,
  now: number,
): AttemptRecord {
  return {
    id,
    messageId: message.id,
    stepIndex: send.stepIndex,
    channel: send.channel,
    account: send.account,
    provider,
    status: 'sending',
    providerMessageId: null,
    errorClass: null,
    errorCode: null,
    errorDetail: null,
    units: null,
    cost: null,
    createdAt: now,
    updatedAt: now,
    receiptDeadline: null,
  };
}

async function reachabilityOf(
  ctx: EngineContext,
  m: MessageRecord,
): Promise<Map<Channel, ReachabilityRecord>> {
  const memory = new Map<Channel, ReachabilityRecord>();
  if (!m.phoneHmac || m.stepIndex > 0) return memory;
  const first = m.route.steps[0]?.channel;
  if (first === 'line_pnp' && m.route.steps.length > 1) {
    const record = await ctx.store.getReachability(m.phoneHmac, first);
    if (record) memory.set(first, record);
  }
  return memory;
}

function countFallbacks(ctx: EngineContext, decision: Decision): void {
  for (const event of decision.events) {
    if (event.type === 'fallback')
      ctx.metrics.fallbacks.inc({ from: String(event.data?.from), to: String(event.data?.to) });
  }
}
