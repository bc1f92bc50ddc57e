import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageRecord } from '../store/records.js';
import { applyPendingReceipts } from './apply-receipts.js';
import type { EngineContext } from './engine-context.js';
import { processMessage } from './process-message.js';

export interface EngineOptions {
  /** Messages worked on at once by this engine. */
  maxInFlight?: number;
}

/**
 * The dispatcher: claims due messages with leases, works each one (processMessage), applies receipts, and sleeps
 * until the next message is due or it is woken (a message was accepted, a receipt arrived).
 */
export class Engine {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly inFlight = new Map<string, Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly maxInFlight: number;

  constructor(
    private readonly ctx: EngineContext,
    options: EngineOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 1024;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const startedAt = this.ctx.clock.now();
    this.ctx.receiptGrace = {
      startedAt,
      until: startedAt + (this.ctx.config.engine.receiptGraceMs ?? 60_000),
    };
    this.loopDone = this.loop().catch((error: unknown) => {
      this.ctx.logger.fatal({ err: error }, 'engine loop crashed');
      this.running = false;
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Something is due now: skip the rest of the current sleep. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Stops claiming, lets in-flight requests finish and record their outcome (up to `drainMs`), and hands back
   * messages still waiting for a rate-limit slot. Nothing is left half-done: an unfinished request stays on disk
   * as "sending" and is read as an unknown outcome by whoever takes the message next.
   */
  async stop(drainMs = this.ctx.config.engine.drainMs): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    for (const account of this.ctx.accounts.values()) account.limiter.close();
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), sleep(drainMs)]);
  }

  private async loop(): Promise<void> {
    const { store, clock, config } = this.ctx;
    while (this.running) {
      this.woken = false;
      const receipts = await applyPendingReceipts(this.ctx);
      const capacity = this.maxInFlight - this.inFlight.size;
      let claimed: MessageRecord[] = [];
      if (capacity > 0) {
        claimed = await store.claimDueMessages(
          this.ctx.owner,
          clock.now(),
          config.engine.leaseMs,
          Math.min(capacity, config.engine.claimBatch),
        );
        for (const message of claimed) this.track(message);
      }
      if (!this.running) break;
      if (
        receipts > 0 ||
        (claimed.length > 0 && claimed.length === Math.min(capacity, config.engine.claimBatch))
      ) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await this.sleepUntilDue(capacity > 0);
    }
  }

  private track(message: MessageRecord): void {
    if (this.inFlight.has(message.id)) return;
    const work = processMessage(this.ctx, message)
      .catch((error: unknown) => {
        // The lease runs out and the message is taken up again; nothing is lost.
        this.ctx.logger.error({ err: error, messageId: message.id }, 'processing a message failed');
      })
      .finally(() => {
        this.inFlight.delete(message.id);
        if (this.inFlight.size === this.maxInFlight - 1) this.wake();
      });
    this.inFlight.set(message.id, work);
  }

  private async sleepUntilDue(hasCapacity: boolean): Promise<void> {
    if (this.woken) return;
    const { store, clock, config } = this.ctx;
    let ms = config.engine.idlePollMs;
    if (hasCapacity) {
      const due = await store.nextDueAt();
      if (due !== null) ms = Math.max(0, Math.min(ms, due - clock.now()));
    }
    if (ms === 0 || this.woken) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = null;
  }
}
