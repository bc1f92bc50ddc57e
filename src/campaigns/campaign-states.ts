/**
 * Campaign lifecycle (DESIGN §2: import → validation report → approval by a second operator → run → results).
 *
 * - draft:            being prepared: recipients may be uploaded (again), mapping and options changed.
 * - validated:        exclusions applied, every recipient's message rendered, counts and cost estimated.
 * - pending_approval: the list is frozen and waits for a second operator.
 * - approved:         a second operator (another API key than the creator's) approved exactly this list.
 * - scheduled:        started; waits for its start time.
 * - running:          recipients are turned into messages at the throttle rate, inside the send window.
 * - paused:           no new messages; messages not yet sent are held until resumed.
 * Final states (never left):
 * - completed:        every recipient is final (excluded, or its message delivered, failed or expired).
 * - canceled:         stopped by an operator: no new messages, messages not yet sent are canceled.
 *
 * Going back to draft (from validated, or withdrawing a request for approval) discards the validation, so a
 * changed list is always validated and approved again.
 */
export const CAMPAIGN_STATUSES = [
  'draft',
  'validated',
  'pending_approval',
  'approved',
  'scheduled',
  'running',
  'paused',
  'completed',
  'canceled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const FINAL_CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['completed', 'canceled'];

/** Every allowed move. Anything not listed is refused. */
const ALLOWED: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['validated', 'canceled'],
  validated: ['pending_approval', 'draft', 'canceled'],
  pending_approval: ['approved', 'draft', 'canceled'],
  approved: ['scheduled', 'canceled'],
  scheduled: ['running', 'canceled'],
  running: ['paused', 'completed', 'canceled'],
  paused: ['running', 'canceled'],
  completed: [],
  canceled: [],
};

export function canCampaignTransition(from: CampaignStatus, to: CampaignStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The statuses a campaign may be in for a move to `to`: the guard of a compare-and-set update. */
export function campaignStatusesBefore(to: CampaignStatus): CampaignStatus[] {
  return CAMPAIGN_STATUSES.filter((from) => ALLOWED[from].includes(to));
}

export function isFinalCampaignStatus(status: CampaignStatus): boolean {
  return FINAL_CAMPAIGN_STATUSES.includes(status);
}

/** Statuses in which the campaign runner has work: start times, materialising, holding, sweeping. */
export const RUNNER_CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['scheduled', 'running', 'paused'];

/** Statuses in which the recipients and options may change (uploads, mapping, exclusions). */
export function isEditable(status: CampaignStatus): boolean {
  return status === 'draft';
}
