import type { TodokeConfig } from '../config/config.js';
import {
  RECIPIENT_STATES,
  type CampaignMessageStats,
  type CampaignRecord,
  type RecipientCount,
  type RecipientState,
} from '../store/campaign-records.js';
import type { Store } from '../store/store.js';
import { nextCreateAt } from './runner/campaign-window.js';

export interface CampaignProgress {
  recipients: {
    total: number;
    byState: Record<RecipientState, number>;
    /** Not sent, by reason. */
    excluded: Record<string, number>;
  };
  messages: CampaignMessageStats;
  /** While scheduled or running: when the next messages may be created (start time, send window); else null. */
  nextCreateAt: number | null;
}

/** What the campaign achieved, against what the same list would have cost by SMS alone. */
export interface CampaignSummary {
  /** Recipients whose message was created. */
  sent: number;
  delivered: number;
  /** delivered / sent; null before anything was sent. */
  reach: number | null;
  /** Messages that needed a later step (LINE did not reach them, or memory said it would not) / sent. */
  fallbackRate: number | null;
  /** Deliveries confirmed after the route had moved on (both channels reached the person). */
  lateDeliveries: number;
  /** Yen, as billed so far. */
  costYen: number;
  /** Yen the sent messages would have cost by SMS only (from the validation estimate's units and price). */
  smsOnlyYen: number | null;
  savingYen: number | null;
}

function byState(counts: RecipientCount[]) {
  const states = Object.fromEntries(RECIPIENT_STATES.map((s) => [s, 0])) as Record<RecipientState, number>;
  const excluded: Record<string, number> = {};
  let total = 0;
  for (const c of counts) {
    states[c.state] += c.count;
    total += c.count;
    if (c.state === 'excluded')
      excluded[c.reason ?? 'unknown'] = (excluded[c.reason ?? 'unknown'] ?? 0) + c.count;
  }
  return { total, byState: states, excluded };
}

/** Live counts: recipients by state, messages by status and channel, and attempts with their cost. */
export async function campaignProgress(
  store: Store,
  config: TodokeConfig,
  campaign: CampaignRecord,
  now: number,
): Promise<CampaignProgress> {
  const [counts, messages] = await Promise.all([
    campaign.importId === null ? Promise.resolve([]) : store.campaigns.countRecipients(campaign.importId),
    store.campaigns.messageStats(campaign.id),
  ]);
  const next =
    campaign.status === 'scheduled' || campaign.status === 'running'
      ? nextCreateAt(campaign, config, now)
      : null;
  return {
    recipients: byState(counts),
    messages,
    nextCreateAt: next === null || !Number.isFinite(next) ? null : next,
  };
}

const ratio = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 10_000) / 10_000);
const yen = (n: number) => Math.round(n * 100) / 100;

export function campaignSummary(campaign: CampaignRecord, progress: CampaignProgress): CampaignSummary {
  const sent = progress.recipients.byState.materialized;
  const m = progress.messages;
  const delivered = m.byStatus.delivered;
  const costYen = yen(m.attempts.reduce((sum, a) => sum + a.cost, 0));
  const estimate = campaign.report?.estimate;
  const perMessage =
    estimate?.smsOnlyYen != null && campaign.report!.sendable > 0
      ? estimate.smsOnlyYen / campaign.report!.sendable
      : null;
  const smsOnlyYen = perMessage === null ? null : yen(perMessage * sent);
  return {
    sent,
    delivered,
    reach: ratio(delivered, sent),
    fallbackRate: ratio(m.usedLaterStep, sent),
    lateDeliveries: m.lateDeliveries,
    costYen,
    smsOnlyYen,
    savingYen: smsOnlyYen === null ? null : yen(smsOnlyYen - costYen),
  };
}
