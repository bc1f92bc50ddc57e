import type { CampaignRecord } from '../store/campaign-records.js';
import type { Store } from '../store/store.js';
import { campaignStatusesBefore, canCampaignTransition, type CampaignStatus } from './campaign-states.js';
import { campaignChanged, campaignNotFound, wrongStatus } from './campaign-errors.js';

/** Others (the runner, another operator) may change the campaign between our read and our write; each retry re-reads. */
const MAX_TRIES = 10;

/**
 * Applies `change` to the campaign as a compare-and-set: read, change, write at the version read; when the write
 * loses a race, read again and re-apply (so `change` re-checks its rules against the fresh campaign). `change`
 * throws to refuse. With `expectVersion`, the caller insists on the version it showed the operator: any change
 * since is refused with campaign_changed instead of being applied over.
 */
export async function changeCampaign(
  store: Store,
  id: string,
  change: (campaign: CampaignRecord) => CampaignRecord,
  expectVersion?: number,
): Promise<CampaignRecord> {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const campaign = await store.campaigns.get(id);
    if (!campaign) throw campaignNotFound(id);
    if (expectVersion !== undefined && campaign.version !== expectVersion) {
      throw campaignChanged(expectVersion, campaign.version);
    }
    const next = change(campaign);
    const stored = await store.campaigns.update(next, campaign.version);
    if (stored) return stored;
  }
  throw new Error(`campaign ${id} kept changing while being updated`);
}

/**
 * The campaign moved to `to` by `action`, recorded in its history; refused (409 campaign_state) when the table
 * in campaign-states.ts does not allow the move.
 */
export function moved(
  campaign: CampaignRecord,
  to: CampaignStatus,
  action: string,
  by: string | null,
  now: number,
  patch: Partial<CampaignRecord> = {},
): CampaignRecord {
  if (!canCampaignTransition(campaign.status, to)) {
    throw wrongStatus(action, campaign.status, campaignStatusesBefore(to));
  }
  return {
    ...campaign,
    ...patch,
    status: to,
    updatedAt: now,
    history: [...campaign.history, { action, by, at: now, from: campaign.status, to }],
  };
}
