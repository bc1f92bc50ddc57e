import { applyReceipt } from '../core/apply-receipt.js';
import type { AttemptRecord, MessageRecord } from '../store/records.js';
import type { EngineContext } from './engine-context.js';
import { requestFor, textFor } from './request-for.js';
import { toChange } from './to-change.js';

/**
 * Before an attempt waiting for a receipt is given up as unconfirmed, asks its provider (where it can say) what
 * became of the message:
 * - with a provider message id: its status now (a status callback sent while this server was down is not
 *   redelivered by every provider), applied exactly like a receipt;
 * - without one (the request timed out, or the process died mid-request): whether the provider took it at all.
 *   Taken: the id is recorded and its status looked up next. Not taken: the attempt failed without sending, and
 *   the route tries again — a resend only once the provider has said it never got the first.
 * Returns true when something was written (the caller re-reads).
 */
export async function lookUpOverdueReceipts(
  ctx: EngineContext,
  message: MessageRecord,
  attempts: AttemptRecord[],
): Promise<boolean> {
  const now = ctx.clock.now();
  for (const attempt of attempts) {
    if (!isOverdue(ctx, message, attempt, now)) continue;
    const client = ctx.accounts.get(attempt.account)?.client;
    if (attempt.providerMessageId !== null && client?.fetchStatus) {
      const fetched = await client.fetchStatus(attempt.providerMessageId);
      if (!fetched || fetched.status === 'sent') continue;
      const receipt = {
        status: fetched.status,
        errorCode: fetched.errorCode ?? null,
        units: fetched.units ?? null,
        occurredAt: now,
      };
      const decision = applyReceipt(message, attempt, receipt, now);
      decision.events.push({
        type: 'status_looked_up',
        attemptId: attempt.id,
        data: { status: fetched.status },
      });
      const change = toChange(message, decision, {
        now,
        priceUnits: ctx.priceUnits,
        attemptOf: () => attempt,
        touchMessage: true,
      });
      return ctx.store.commit(change);
    }
    const unsettled = attempt.status === 'unknown' || attempt.status === 'sending';
    if (attempt.providerMessageId === null && unsettled && client?.resendsSafely?.(attempt.channel)) {
      const written = await resendSafely(ctx, message, attempt, now);
      if (written === null) continue;
      return written;
    }
    if (attempt.providerMessageId === null && unsettled && client?.findSent && message.phone) {
      const found = await client.findSent({
        phone: message.phone,
        text: textFor(message, attempt.channel).text,
        since: attempt.createdAt,
      });
      if (!found) continue;
      const event = { messageId: message.id, attemptId: attempt.id, at: now };
      if (found.found) {
        return ctx.store.commit({
          message: { id: message.id, expectVersion: message.version, patch: {} },
          attempts: [{ id: attempt.id, patch: { providerMessageId: found.providerMessageId } }],
          events: [
            { ...event, type: 'found_at_provider', data: { providerMessageId: found.providerMessageId } },
          ],
        });
      }
      return ctx.store.commit({
        message: { id: message.id, expectVersion: message.version, patch: {} },
        attempts: [
          { id: attempt.id, to: 'failed', patch: { errorClass: 'not_sent', errorCode: 'not_at_provider' } },
        ],
        events: [{ ...event, type: 'not_at_provider', data: null }],
      });
    }
  }
  return false;
}

/**
 * Sends an attempt with an unknown outcome again through a provider that de-duplicates it (see
 * ProviderClient.resendsSafely), within the account's limits. Delivered (now or the first time): the attempt is
 * delivered; unreachable: undelivered. Any other answer settles nothing (null) and the step's deadline stands.
 */
async function resendSafely(
  ctx: EngineContext,
  message: MessageRecord,
  attempt: AttemptRecord,
  now: number,
): Promise<boolean | null> {
  const account = ctx.accounts.get(attempt.account)!;
  const slot = await account.limiter.acquire(message.priority);
  let outcome;
  try {
    await slot.ready();
    outcome = await account.client.send({
      ...requestFor(ctx, message, attempt, account.provider.id),
      onWritten: slot.written,
    });
  } finally {
    slot.release();
  }
  ctx.metrics.attempts.inc({
    channel: attempt.channel,
    provider: account.provider.id,
    outcome: outcome.kind,
  });
  if (outcome.kind !== 'delivered' && outcome.kind !== 'unreachable') return null;
  const receipt = {
    status: outcome.kind === 'delivered' ? ('delivered' as const) : ('undelivered' as const),
    errorCode: outcome.kind === 'unreachable' ? outcome.code : null,
    units: outcome.kind === 'delivered' ? (outcome.units ?? null) : null,
    occurredAt: now,
  };
  const decision = applyReceipt(message, attempt, receipt, now);
  decision.events.push({ type: 'resent_safely', attemptId: attempt.id, data: { outcome: outcome.kind } });
  const change = toChange(message, decision, {
    now,
    priceUnits: ctx.priceUnits,
    attemptOf: () => attempt,
    touchMessage: true,
  });
  if (outcome.kind === 'delivered' && outcome.providerMessageId !== undefined) {
    const own = change.attempts?.find((a) => a.id === attempt.id);
    if (own) own.patch.providerMessageId = outcome.providerMessageId;
    else
      (change.attempts ??= []).push({
        id: attempt.id,
        patch: { providerMessageId: outcome.providerMessageId },
      });
  }
  return ctx.store.commit(change);
}

/**
 * Waiting for a receipt on the message's current step, past its deadline (and past the grace after a restart).
 * An attempt still "sending" belongs to a process that died mid-request (this engine holds the lease now): found
 * only after its step's wait is over, it is looked up like an unknown outcome rather than given up unseen.
 */
function isOverdue(ctx: EngineContext, message: MessageRecord, a: AttemptRecord, now: number): boolean {
  if (a.stepIndex !== message.stepIndex) return false;
  if (a.status !== 'accepted' && a.status !== 'unknown' && a.status !== 'sending') return false;
  const step = message.route.steps[a.stepIndex];
  const deadline =
    a.receiptDeadline ?? (a.status === 'sending' && step ? a.createdAt + step.fallbackAfterMs : null);
  if (deadline === null) return false;
  const graced = a.createdAt < ctx.receiptGrace.startedAt;
  return (graced ? Math.max(deadline, ctx.receiptGrace.until) : deadline) <= now;
}
