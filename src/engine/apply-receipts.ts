import type { Logger } from 'pino';
import { applyReceipt } from '../core/apply-receipt.js';
import { isFinalMessageStatus } from '../core/message-states.js';
import { PURPOSE_CLASSES } from '../core/purposes.js';
import { CHANNEL_ADDRESS, addressHint, addressHmac } from '../core/suppression.js';
import type { ContactEvent } from '../providers/provider.js';
import type { StoredReceipt, SuppressionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { EngineContext } from './engine-context.js';
import { toChange } from './to-change.js';

const RACE_RETRIES = 5;

/**
 * Applies receipts that webhooks stored, oldest first. They are claimed first, so engines sharing a store apply
 * different receipts; a claim that is never finished (its engine died) ends with the engine's lease time. Each
 * receipt is applied and marked processed in one change, so a crash in between applies it again, which the state
 * rules make harmless. Returns how many were handled.
 */
export async function applyPendingReceipts(ctx: EngineContext, limit = 512): Promise<number> {
  const { owner, clock, config } = ctx;
  const receipts = await ctx.store.claimReceipts(owner, clock.now(), config.engine.leaseMs, limit);
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
    // First from what this engine last wrote, if it sent the attempt; after a lost race, always read.
    const remembered = i === 0 && attempt ? ctx.recent.take(attempt.messageId) : undefined;
    const message = attempt ? (remembered ?? (await ctx.store.getMessage(attempt.messageId))) : null;
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
      priceUnits: ctx.priceUnits,
      attemptOf: () => attempt,
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

/** What applying contact events needs: the store, the secret addresses are keyed with, ids for suppressions. */
export interface ContactEventContext {
  store: Store;
  secret: string;
  logger: Pick<Logger, 'info'>;
  newId: () => string;
}

/**
 * Applies what a provider said about people (LINE follow and unfollow) before the webhook is answered, so it is
 * durable when the provider hears 200:
 * - opted out (unfollow: the user blocked the account): the address is suppressed on the channel for every
 *   purpose, reason `line_unfollow`. The engine skips suppressed steps (event `suppressed`), so a later push goes
 *   straight to the next step instead of being "delivered" to nobody: LINE answers 200 to a push to a user who
 *   blocked the account, and nothing arrives.
 * - opted in (follow: added as a friend, or unblocked): those `line_unfollow` suppressions are lifted; others
 *   (added through the API by an operator) stay.
 * Events may arrive twice or out of order (LINE redelivers a failed webhook later). The newest event wins: each is
 * first recorded in the reachability memory of the address, which keeps only the latest outcome by event time,
 * and the suppressions are then made to agree with what that memory holds now.
 */
export async function applyContactEvents(
  ctx: ContactEventContext,
  source: string,
  events: readonly ContactEvent[],
): Promise<void> {
  for (const event of [...events].sort((a, b) => a.occurredAt - b.occurredAt)) {
    const kind = CHANNEL_ADDRESS[event.channel];
    const address = addressHmac(ctx.secret, kind, event.address);
    await ctx.store.commit({
      reachability: [
        {
          phoneHmac: address,
          channel: event.channel,
          outcome: event.change === 'opted_out' ? 'unreachable' : 'reachable',
          code: event.reason,
          at: event.occurredAt,
        },
      ],
    });
    const latest = await ctx.store.getReachability(address, event.channel);
    if (latest === null) continue;
    if (latest.outcome === 'unreachable') {
      const records: SuppressionRecord[] = PURPOSE_CLASSES.map((purposeClass) => ({
        id: ctx.newId(),
        addressHmac: address,
        addressHint: addressHint(kind, event.address),
        channel: event.channel,
        purposeClass,
        reason: latest.code ?? event.reason,
        source: `${source} event ${event.eventId}`,
        createdAt: latest.at,
      }));
      if ((await ctx.store.addSuppressions(records)) > 0) {
        ctx.logger.info({ channel: event.channel, source }, 'recipient blocked the account: suppressed');
      }
    } else {
      const undone = OPT_OUT_REASON[latest.code ?? event.reason];
      const lifted = (await ctx.store.findSuppressions([address])).filter(
        (s) => s.channel === event.channel && s.reason === undone && s.createdAt <= latest.at,
      );
      if (lifted.length === 0) continue;
      await ctx.store.removeSuppressions(
        address,
        [event.channel],
        [...new Set(lifted.map((s) => s.purposeClass))],
      );
      ctx.logger.info({ channel: event.channel, source }, 'recipient is back: suppression lifted');
    }
  }
}

/** The opt-out reason an opt-in undoes. */
const OPT_OUT_REASON: Readonly<Record<string, string>> = { line_follow: 'line_unfollow' };
