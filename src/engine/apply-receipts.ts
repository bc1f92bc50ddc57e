import { applyReceipt } from '../core/apply-receipt.js';
import { isFinalMessageStatus } from '../core/message-states.js';
import type { StoredReceipt } from '../store/records.js';
import type { EngineContext } from './engine-context.js';
import { toChange } from './to-change.js';

const RACE_RETRIES = 5;

/**
 * Applies receipts that webhooks stored, oldest first. Each receipt is applied and marked processed in one change,
 * so a crash in between applies it again, which the state rules make harmless. Returns how many were handled.
 */
export async function applyPendingReceipts(ctx: EngineContext, limit = 512): Promise<number> {
  const receipts = await ctx.store.pendingReceipts(limit);
  // Receipts of one attempt apply in order; different attempts apply together and share group commits.
  const byAttempt = new Map<string, StoredReceipt[]>();
  for (const receipt of receipts) {
    const key = receipt.attemptId ?? `${receipt.provider}:${receipt.providerMessageId}`;
    const list = byAttempt.get(key);
    if (list) list.push(receipt);
    else byAttempt.set(key, [receipt]);
  }
  await Promise.all(
    [...byAttempt.values()].map(async (list) => {
      for (const receipt of list) await applyOne(ctx, receipt);
    }),
  );
  return receipts.length;
}

async function applyOne(ctx: EngineContext, receipt: StoredReceipt): Promise<void> {
  for (let i = 0; i < RACE_RETRIES; i++) {
    const attempt = receipt.attemptId
      ? await ctx.store.findAttempt(receipt.attemptId)
      : receipt.providerMessageId
        ? await ctx.store.findAttemptByProviderId(receipt.provider, receipt.providerMessageId)
        : null;
    const message = attempt ? await ctx.store.getMessage(attempt.messageId) : null;
    if (!attempt || !message) {
      ctx.logger.warn(
        { provider: receipt.provider, eventId: receipt.eventId },
        'receipt for an unknown attempt; ignored',
      );
      await ctx.store.commit({ processedReceipts: [receipt.seq] });
      return;
    }
    const now = ctx.clock.now();
    const decision = applyReceipt(message, attempt, receipt, now);
    // A message leased by an engine is not woken (that would break the lease); bumping its version makes the
    // lease holder re-read and see the receipt.
    const leased = message.leaseUntil !== null && message.leaseUntil > now;
    if (leased) delete decision.message.nextRunAt;
    const change = toChange(message, decision, {
      now,
      unitPrice: (a) => ctx.accounts.get(a)?.unitPrice ?? null,
      accountOf: () => attempt.account,
      touchMessage: !isFinalMessageStatus(message.status) && decision.attempts.length > 0,
    });
    change.processedReceipts = [receipt.seq];
    if (await ctx.store.commit(change)) {
      ctx.metrics.receipts.inc({ provider: receipt.provider, status: receipt.status });
      return;
    }
  }
  ctx.logger.warn({ eventId: receipt.eventId }, 'receipt lost repeated races; will retry on the next round');
}
