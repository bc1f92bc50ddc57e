import type { MessageBody } from '../api/message-body.js';
import { prepareMessage, type PrepareContext } from '../api/prepare-message.js';
import type { ResolvedTemplate } from '../api/template-resolver.js';
import type { RouteStepInput } from '../config/route-steps.js';
import type { CampaignRecipientRecord, CampaignRecord } from '../store/campaign-records.js';
import type { NewMessage } from '../store/records.js';

/** The one message a recipient of a campaign may ever have: a restart finds it again by this key. */
export function campaignIdempotencyKey(campaignId: string, rowNumber: number): string {
  return `campaign:${campaignId}:${rowNumber}`;
}

/** The campaign's pinned route written as inline steps, so later config changes do not alter it. */
function pinnedSteps(campaign: CampaignRecord): RouteStepInput[] {
  return campaign.route.steps.map((step) => ({
    channel: step.channel,
    accounts: step.accounts,
    fallbackAfter: step.fallbackAfterMs,
    retry: {
      maxAttempts: step.retry.maxAttempts,
      initialBackoff: step.retry.initialBackoffMs,
      maxBackoff: step.retry.maxBackoffMs,
    },
  }));
}

/** Template variables of a recipient: the mapped columns, and `name` from the name column unless mapped apart. */
function variablesOf(recipient: CampaignRecipientRecord): Record<string, string> {
  const variables: Record<string, string> = { ...recipient.variables };
  if (recipient.name !== null && variables.name === undefined) variables.name = recipient.name;
  return variables;
}

/**
 * The message for one recipient, prepared exactly as the API prepares a message (route, purpose rules, template
 * rendering, content rules, phone checks), so validation refuses what sending would refuse. Throws the same
 * ApiError the API would answer with.
 */
export function messageForRecipient(
  campaign: CampaignRecord,
  recipient: CampaignRecipientRecord,
  template: ResolvedTemplate,
  ctx: PrepareContext,
): NewMessage {
  const body: MessageBody = {
    to: {
      ...(recipient.phone !== null ? { phone: recipient.phone } : {}),
      ...(recipient.lineUserId !== null ? { lineUserId: recipient.lineUserId } : {}),
      ...(recipient.email !== null ? { email: recipient.email } : {}),
    },
    purpose: campaign.purpose,
    route: { steps: pinnedSteps(campaign) },
    template: { id: campaign.template.id, version: campaign.template.version },
    variables: variablesOf(recipient),
    priority: 'bulk',
    ...(campaign.options.expiresAt !== null
      ? { expiresAt: new Date(campaign.options.expiresAt).toISOString() }
      : {}),
    metadata: {
      campaignId: campaign.id,
      rowNumber: recipient.rowNumber,
      ...(recipient.externalId !== null ? { externalId: recipient.externalId } : {}),
    },
  };
  const key = campaignIdempotencyKey(campaign.id, recipient.rowNumber);
  const message = prepareMessage(body, key, campaign.createdBy, ctx, template);
  return { ...message, route: { ...message.route, name: campaign.route.name }, campaignId: campaign.id };
}
