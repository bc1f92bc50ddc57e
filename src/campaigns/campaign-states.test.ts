import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_STATUSES,
  FINAL_CAMPAIGN_STATUSES,
  campaignStatusesBefore,
  canCampaignTransition,
  isFinalCampaignStatus,
  type CampaignStatus,
} from './campaign-states.js';

const ALLOWED_MOVES: readonly [CampaignStatus, CampaignStatus][] = [
  ['draft', 'validated'],
  ['validated', 'pending_approval'],
  ['validated', 'draft'],
  ['pending_approval', 'approved'],
  ['pending_approval', 'draft'],
  ['approved', 'scheduled'],
  ['scheduled', 'running'],
  ['running', 'paused'],
  ['paused', 'running'],
  ['running', 'completed'],
  ['draft', 'canceled'],
  ['validated', 'canceled'],
  ['pending_approval', 'canceled'],
  ['approved', 'canceled'],
  ['scheduled', 'canceled'],
  ['running', 'canceled'],
  ['paused', 'canceled'],
];

const isAllowed = (from: CampaignStatus, to: CampaignStatus) =>
  ALLOWED_MOVES.some(([f, t]) => f === from && t === to);

describe('campaign transitions', () => {
  it.each(ALLOWED_MOVES)('allows %s → %s', (from, to) => expect(canCampaignTransition(from, to)).toBe(true));

  const forbidden = CAMPAIGN_STATUSES.flatMap((from) =>
    CAMPAIGN_STATUSES.filter((to) => !isAllowed(from, to)).map((to) => [from, to] as const),
  );
  it.each(forbidden)('refuses %s → %s', (from, to) => expect(canCampaignTransition(from, to)).toBe(false));

  it('checks every pair of statuses: 17 allowed, the rest refused', () => {
    expect(ALLOWED_MOVES.length + forbidden.length).toBe(CAMPAIGN_STATUSES.length ** 2);
    expect(forbidden.length).toBe(81 - 17);
  });

  it('cancels from every status that is not final', () => {
    for (const from of CAMPAIGN_STATUSES) {
      expect(canCampaignTransition(from, 'canceled')).toBe(!isFinalCampaignStatus(from));
    }
  });

  it('never leaves a final status', () => {
    for (const from of FINAL_CAMPAIGN_STATUSES) {
      for (const to of CAMPAIGN_STATUSES) expect(canCampaignTransition(from, to)).toBe(false);
    }
  });

  it('reaches approval only through validation and a request for approval', () => {
    expect(campaignStatusesBefore('approved')).toEqual(['pending_approval']);
    expect(campaignStatusesBefore('pending_approval')).toEqual(['validated']);
    expect(campaignStatusesBefore('scheduled')).toEqual(['approved']);
  });

  it('derives the compare-and-set guard from the table', () => {
    expect(campaignStatusesBefore('canceled')).toEqual([
      'draft',
      'validated',
      'pending_approval',
      'approved',
      'scheduled',
      'running',
      'paused',
    ]);
    expect(campaignStatusesBefore('running')).toEqual(['scheduled', 'paused']);
    expect(campaignStatusesBefore('draft')).toEqual(['validated', 'pending_approval']);
  });
});
