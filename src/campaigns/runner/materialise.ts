import { ApiError } from '../../api/api-error.js';
import type { CampaignRecord, RecipientChange } from '../../store/campaign-records.js';
import type { NewMessage } from '../../store/records.js';
import type { CampaignDeps } from '../campaign-deps.js';
import { messageForRecipient } from '../message-for-recipient.js';

/**
 * Turns up to `limit` pending recipients of a running campaign into messages, in row order. Each message has
 * the idempotency key of its campaign and row, so doing this twice (a crash between storing the messages and
 * marking the recipients) finds the same messages instead of making new ones. A recipient whose message can no
 * longer be prepared (the config changed since validation) is excluded with the reason. Resolves how many
 * recipients were handled.
 */
export async function materialise(
  deps: CampaignDeps,
  campaign: CampaignRecord,
  limit: number,
): Promise<number> {
  const { store, config, clock } = deps;
  const importId = campaign.importId!;
  const recipients = await store.campaigns.listRecipients(importId, { state: 'pending', limit });
  if (recipients.length === 0) return 0;
  // Paused or canceled since the round began: create nothing more.
  if ((await store.campaigns.get(campaign.id))?.status !== 'running') return 0;

  const template = await deps.templates.resolve({
    id: campaign.template.id,
    version: campaign.template.version,
  });
  const ctx = { config, clock, newId: deps.newId };
  const messages: NewMessage[] = [];
  const rows: number[] = [];
  const changes: RecipientChange[] = [];
  for (const r of recipients) {
    try {
      messages.push(messageForRecipient(campaign, r, template, ctx));
      rows.push(r.rowNumber);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      changes.push({ rowNumber: r.rowNumber, state: 'excluded', reason: error.code });
    }
  }
  const results = messages.length > 0 ? await store.acceptMessages(messages) : [];
  // created, or found again under its key: either way the recipient's one message.
  results.forEach((result, i) =>
    changes.push({ rowNumber: rows[i]!, state: 'materialized', messageId: result.id }),
  );
  await store.campaigns.setRecipientStates(importId, changes);
  if (results.some((r) => r.result === 'created')) deps.onAccepted?.();
  return recipients.length;
}
