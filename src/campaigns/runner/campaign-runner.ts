import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ApiError } from '../../api/api-error.js';
import type { CampaignRecord } from '../../store/campaign-records.js';
import type { CampaignDeps } from '../campaign-deps.js';
import { changeCampaign, moved } from '../change-campaign.js';
import { materialise } from './materialise.js';
import { nextCreateAt } from './campaign-window.js';
import { allowance, newBucket, refill, spend, type Bucket } from './throttle.js';

export interface RunnerOptions {
  /** Length of one round: how often campaigns are looked at (default 1 s). */
  roundMs?: number;
  /** How long a campaign stays with this runner without renewal (default 15 s): a dead runner's take over after it. */
  leaseMs?: number;
  /** Most messages created for one campaign in one round (default 2,000). */
  maxBatch?: number;
  logger?: Logger;
}

/** Recipients closed (canceled, expired) per round: one bounded write each. */
const CLOSE_CHUNK = 5_000;
/** Finished campaigns are recognised by counting their unfinished messages: not every round. */
const COMPLETION_CHECK_MS = 5_000;
/** After a pause, messages an engine hands back are held again for this long. */
const HOLD_AGAIN_FOR_MS = 60_000;
const HOLD_EVERY_MS = 5_000;

/**
 * Runs campaigns: starts scheduled ones at their start time, turns recipients of running ones into messages at
 * their throttle rate inside their window, holds paused ones' unsent messages, sweeps canceled ones, and
 * completes a campaign once every recipient is final. Everything it knows is in the store, so a runner started
 * after a crash picks up where the last one stopped; a lease keeps two runners off one campaign.
 */
export class CampaignRunner {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly buckets = new Map<string, Bucket>();
  private readonly checkedAt = new Map<string, number>();
  private readonly heldAt = new Map<string, number>();
  private readonly roundMs: number;
  private readonly leaseMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly deps: CampaignDeps,
    readonly owner: string,
    private readonly options: RunnerOptions = {},
  ) {
    this.roundMs = options.roundMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.maxBatch = options.maxBatch ?? 2_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.keepRunning();
  }

  /** A campaign changed (started, resumed, canceled): look now rather than at the next round. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async keepRunning(): Promise<void> {
    while (this.running) {
      try {
        await this.round();
      } catch (error) {
        this.options.logger?.error({ err: error }, 'campaign round failed; retrying next round');
      }
      if (!this.running) break;
      const ac = new AbortController();
      this.wakeUp = () => ac.abort();
      await sleep(this.roundMs, undefined, { signal: ac.signal }).catch(() => {});
      this.wakeUp = null;
    }
  }

  /** One look at every campaign with work left. Exposed for tests. */
  async round(): Promise<void> {
    const now = this.deps.clock.now();
    for (const campaign of await this.deps.store.campaigns.listUnsettled()) {
      if (!this.running && this.loop !== null) return;
      if (!(await this.deps.store.campaigns.lease(campaign.id, this.owner, now, this.leaseMs))) continue;
      try {
        await this.work(campaign, now);
      } catch (error) {
        // Someone else moved the campaign meanwhile (an operator paused or canceled it): next round sees it.
        if (error instanceof ApiError) continue;
        throw error;
      }
    }
  }

  private async work(campaign: CampaignRecord, now: number): Promise<void> {
    switch (campaign.status) {
      case 'scheduled': {
        if (campaign.options.startAt !== null && now < campaign.options.startAt) return;
        const running = await changeCampaign(this.deps.store, campaign.id, (c) =>
          moved(c, 'running', 'run', null, now, { startedAt: now }),
        );
        return this.run(running, now);
      }
      case 'running':
        return this.run(campaign, now);
      case 'paused':
        return this.hold(campaign, now);
      case 'canceled':
        return this.sweep(campaign, now);
      default:
        return;
    }
  }

  private async run(campaign: CampaignRecord, now: number): Promise<void> {
    const { store, config } = this.deps;
    const importId = campaign.importId!;
    const expired = campaign.options.expiresAt !== null && now >= campaign.options.expiresAt;
    if (expired) {
      await store.campaigns.closePendingRecipients(importId, 'expired', 'campaign_expired', CLOSE_CHUNK);
    } else if (nextCreateAt(campaign, config, now) <= now) {
      const perMinute = campaign.options.throttlePerMinute;
      let bucket = this.buckets.get(campaign.id) ?? newBucket(perMinute, this.roundMs, now);
      bucket = refill(bucket, perMinute, this.roundMs, now);
      const n = allowance(bucket, this.maxBatch);
      const done = n > 0 ? await materialise(this.deps, campaign, n) : 0;
      this.buckets.set(campaign.id, spend(bucket, done));
      if (done > 0) return;
    }
    await this.completeIfDone(campaign, now);
  }

  /** running → completed once no recipient is pending and every message is final. */
  private async completeIfDone(campaign: CampaignRecord, now: number): Promise<void> {
    const { store } = this.deps;
    if (now - (this.checkedAt.get(campaign.id) ?? 0) < COMPLETION_CHECK_MS) return;
    this.checkedAt.set(campaign.id, now);
    const pending = await store.campaigns.listRecipients(campaign.importId!, { state: 'pending', limit: 1 });
    if (pending.length > 0 || (await store.campaigns.countActiveMessages(campaign.id)) > 0) return;
    await changeCampaign(store, campaign.id, (c) =>
      moved(c, 'completed', 'complete', null, now, { settled: true, finishedAt: now }),
    );
    this.forget(campaign.id);
  }

  /**
   * Paused: messages nobody tried yet are held (pause did that once); an engine may hand back a message it had
   * claimed before the pause, so they are held again for a while.
   */
  private async hold(campaign: CampaignRecord, now: number): Promise<void> {
    this.buckets.delete(campaign.id);
    const pausedAt = campaign.history.findLast((h) => h.to === 'paused')?.at ?? campaign.updatedAt;
    if (now - pausedAt > HOLD_AGAIN_FOR_MS) return;
    if (now - (this.heldAt.get(campaign.id) ?? 0) < HOLD_EVERY_MS) return;
    this.heldAt.set(campaign.id, now);
    await this.deps.store.campaigns.holdMessages(campaign.id, now);
  }

  /** Canceled: cancel messages not sent (as engines let go of them), close pending recipients, then settle. */
  private async sweep(campaign: CampaignRecord, now: number): Promise<void> {
    const { store } = this.deps;
    await store.campaigns.cancelMessages(campaign.id, now);
    const closed =
      campaign.importId === null
        ? 0
        : await store.campaigns.closePendingRecipients(
            campaign.importId,
            'canceled',
            'campaign_canceled',
            CLOSE_CHUNK,
          );
    // A full chunk may have left more behind: the next round goes on.
    if (closed === CLOSE_CHUNK || (await store.campaigns.countActiveMessages(campaign.id)) > 0) return;
    await changeCampaign(store, campaign.id, (c) => ({
      ...c,
      settled: true,
      finishedAt: now,
      updatedAt: now,
    }));
    this.forget(campaign.id);
  }

  private forget(id: string): void {
    this.buckets.delete(id);
    this.checkedAt.delete(id);
    this.heldAt.delete(id);
  }
}
