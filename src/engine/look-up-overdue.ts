import { applyReceipt } from '../core/apply-receipt.js';
import type { AttemptRecord, MessageRecord } from '../store/records.js';
import type { EngineContext } from './engine-context.js';
import { toChange } from './to-change.js';

/**
 * Before an attempt waiting for a receipt is given up as unconfirmed, asks its provider (where it can say) what
 * became of the message: a status callback sent while this server was down is not redelivered by every provider.
 * Applies what it learns exactly like a receipt. Returns true when something was written (the caller re-reads).
 */
export async function lookUpOverdueReceipts(
  ctx: EngineContext,
  message: MessageRecord,
  attempts: AttemptRecord[],
): Promise<boolean> {
  const now = ctx.clock.now();
  const overdue = attempts.filter(
    (a) =>
      a.stepIndex === message.stepIndex &&
      (a.status === 'accepted' || a.status === 'unknown') &&
      a.providerMessageId !== null &&
      a.receiptDeadline !== null &&
      (a.createdAt < ctx.receiptGrace.startedAt
        ? Math.max(a.receiptDeadline, ctx.receiptGrace.until)
        : a.receiptDeadline) <= now,
  );
  let wrote = false;
  for (const attempt of overdue) {
    const client = ctx.accounts.get(attempt.account)?.client;
    if (!client?.fetchStatus) continue;
    const fetched = await client.fetchStatus(attempt.providerMessageId!);
    if (!fetched || fetched.status === 'sent') continue;
    const decision = applyReceipt(
      message,
      attempt,
      {
        status: fetched.status,
        errorCode: fetched.errorCode ?? null,
        units: fetched.units ?? null,
        occurredAt: now,
      },
      now,
    );
    decision.events.push({
      type: 'status_looked_up',
      attemptId: attempt.id,
      data: { status: fetched.status },
    });
    const change = toChange(message, decision, {
      now,
      unitPrice: (a) => ctx.accounts.get(a)?.unitPrice ?? null,
      accountOf: () => attempt.account,
      touchMessage: true,
    });
    if (await ctx.store.commit(change)) wrote = true;
    return wrote;
  }
  return wrote;
}
