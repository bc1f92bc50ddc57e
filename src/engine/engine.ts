import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageRecord } from '../store/records.js';
import { applyPendingReceipts } from './apply-receipts.js';
import { bulkCap } from './bulk-cap.js';
import type { EngineContext } from './engine-context.js';
import { handBackChange } from './hand-back.js';
import { processMessage } from './process-message.js';
import { pruneAppliedReceipts } from './prune-receipts.js';
import { Throughput } from './throughput.js';
import { Wakeup } from './wakeup.js';

/** How often old receipts are pruned; the first time a minute after the start. */
const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
const FIRST_HOUSEKEEPING_MS = 60_000;
/** How often the store is asked whether its planner statistics lag (a cheap query; see Store.refreshStatistics). */
const STATISTICS_EVERY_MS = 10_000;

/** The fewest messages an engine may hold, whatever its recent pace (a fresh engine holds four times this). */
const MIN_HOLD = 64;

export interface EngineOptions {
  /** Messages worked on at once by this engine; realtime messages may go `realtimeReserve` beyond it. */
  maxInFlight?: number;
  realtimeReserve?: number;
}

/**
 * The dispatcher: one loop claims due messages with leases and works each one (processMessage); another applies
 * receipts that webhooks stored. Each sleeps until work is due or it is woken (a message was accepted, a receipt
 * arrived). Realtime messages are claimed even while bulk work fills the engine. Two more loops keep house: one
 * deletes receipts past their retention, one asks the store to refresh its planner statistics (where it has any).
 */
