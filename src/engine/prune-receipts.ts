import type { EngineContext } from './engine-context.js';

/** Receipts looked at per delete: each is a short write that never holds the store's writer for long. */
const WINDOW = 2_000;

/**
 * Deletes applied receipts older than `engine.receiptRetention`, a window at a time, until a window has nothing
 * left to delete or `keepGoing` says stop (the engine is stopping). Several engines may prune at once: a receipt
 * is deleted once, whoever gets there first. Returns how many were deleted.
 */
export async function pruneAppliedReceipts(ctx: EngineContext, keepGoing: () => boolean): Promise<number> {
  const processedBefore = ctx.clock.now() - ctx.config.engine.receiptRetentionMs;
  let deleted = 0;
  for (;;) {
    const n = await ctx.store.pruneReceipts(processedBefore, WINDOW);
    deleted += n;
    if (n === 0 || !keepGoing()) break;
  }
  if (deleted > 0) ctx.logger.info({ deleted }, 'applied receipts past their retention deleted');
  return deleted;
}