export class Engine {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly inFlight = new Map<string, Promise<'missing' | void>>();
  private readonly claims = new Wakeup();
  private readonly receipts = new Wakeup();
  private readonly housekeeping = new Wakeup();
  private readonly statistics = new Wakeup();
  private housekept = false;
  private readonly maxInFlight: number;
  private readonly realtimeReserve: number;
  private readonly finished: Throughput;
  private waitingForRoom = false;
  private lastRealtimeAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: EngineContext,
    options: EngineOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 512;
    this.realtimeReserve = options.realtimeReserve ?? 64;
    this.finished = new Throughput(() => performance.now());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const startedAt = this.ctx.clock.now();
    this.ctx.receiptGrace = {
      startedAt,
      until: startedAt + (this.ctx.config.engine.receiptGraceMs ?? 60_000),
    };
    this.loops = [
      this.keepRunning('claims', () => this.claimRound()),
      this.keepRunning('receipts', () => this.receiptRound()),
      this.keepRunning('housekeeping', () => this.housekeepingRound()),
    ];
    if (this.ctx.store.refreshStatistics)
      this.loops.push(this.keepRunning('statistics', () => this.statisticsRound()));
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * A lease for a realtime message the API of this process is about to accept, when this engine can take it up at
   * once; null otherwise (the message is then stored due, for any engine's claim round). Taking it up directly
   * saves the claim: a write and a turn of the claim loop, which behind a bulk backlog made most of a realtime
   * message's wait.
   */
  leaseForRealtime(now: number): { owner: string; until: number } | null {
    if (!this.running || this.inFlight.size >= this.holdCap() + this.realtimeReserve) return null;
    return { owner: this.ctx.owner, until: now + this.ctx.config.engine.leaseMs };
  }

  /**
   * Takes up a realtime message leased to this engine (leaseForRealtime) that the API is storing; `stored` settles
   * with the stored record, or null when nothing new was stored (an idempotent repeat). Where the store applies
   * urgent writes in the order they come, work starts at once: the message's first change is queued behind its
   * insert and commits with it, so a realtime message waits for one commit on its way out instead of two, and
   * the provider request still waits for that change to be on disk. Otherwise, or when the early start found no
   * message, work starts from the stored record.
   */
  adopt(message: MessageRecord, stored: Promise<MessageRecord | null>): void {
    if (message.leaseOwner !== this.ctx.owner) return;
    const early = this.running && this.ctx.store.appliesWritesInOrder === true ? this.track(message) : null;
    stored.then(
      async (record) => {
        if (!record || (early && (await early) !== 'missing')) return;
        this.takeUpStored(record);
      },
      // The API answers the failed insert; there is nothing to take up.
      () => undefined,
    );
  }

  private takeUpStored(message: MessageRecord): void {
    if (this.running) {
      this.track(message);
      return;
    }
    // Stopped in between: hand the message back, due now, rather than leaving it leased until the lease ends.
    void this.ctx.store.commit({ message: handBackChange(message, this.ctx.clock.now()) }).catch(() => false);
  }

  /** Messages are due now: skip the rest of the current sleep. */
  wake(): void {
    this.claims.wake();
  }

  /** Receipts were stored: apply them now. */
  wakeReceipts(): void {
    this.receipts.wake();
  }

  /**
   * Stops claiming, lets in-flight requests finish and record their outcome (up to `drainMs`), and hands back
   * messages still waiting for a rate-limit slot. Nothing is left half-done: an unfinished request stays on disk
   * as "sending" and is read as an unknown outcome by whoever takes the message next.
   */
  async stop(drainMs = this.ctx.config.engine.drainMs): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.claims.wake();
    this.receipts.wake();
    this.housekeeping.wake();
    this.statistics.wake();
    await Promise.all(this.loops);
    for (const account of this.ctx.accounts.values()) account.limiter.close();
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), sleep(drainMs)]);
  }

  /**
   * Runs one loop's rounds while the engine runs. A failed round (the database restarting, a connection lost) is
   * logged and retried after a pause with backoff; the loop never dies of it, and no work is lost: whatever a
   * round had claimed is taken up again when its lease ends.
   */
  private async keepRunning(name: string, round: () => Promise<void>): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await round();
        failures = 0;
      } catch (error) {
        failures += 1;
        const pauseMs = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        this.ctx.logger.error({ err: error, loop: name, pauseMs }, 'engine round failed; retrying');
        await sleep(pauseMs);
      }
    }
  }

  /** Claims what is due and starts working it; sleeps when nothing more is due. */
  private async claimRound(): Promise<void> {
    const { store, clock, config } = this.ctx;
    this.claims.reset();
    // Bulk work is claimed in batches (a claim is a write), once enough slots are free.
    const cap = this.holdCap();
    const bulkCap = this.bulkCap(cap);
    const free = bulkCap - this.inFlight.size;
    const bulk = free >= this.lowWater(bulkCap);
    // Without room for bulk work, the next message to finish with room enough wakes this loop.
    this.waitingForRoom = !bulk;
    // Realtime messages may go past the cap, but only by the reserve: a realtime flood must not pile up beyond
    // what can be sent within a lease (it would be claimed again while still waiting here).
    const limit = bulk
      ? Math.min(free, config.engine.claimBatch)
      : Math.max(0, cap - this.inFlight.size + this.realtimeReserve);
    if (limit === 0) {
      await this.claims.sleep(config.engine.idlePollMs);
      return;
    }
    const claimed = await store.claimDueMessages(this.ctx.owner, clock.now(), config.engine.leaseMs, limit, {
      realtimeOnly: !bulk,
    });
    for (const message of claimed) this.track(message);
    if (!this.running) return;
    if (claimed.length === limit) {
      // More may be due: go on after other work had its turn.
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    let ms = config.engine.idlePollMs;
    if (bulk) {
      const due = await store.nextDueAt();
      if (due !== null) ms = Math.max(0, Math.min(ms, due - clock.now()));
    }
    await this.claims.sleep(ms);
  }

  /** Applies stored receipts; sleeps when there are none. */
  private async receiptRound(): Promise<void> {
    this.receipts.reset();
    const applied = await applyPendingReceipts(this.ctx);
    if (applied > 0) {
      // Applied receipts may have made messages due (an undelivered SMS moves the route on).
      this.claims.wake();
      return;
    }
    await this.receipts.sleep(this.ctx.config.engine.idlePollMs);
  }

  private async statisticsRound(): Promise<void> {
    await this.statistics.sleep(STATISTICS_EVERY_MS);
    if (!this.running) return;
    const analyzed = await this.ctx.store.refreshStatistics!();
    if (analyzed.length > 0) this.ctx.logger.info({ tables: analyzed }, 'planner statistics refreshed');
  }

  private async housekeepingRound(): Promise<void> {
    this.housekeeping.reset();
    await this.housekeeping.sleep(this.housekept ? HOUSEKEEPING_EVERY_MS : FIRST_HOUSEKEEPING_MS);
    this.housekept = true;
    if (this.running) await pruneAppliedReceipts(this.ctx, () => this.running);
  }

  /**
   * How many messages this engine may hold at once: what it finishes in half a lease at its recent pace, so that
   * nothing it holds waits past its lease (a slow provider, a small share of a cluster-wide limit, a starved CPU),
   * between MIN_HOLD and maxInFlight.
   */
  private holdCap(): number {
    const rate = this.finished.perSecond();
    if (rate === null) return Math.min(this.maxInFlight, MIN_HOLD * 4);
    const paced = Math.floor((rate * this.ctx.config.engine.leaseMs) / 2000);
    return Math.min(this.maxInFlight, Math.max(MIN_HOLD, paced));
  }

  /** How many messages bulk work may fill: all the engine holds, or few while realtime messages are flowing. */
  private bulkCap(cap: number): number {
    return bulkCap(cap, performance.now() - this.lastRealtimeAt);
  }

  /** Free slots needed before bulk work is claimed again. */
  private lowWater(cap: number): number {
    return Math.max(1, Math.min(this.ctx.config.engine.claimBatch, cap >> 1));
  }

  /** Works the message (unless it is already in hand); resolves as processMessage does. */
  private track(message: MessageRecord): Promise<'missing' | void> {
    const current = this.inFlight.get(message.id);
    if (current) return current;
    if (message.priority === 'realtime') this.lastRealtimeAt = performance.now();
    const work = processMessage(this.ctx, message)
      .catch((error: unknown) => {
        // The lease runs out and the message is taken up again; nothing is lost.
        this.ctx.logger.error({ err: error, messageId: message.id }, 'processing a message failed');
      })
      .finally(() => {
        this.inFlight.delete(message.id);
        this.finished.add();
        const bulkCap = this.bulkCap(this.holdCap());
        if (this.waitingForRoom && this.inFlight.size <= bulkCap - this.lowWater(bulkCap)) {
          this.waitingForRoom = false;
          this.claims.wake();
        }
      });
    this.inFlight.set(message.id, work);
    return work;
  }
}
